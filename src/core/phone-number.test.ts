import { describe, expect, it } from 'vitest';
import { lastDigitsOf, maskPhoneNumber, parsePhoneNumber } from './phone-number.js';

describe('S1 phone numbers', () => {
  it('S1 accepts a number typed with + and country code, in any spacing, as E.164', () => {
    expect(parsePhoneNumber('+41 79 123 45 67')).toEqual({ ok: true, e164: '+41791234567' });
    expect(parsePhoneNumber('+41791234567')).toEqual({ ok: true, e164: '+41791234567' });
    expect(parsePhoneNumber('+1 (415) 555-2671')).toEqual({ ok: true, e164: '+14155552671' });
  });

  it('S1 uses the country only for a number without +', () => {
    expect(parsePhoneNumber('079 123 45 67', 'CH')).toEqual({ ok: true, e164: '+41791234567' });
    expect(parsePhoneNumber('079 123 45 67', 'ch')).toEqual({ ok: true, e164: '+41791234567' });
    expect(parsePhoneNumber('+44 7400 123456', 'CH')).toEqual({ ok: true, e164: '+447400123456' });
  });

  it('S1 refuses what is not a valid number, and unknown countries', () => {
    expect(parsePhoneNumber('079 123 45 67')).toEqual({ ok: false, reason: 'invalid_number' });
    expect(parsePhoneNumber('+41 12')).toEqual({ ok: false, reason: 'invalid_number' });
    expect(parsePhoneNumber('+1 555 0100')).toEqual({ ok: false, reason: 'invalid_number' });
    expect(parsePhoneNumber('hello')).toEqual({ ok: false, reason: 'invalid_number' });
    expect(parsePhoneNumber('')).toEqual({ ok: false, reason: 'invalid_number' });
    expect(parsePhoneNumber('079 123 45 67', 'XX')).toEqual({ ok: false, reason: 'unknown_country' });
  });

  it('S1 masks all but the country code and the last two digits', () => {
    expect(maskPhoneNumber('+41791234567')).toBe('+41 •• ••• •• 67');
    expect(maskPhoneNumber('+14155552671')).toBe('+1 ••• ••• ••71');
    expect(maskPhoneNumber('+41791234567')).not.toContain('123');
    expect(lastDigitsOf('+41791234567')).toBe('•• 67');
  });
});
