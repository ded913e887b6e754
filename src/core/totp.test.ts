import * as OTPAuth from 'otpauth';
import { describe, expect, it } from 'vitest';
import { nodeHmac } from '../security/hmac.js';
import { encodeBase32 } from './base32.js';
import { buildTotpKeyUri, generateHotp, generateTotp, verifyTotp, type HmacAlgorithm } from './totp.js';

const ascii = (text: string) => new TextEncoder().encode(text);

describe('HOTP, RFC 4226 Appendix D', () => {
  const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
  expected.forEach((code, counter) => {
    it(`counter ${counter} gives ${code}`, () => {
      expect(generateHotp(nodeHmac, ascii('12345678901234567890'), counter, 6)).toBe(code);
    });
  });
});

describe('TOTP, RFC 6238 Appendix B', () => {
  const seeds: Record<HmacAlgorithm, string> = {
    SHA1: '12345678901234567890',
    SHA256: '12345678901234567890123456789012',
    SHA512: '1234567890123456789012345678901234567890123456789012345678901234',
  };
  const vectors: Array<[number, string, HmacAlgorithm]> = [
    [59, '94287082', 'SHA1'], [59, '46119246', 'SHA256'], [59, '90693936', 'SHA512'],
    [1111111109, '07081804', 'SHA1'], [1111111109, '68084774', 'SHA256'], [1111111109, '25091201', 'SHA512'],
    [1111111111, '14050471', 'SHA1'], [1111111111, '67062674', 'SHA256'], [1111111111, '99943326', 'SHA512'],
    [1234567890, '89005924', 'SHA1'], [1234567890, '91819424', 'SHA256'], [1234567890, '93441116', 'SHA512'],
    [2000000000, '69279037', 'SHA1'], [2000000000, '90698825', 'SHA256'], [2000000000, '38618901', 'SHA512'],
    [20000000000, '65353130', 'SHA1'], [20000000000, '77737706', 'SHA256'], [20000000000, '47863826', 'SHA512'],
  ];
  for (const [seconds, code, algorithm] of vectors) {
    it(`T=${seconds} ${algorithm} gives ${code}`, () => {
      expect(generateTotp(nodeHmac, ascii(seeds[algorithm]), seconds * 1000, { algorithm, digits: 8, periodInSeconds: 30 })).toBe(code);
    });
  }
});

describe('TOTP against the otpauth package as an independent oracle', () => {
  it('agrees on 1,000 random secrets and instants', () => {
    let seed = 20261123;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 1000; i++) {
      const secret = Uint8Array.from({ length: 20 }, () => next() % 256);
      const timestamp = (next() % 4_000_000_000) * 1000 + (next() % 1000);
      const oracle = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(encodeBase32(secret)), algorithm: 'SHA1', digits: 6, period: 30 });
      expect(generateTotp(nodeHmac, secret, timestamp)).toBe(oracle.generate({ timestamp }));
    }
  });
});

describe('verifyTotp (T5)', () => {
  const key = ascii('12345678901234567890');
  const now = 1_800_000_000_000;

  it('accepts the current step and one either side, and no further', () => {
    for (const offset of [-1, 0, 1]) {
      const code = generateTotp(nodeHmac, key, now + offset * 30_000);
      expect(verifyTotp(nodeHmac, key, code, now, null).ok).toBe(true);
    }
    for (const offset of [-2, 2]) {
      const code = generateTotp(nodeHmac, key, now + offset * 30_000);
      expect(verifyTotp(nodeHmac, key, code, now, null)).toEqual({ ok: false, reason: 'invalid_code' });
    }
  });

  it('refuses the accepted step and every earlier one as replayed', () => {
    const code = generateTotp(nodeHmac, key, now);
    const first = verifyTotp(nodeHmac, key, code, now, null);
    expect(first.ok).toBe(true);
    const step = first.ok ? first.step : -1;
    expect(verifyTotp(nodeHmac, key, code, now, step)).toEqual({ ok: false, reason: 'replayed' });
    const earlier = generateTotp(nodeHmac, key, now - 30_000);
    expect(verifyTotp(nodeHmac, key, earlier, now, step)).toEqual({ ok: false, reason: 'replayed' });
    const later = generateTotp(nodeHmac, key, now + 30_000);
    expect(verifyTotp(nodeHmac, key, later, now, step).ok).toBe(true);
  });

  it('refuses codes of the wrong shape', () => {
    for (const code of ['', '12345', '1234567', 'abcdef', '12 345', '١٢٣٤٥٦']) {
      expect(verifyTotp(nodeHmac, key, code, now, null)).toEqual({ ok: false, reason: 'invalid_code' });
    }
  });
});

describe('buildTotpKeyUri (T2)', () => {
  it('follows the Key URI format with issuer in label and parameter', () => {
    const uri = buildTotpKeyUri({ issuer: 'Acme Corp', accountName: 'ada@example.com', secretBase32: 'JBSWY3DPEHPK3PXP' });
    expect(uri).toBe('otpauth://totp/Acme%20Corp:ada%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Acme%20Corp&algorithm=SHA1&digits=6&period=30');
    const parsed = OTPAuth.URI.parse(uri) as OTPAuth.TOTP;
    expect(parsed.issuer).toBe('Acme Corp');
    expect(parsed.label).toBe('ada@example.com');
    expect(parsed.secret.base32).toBe('JBSWY3DPEHPK3PXP');
  });
});
