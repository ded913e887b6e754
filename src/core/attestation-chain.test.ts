import { describe, expect, it } from 'vitest';
import { aaguidExtensionOf, checkAttestationChain, type ChainCertificate } from './attestation-chain.js';

interface FakeCertificate extends ChainCertificate {
  name: string;
  issuer: string;
}

const cert = (name: string, issuer: string, isCertificateAuthority = true, validFromInMs = 0, validToInMs = 1000): FakeCertificate => ({ name, issuer, isCertificateAuthority, validFromInMs, validToInMs });
const isIssuedBy = (c: FakeCertificate, issuer: FakeCertificate) => c.issuer === issuer.name;

describe('W5 checkAttestationChain', () => {
  const root = cert('root', 'root');
  it('walks leaf → intermediates → a supplied root', () => {
    expect(checkAttestationChain([cert('leaf', 'ca', false), cert('ca', 'root')], [root], isIssuedBy, 500)).toEqual({ ok: true });
    expect(checkAttestationChain([cert('leaf', 'root', false)], [root], isIssuedBy, 500)).toEqual({ ok: true });
  });
  it('refuses chains that do not reach a supplied root', () => {
    expect(checkAttestationChain([cert('leaf', 'leaf', false)], [root], isIssuedBy, 500)).toEqual({ ok: false, reason: 'untrusted' });
    expect(checkAttestationChain([cert('leaf', 'ca', false)], [root], isIssuedBy, 500)).toEqual({ ok: false, reason: 'untrusted' });
    expect(checkAttestationChain([cert('leaf', 'ca', false), cert('ca', 'root', false)], [root], isIssuedBy, 500)).toEqual({ ok: false, reason: 'untrusted' });
    expect(checkAttestationChain([], [root], isIssuedBy, 500)).toEqual({ ok: false, reason: 'no_chain' });
    expect(checkAttestationChain(Array.from({ length: 6 }, () => cert('x', 'root')), [root], isIssuedBy, 500)).toEqual({ ok: false, reason: 'chain_too_long' });
  });
  it('checks validity at the time passed in, for every certificate and the root', () => {
    expect(checkAttestationChain([cert('leaf', 'root', false, 0, 100)], [root], isIssuedBy, 500)).toEqual({ ok: false, reason: 'not_valid_now' });
    expect(checkAttestationChain([cert('leaf', 'ca', false), cert('ca', 'root', true, 600, 900)], [root], isIssuedBy, 500)).toEqual({ ok: false, reason: 'not_valid_now' });
    expect(checkAttestationChain([cert('leaf', 'root', false)], [cert('root', 'root', true, 0, 100)], isIssuedBy, 500)).toEqual({ ok: false, reason: 'untrusted' });
  });
});

describe('W5 aaguidExtensionOf', () => {
  const tlv = (tag: number, ...content: number[][]) => {
    const body = content.flat();
    return [tag, body.length, ...body];
  };
  const oid = [0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0xe5, 0x1c, 0x01, 0x01, 0x04];
  const aaguid = Array.from({ length: 16 }, (_, i) => 15 - i);
  const certificateWith = (extensions: number[]) => new Uint8Array(tlv(0x30, tlv(0x30, tlv(0xa0, tlv(0x02, [2])), tlv(0x02, [1]), tlv(0xa3, tlv(0x30, extensions))), tlv(0x30, []), tlv(0x03, [0])));

  it('reads the 16-byte AAGUID of id-fido-gen-ce-aaguid', () => {
    const extension = tlv(0x30, tlv(0x06, oid), tlv(0x04, tlv(0x04, aaguid)));
    expect(aaguidExtensionOf(certificateWith(extension))).toEqual({ present: true, aaguid: '0f0e0d0c-0b0a-0908-0706-050403020100' });
    const critical = tlv(0x30, tlv(0x06, oid), tlv(0x01, [0xff]), tlv(0x04, tlv(0x04, aaguid)));
    expect(aaguidExtensionOf(certificateWith(critical))).toEqual({ present: true, aaguid: '0f0e0d0c-0b0a-0908-0706-050403020100' });
  });
  it('absent, wrong length, or not DER', () => {
    const otherOid = tlv(0x30, tlv(0x06, [0x55, 0x1d, 0x13]), tlv(0x04, tlv(0x30, [])));
    expect(aaguidExtensionOf(certificateWith(otherOid))).toEqual({ present: false });
    expect(aaguidExtensionOf(certificateWith(tlv(0x30, tlv(0x06, oid), tlv(0x04, tlv(0x04, aaguid.slice(1))))))).toEqual({ present: 'malformed' });
    expect(aaguidExtensionOf(new Uint8Array([0x30, 0x05, 0x01]))).toEqual({ present: 'malformed' });
    expect(aaguidExtensionOf(new Uint8Array([]))).toEqual({ present: 'malformed' });
  });
});
