// W5: an allow-list of authenticator models is enforced with the administrator's attestation root
// certificates, offline: the x5c chain of a 'packed' full attestation must lead to a root supplied
// for the AAGUID it claims, every certificate valid at the server's clock, and the leaf's
// id-fido-gen-ce-aaguid extension (when present) must name the same model. Chains are made here
// with @peculiar/x509 (test/support/attestation-certificates.ts). Both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, expectProblem, signUpMember, type Member } from '../support/two-factor.js';
import { createAttestationLeaf, createIntermediate, createRoot, packedAttestation, type TestCertificate } from '../support/attestation-certificates.js';
import { SoftwareAuthenticator } from '../support/software-authenticator.js';
import { createTestApp, publicUrl, TestClock, type TestApp } from '../support/test-app.js';

const rpId = new URL(publicUrl).hostname;
const origin = new URL(publicUrl).origin;
const day = 24 * 60 * 60 * 1000;
const allowed = '0f0e0d0c-0b0a-0908-0706-050403020100';
const otherModel = 'ee882879-721c-4913-9775-3dfcce97072a';
const aaguidBytes = (aaguid: string) => Buffer.from(aaguid.replace(/-/g, ''), 'hex');

let t: TestApp;
let counter = 0;
const nextEmail = (label: string) => `${label}-${++counter}@example.com`;
let root: TestCertificate;
let intermediate: TestCertificate;
let otherRoot: TestCertificate;

beforeAll(async () => {
  // The server's clock runs a week ahead of the real one, so a leaf the library still accepts (it
  // looks at the real time) can be expired for Tessera (which must look at its own clock).
  t = await createTestApp({}, { clock: new TestClock(Date.now() + 7 * day) });
  root = await createRoot();
  intermediate = await createIntermediate(root);
  otherRoot = await createRoot('Another Vendor Root');
});
afterAll(async () => {
  await t.close();
});

async function register(browser: Browser, authenticator: SoftwareAuthenticator, input: { format?: 'none' | 'packed'; attestation?: ReturnType<typeof packedAttestation> } = {}) {
  const options = await browser.post('/api/v1/me/two-factor/webauthn/options', { kind: 'security_key' });
  expect(options.statusCode, options.body).toBe(200);
  expect(options.json().attestation).toBe('direct');
  return browser.post('/api/v1/me/two-factor/webauthn', { name: 'Vendor key', response: authenticator.register(options.json(), input) });
}

/** An administrator whose organization allows `allowed` with `root`, and `otherModel` with `otherRoot`. */
async function organizationWithAllowList(): Promise<Member> {
  const admin = await signUpMember(t, { email: nextEmail('models') });
  const saved = await admin.browser.patch('/api/v1/organization', {
    twoFactor: {
      allowedAuthenticators: [
        { aaguid: allowed.toUpperCase(), rootCertificates: [root.pem] },
        { aaguid: otherModel, rootCertificates: [otherRoot.der.toString('base64')] },
      ],
    },
  });
  expect(saved.statusCode, saved.body).toBe(200);
  return admin;
}

/** Refused, nothing stored, and the refusal in the organization's audit log with why. */
async function expectRefused(admin: Member, response: Awaited<ReturnType<typeof register>>, reasons: readonly string[] = ['untrusted', 'not_valid_now', 'no_chain', 'chain_too_long', 'aaguid_mismatch', 'unreadable']) {
  expectProblem(response, 403, 'method_not_allowed');
  expect((await admin.browser.get('/api/v1/me/two-factor/webauthn')).json().credentials).toEqual([]);
  const refused = await t.store.db.selectFrom('auditEvents').select(['details', 'targetUserId', 'actorUserId']).where('organizationId', '=', admin.organizationId).where('type', '=', 'two_factor.webauthn_refused').orderBy('id', 'desc').executeTakeFirstOrThrow();
  expect(refused.targetUserId).toBe(refused.actorUserId);
  const details = JSON.parse(refused.details) as { kind: string; aaguid: string; reason: string };
  expect(details).toMatchObject({ kind: 'security_key', aaguid: allowed });
  expect(reasons).toContain(details.reason);
  return details.reason;
}

