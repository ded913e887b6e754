import { describe, expect, it } from 'vitest';
import { isPlausibleEmail, maximumEmailLength, normaliseEmail } from './email-address.js';

describe('e-mail addresses (A1, A2)', () => {
  it('A1 accepts ordinary and international addresses', () => {
    for (const email of ['ada@example.com', 'Ada.Lovelace+tessera@Example.CO.UK', 'first_last@sub.example.org', 'ü@例え.jp', "o'brien@example.ie"]) {
      expect(isPlausibleEmail(email), email).toBe(true);
    }
  });

  it('A1 refuses what cannot be an address: no @, two @, no dot in the domain, spaces, control characters', () => {
    for (const email of ['', 'ada', 'ada@', '@example.com', 'ada@example', 'ada@@example.com', 'a@b@example.com', 'ada lovelace@example.com', 'ada@exa mple.com', 'ada\t@example.com', 'ada@example.com\n', 'ada\u0000@example.com', 'ada@example.com\r\nBcc: x@y.z', 'ada@example.\u007f']) {
      expect(isPlausibleEmail(email), JSON.stringify(email)).toBe(false);
    }
  });

  it('A1 allows at most 254 characters (RFC 5321 §4.5.3.1.3)', () => {
    expect(maximumEmailLength).toBe(254);
    const domain = '@example.com';
    expect(isPlausibleEmail('a'.repeat(254 - domain.length) + domain)).toBe(true);
    expect(isPlausibleEmail('a'.repeat(255 - domain.length) + domain)).toBe(false);
  });

  it('A2 matches addresses case-insensitively and ignores surrounding spaces', () => {
    expect(normaliseEmail('  Ada@Example.COM ')).toBe('ada@example.com');
    expect(normaliseEmail('ADA@EXAMPLE.COM')).toBe(normaliseEmail('ada@example.com'));
    expect(normaliseEmail('Ünïcode@Example.com')).toBe('ünïcode@example.com');
  });
});
