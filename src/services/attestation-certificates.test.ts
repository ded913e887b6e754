// W5: the offline check of an attestation chain against the administrator's roots, with real
// certificates made by test/support/attestation-certificates.ts.
import { describe, expect, it } from 'vitest';
import { createAttestationLeaf, createIntermediate, createRoot } from '../../test/support/attestation-certificates.js';
import { parseRootCertificate, verifyAttestationTrust } from './attestation-certificates.js';

const aaguid = '0f0e0d0c-0b0a-0908-0706-050403020100';
const otherAaguid = 'ee882879-721c-4913-9775-3dfcce97072a';
const day = 24 * 60 * 60 * 1000;

describe('W5 verifyAttestationTrust', async () => {
  const root = await createRoot();
  const intermediate = await createIntermediate(root);
  const now = Date.now();

  it('W5: accepts leaf → intermediate → supplied root, with or without the AAGUID extension', async () => {
    const leaf = await createAttestationLeaf({ issuer: intermediate, aaguid });
    expect(verifyAttestationTrust([leaf.der, intermediate.der], [root.pem], aaguid, now)).toEqual({ ok: true });
    const plain = await createAttestationLeaf({ issuer: root });
    expect(verifyAttestationTrust([plain.der], [root.pem], aaguid, now)).toEqual({ ok: true });
    // The root sent along in x5c is fine; trust still comes from the supplied one.
    expect(verifyAttestationTrust([leaf.der, intermediate.der, root.der], [root.pem], aaguid, now)).toEqual({ ok: true });
  });

  it('W5: refuses a leaf whose AAGUID extension names another model', async () => {
    const leaf = await createAttestationLeaf({ issuer: intermediate, aaguid: otherAaguid });
    expect(verifyAttestationTrust([leaf.der, intermediate.der], [root.pem], aaguid, now)).toEqual({ ok: false, reason: 'aaguid_mismatch' });
  });

  it('W5: refuses self-signed chains, other roots, a missing intermediate, and no roots at all', async () => {
    const forged = await createAttestationLeaf({ aaguid });
    expect(verifyAttestationTrust([forged.der], [root.pem], aaguid, now)).toEqual({ ok: false, reason: 'untrusted' });
    const forgedRoot = await createRoot('Test Vendor Root');
    const leafOfForged = await createAttestationLeaf({ issuer: forgedRoot, aaguid });
    expect(verifyAttestationTrust([leafOfForged.der, forgedRoot.der], [root.pem], aaguid, now)).toEqual({ ok: false, reason: 'untrusted' });
    const leaf = await createAttestationLeaf({ issuer: intermediate, aaguid });
    expect(verifyAttestationTrust([leaf.der], [root.pem], aaguid, now)).toEqual({ ok: false, reason: 'untrusted' });
    expect(verifyAttestationTrust([leaf.der, intermediate.der], [], aaguid, now)).toEqual({ ok: false, reason: 'untrusted' });
    expect(verifyAttestationTrust([], [root.pem], aaguid, now)).toEqual({ ok: false, reason: 'no_chain' });
  });

  it('W5: a leaf is no certificate authority: it cannot stand in for an intermediate', async () => {
    const leaf = await createAttestationLeaf({ issuer: root });
    // A "leaf" issued by another leaf: names and signatures chain up, but the middle one is not a CA.
    const child = await createAttestationLeaf({ issuer: leaf });
    expect(verifyAttestationTrust([child.der, leaf.der], [root.pem], aaguid, now)).toEqual({ ok: false, reason: 'untrusted' });
  });

  it('W5: validity at the given time, not the real one', async () => {
    const leaf = await createAttestationLeaf({ issuer: intermediate, aaguid, validForDays: 1 });
    expect(verifyAttestationTrust([leaf.der, intermediate.der], [root.pem], aaguid, now)).toEqual({ ok: true });
    expect(verifyAttestationTrust([leaf.der, intermediate.der], [root.pem], aaguid, now + 2 * day)).toEqual({ ok: false, reason: 'not_valid_now' });
    expect(verifyAttestationTrust([leaf.der, intermediate.der], [root.pem], aaguid, now - 2 * day)).toEqual({ ok: false, reason: 'not_valid_now' });
    // A root past its end is no anchor.
    expect(verifyAttestationTrust([leaf.der, intermediate.der], [root.pem], aaguid, now + 3651 * day)).toMatchObject({ ok: false });
  });

  it('W5: unreadable certificates are refused', () => {
    expect(verifyAttestationTrust([new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])], [root.pem], aaguid, now)).toEqual({ ok: false, reason: 'unreadable' });
  });
});

describe('W5 parseRootCertificate', async () => {
  const root = await createRoot();
  it('takes a PEM block or bare base64 DER, and nothing else', () => {
    expect(parseRootCertificate(root.pem)?.fingerprint256).toBe(parseRootCertificate(root.der.toString('base64'))?.fingerprint256);
    expect(parseRootCertificate(`\n  ${root.pem}\n`)).toBeDefined();
    expect(parseRootCertificate('hello')).toBeUndefined();
    expect(parseRootCertificate('')).toBeUndefined();
    expect(parseRootCertificate(root.pem + '\n' + root.pem)).toBeUndefined();
    expect(parseRootCertificate(Buffer.concat([root.der, Buffer.from([0])]).toString('base64'))).toBeUndefined();
    expect(parseRootCertificate(root.der.subarray(0, 100).toString('base64'))).toBeUndefined();
  });
});