describe('W5 attestation root certificates', () => {
  it('W5: each allowed model needs its root certificate; a bad one is refused and changes nothing; PEM and bare base64 DER are taken', async () => {
    const admin = await signUpMember(t, { email: nextEmail('roots') });
    const before = (await admin.browser.get('/api/v1/organization')).json().twoFactor;
    expect(before.allowedAuthenticators).toBeNull();
    expectProblem(await admin.browser.patch('/api/v1/organization', { twoFactor: { allowedAuthenticators: [allowed] } }), 400, 'validation_failed', 'an AAGUID without a root');
    expectProblem(await admin.browser.patch('/api/v1/organization', { twoFactor: { allowedAuthenticators: [{ aaguid: allowed, rootCertificates: ['not a certificate'] }] } }), 400, 'validation_failed', 'not a certificate');
    // A line of the base64 body missing: the DER inside no longer parses.
    const truncated = root.pem.split('\n').filter((_, index) => index !== 2).join('\n');
    expect(truncated).not.toBe(root.pem);
    expectProblem(await admin.browser.patch('/api/v1/organization', { twoFactor: { allowedAuthenticators: [{ aaguid: allowed, rootCertificates: [truncated] }] } }), 400, 'validation_failed', 'truncated');
    expectProblem(await admin.browser.patch('/api/v1/organization', { twoFactor: { allowedAuthenticators: [{ aaguid: allowed, rootCertificates: [root.pem + root.pem] }] } }), 400, 'validation_failed', 'two in one');
    expectProblem(await admin.browser.patch('/api/v1/organization', { twoFactor: { allowedAuthenticators: [{ aaguid: allowed, rootCertificates: Array(5).fill(root.pem) }] } }), 400, 'validation_failed', 'too many');
    expectProblem(await admin.browser.patch('/api/v1/organization', { twoFactor: { allowedAuthenticators: [{ aaguid: allowed, rootCertificates: ['A'.repeat(20_000)] }] } }), 400, 'validation_failed', 'too long');
    expectProblem(await admin.browser.patch('/api/v1/organization', { twoFactor: { allowedAuthenticators: [{ aaguid: allowed, rootCertificates: [] }] } }), 400, 'validation_failed', 'none');
    expectProblem(await admin.browser.patch('/api/v1/organization', { twoFactor: { allowedAuthenticators: [{ aaguid: 'nope', rootCertificates: [root.pem] }] } }), 400, 'validation_failed', 'bad AAGUID');
    expectProblem(await admin.browser.patch('/api/v1/organization', { twoFactor: { allowedAuthenticators: [{ aaguid: allowed, rootCertificates: [root.pem], extra: { x: 1 } }, 42] } }), 400, 'validation_failed', 'wrong shape');
    expect((await admin.browser.get('/api/v1/organization')).json().twoFactor).toMatchObject({ allowedAuthenticators: null, authenticatorModels: [] });

    const saved = await admin.browser.patch('/api/v1/organization', {
      twoFactor: { allowedAuthenticators: [{ aaguid: allowed.toUpperCase(), rootCertificates: [root.pem] }, { aaguid: otherModel, rootCertificates: [otherRoot.der.toString('base64')] }] },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const models = saved.json().twoFactor.authenticatorModels;
    expect(saved.json().twoFactor.allowedAuthenticators).toEqual([allowed, otherModel]);
    expect(models.map((m: { aaguid: string }) => m.aaguid)).toEqual([allowed, otherModel]);
    expect(models[0].rootCertificates).toHaveLength(1);
    expect(models[0].rootCertificates[0].subject).toContain('CN=Test Vendor Root');
    expect(models[1].rootCertificates[0].subject).toContain('CN=Another Vendor Root');
    expect(models[1].rootCertificates[0].pem).toMatch(/^-----BEGIN CERTIFICATE-----/);

    // An AAGUID alone keeps the roots stored for it; a model left out loses its roots.
    const kept = await admin.browser.patch('/api/v1/organization', { twoFactor: { allowedAuthenticators: [allowed] } });
    expect(kept.statusCode, kept.body).toBe(200);
    expect(kept.json().twoFactor.authenticatorModels).toEqual([{ aaguid: allowed, rootCertificates: [expect.objectContaining({ sha256: expect.any(String) })] }]);
    expectProblem(await admin.browser.patch('/api/v1/organization', { twoFactor: { allowedAuthenticators: [allowed, otherModel] } }), 400, 'validation_failed', 'a dropped model’s roots are gone');
    const audit = await t.store.db.selectFrom('auditEvents').select('details').where('organizationId', '=', admin.organizationId).where('type', '=', 'organization.updated').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details)).toMatchObject({ attestationRoots: { [allowed]: [expect.stringMatching(/^[0-9A-F:]+$/)] } });

    // Removing the list removes the roots.
    expect((await admin.browser.patch('/api/v1/organization', { twoFactor: { allowedAuthenticators: null } })).json().twoFactor).toMatchObject({ allowedAuthenticators: null, authenticatorModels: [] });
    expectProblem(await admin.browser.patch('/api/v1/organization', { twoFactor: { allowedAuthenticators: [allowed] } }), 400, 'validation_failed', 'roots gone with the list');
  });

  it('W5: a chain from the leaf through an intermediate to the model’s root is accepted', async () => {
    const admin = await organizationWithAllowList();
    const leaf = await createAttestationLeaf({ issuer: intermediate, aaguid: allowed });
    const registered = await register(admin.browser, new SoftwareAuthenticator({ origin, rpId, aaguid: aaguidBytes(allowed) }), { format: 'packed', attestation: packedAttestation(leaf, intermediate) });
    expect(registered.statusCode, registered.body).toBe(201);
    // A leaf issued by the root itself, without the AAGUID extension, is accepted too.
    const direct = await createAttestationLeaf({ issuer: root });
    const second = await register(admin.browser, new SoftwareAuthenticator({ origin, rpId, aaguid: aaguidBytes(allowed) }), { format: 'packed', attestation: packedAttestation(direct) });
    expect(second.statusCode, second.body).toBe(201);
  });

  it('W5: a self-signed chain claiming an allowed model is refused', async () => {
    const admin = await organizationWithAllowList();
    const forged = await createAttestationLeaf({ aaguid: allowed });
    await expectRefused(admin, await register(admin.browser, new SoftwareAuthenticator({ origin, rpId, aaguid: aaguidBytes(allowed) }), { format: 'packed', attestation: packedAttestation(forged) }));
    // A forged intermediate (a CA of one's own, named like the real one) does not help.
    const forgedCa = await createRoot('Test Vendor Root');
    const forgedLeaf = await createAttestationLeaf({ issuer: forgedCa, aaguid: allowed });
    await expectRefused(admin, await register(admin.browser, new SoftwareAuthenticator({ origin, rpId, aaguid: aaguidBytes(allowed) }), { format: 'packed', attestation: packedAttestation(forgedLeaf, forgedCa) }));
  });

  it('W5: a chain to another root — another model’s, or an unknown one — is refused', async () => {
    const admin = await organizationWithAllowList();
    const leafOfOtherVendor = await createAttestationLeaf({ issuer: otherRoot, aaguid: allowed });
    await expectRefused(admin, await register(admin.browser, new SoftwareAuthenticator({ origin, rpId, aaguid: aaguidBytes(allowed) }), { format: 'packed', attestation: packedAttestation(leafOfOtherVendor) }));
    const unknownRoot = await createRoot('Unknown Root');
    const leafOfUnknown = await createAttestationLeaf({ issuer: unknownRoot, aaguid: allowed });
    await expectRefused(admin, await register(admin.browser, new SoftwareAuthenticator({ origin, rpId, aaguid: aaguidBytes(allowed) }), { format: 'packed', attestation: packedAttestation(leafOfUnknown, unknownRoot) }));
  });

  it('W5: a model not on the list is refused, and the audit log says which and why', async () => {
    const admin = await organizationWithAllowList();
    const unlistedModel = '11111111-2222-4333-8444-555555555555';
    const leaf = await createAttestationLeaf({ issuer: root, aaguid: unlistedModel });
    const response = await register(admin.browser, new SoftwareAuthenticator({ origin, rpId, aaguid: aaguidBytes(unlistedModel) }), { format: 'packed', attestation: packedAttestation(leaf) });
    expectProblem(response, 403, 'method_not_allowed');
    const listed = await admin.browser.get('/api/v1/organization/audit-events?type=two_factor.webauthn_refused');
    expect(listed.statusCode, listed.body).toBe(200);
    const events = listed.json();
    expect(events.events).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'two_factor.webauthn_refused', details: { kind: 'security_key', aaguid: unlistedModel, reason: 'model_not_allowed' } })]),
    );
  });

  it('W5: a leaf expired at the server’s clock is refused', async () => {
    const admin = await organizationWithAllowList();
    // Valid for one more day of real time; the server's clock is a week ahead.
    const expired = await createAttestationLeaf({ issuer: intermediate, aaguid: allowed, validForDays: 1 });
    await expectRefused(admin, await register(admin.browser, new SoftwareAuthenticator({ origin, rpId, aaguid: aaguidBytes(allowed) }), { format: 'packed', attestation: packedAttestation(expired, intermediate) }), ['not_valid_now']);
  });

  it('W5: a leaf whose AAGUID extension names another model than the authenticator data is refused', async () => {
    const admin = await organizationWithAllowList();
    const leaf = await createAttestationLeaf({ issuer: intermediate, aaguid: otherModel });
    // For 'packed' the library already refuses the statement (§8.2.1); Tessera's own check of the
    // extension (for every format with x5c) is proven in src/services/attestation-certificates.test.ts.
    const refused = await register(admin.browser, new SoftwareAuthenticator({ origin, rpId, aaguid: aaguidBytes(allowed) }), { format: 'packed', attestation: packedAttestation(leaf, intermediate) });
    expect([403, 400]).toContain(refused.statusCode);
    expect((await admin.browser.get('/api/v1/me/two-factor/webauthn')).json().credentials).toEqual([]);
  });

  it('W5: without attestation (none, or self-attestation) a key is refused while a list is set, and accepted without one', async () => {
    const admin = await organizationWithAllowList();
    expect(await expectRefused(admin, await register(admin.browser, new SoftwareAuthenticator({ origin, rpId, aaguid: aaguidBytes(allowed) }), { format: 'none' }), ['attestation_required'])).toBe('attestation_required');
    await expectRefused(admin, await register(admin.browser, new SoftwareAuthenticator({ origin, rpId, aaguid: aaguidBytes(allowed) }), { format: 'packed' }), ['attestation_required']);
    expect((await admin.browser.patch('/api/v1/organization', { twoFactor: { allowedAuthenticators: null } })).statusCode).toBe(200);
    const options = await admin.browser.post('/api/v1/me/two-factor/webauthn/options', { kind: 'security_key' });
    expect(options.json().attestation).toBe('none');
    const registered = await admin.browser.post('/api/v1/me/two-factor/webauthn', { name: 'Any key', response: new SoftwareAuthenticator({ origin, rpId }).register(options.json(), { format: 'none' }) });
    expect(registered.statusCode, registered.body).toBe(201);
  });
});
