import { describe, expect, it } from 'vitest';
import { decodeBase32, encodeBase32, groupForReading } from './base32.js';

const ascii = (text: string) => new TextEncoder().encode(text);

describe('base32 (RFC 4648 §10 test vectors, unpadded)', () => {
  const vectors: Array<[string, string]> = [['', ''], ['f', 'MY'], ['fo', 'MZXQ'], ['foo', 'MZXW6'], ['foob', 'MZXW6YQ'], ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI']];
  for (const [plain, encoded] of vectors) {
    it(`"${plain}" ↔ ${encoded}`, () => {
      expect(encodeBase32(ascii(plain))).toBe(encoded);
      expect(new TextDecoder().decode(decodeBase32(encoded))).toBe(plain);
    });
  }

  it('round-trips 20-byte secrets and reads keys typed with spaces, dashes and lower case', () => {
    const secret = Uint8Array.from({ length: 20 }, (_, i) => (i * 37 + 11) % 256);
    const encoded = encodeBase32(secret);
    expect(encoded).toHaveLength(32);
    expect(decodeBase32(groupForReading(encoded).toLowerCase())).toEqual(secret);
    expect(decodeBase32('MZXW-6YTB')).toEqual(ascii('fooba'));
  });

  it('refuses characters outside the alphabet', () => {
    expect(decodeBase32('MZXW1')).toBeUndefined();
  });

  it('T2 groups the key in fours', () => {
    expect(groupForReading('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
  });
});
