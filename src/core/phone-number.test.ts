import { describe, expect, it } from 'vitest';
import { decodeCountryList, encodeCountryList, lastDigitsOf, maskPhoneNumber, normaliseCountryList, parsePhoneNumber } from './phone-number.js';

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

  it('issue 10 item 6: only mobile numbers (or mobile-or-fixed plans) are textable; premium-rate, fixed-line, toll-free are refused', () => {
    expect(parsePhoneNumber('+44 909 879 0000')).toEqual({ ok: false, reason: 'not_mobile' });
    expect(parsePhoneNumber('+41 900 123 456')).toEqual({ ok: false, reason: 'not_mobile' });
    expect(parsePhoneNumber('+44 20 7946 0000')).toEqual({ ok: false, reason: 'not_mobile' });
    expect(parsePhoneNumber('+41 44 668 18 00')).toEqual({ ok: false, reason: 'not_mobile' });
    expect(parsePhoneNumber('+1 800 555 0100')).toEqual({ ok: false, reason: 'not_mobile' });
    expect(parsePhoneNumber('+1 201 555 0123')).toEqual({ ok: true, e164: '+12015550123' });
    expect(parsePhoneNumber('+49 1512 3456789')).toEqual({ ok: true, e164: '+4915123456789' });
  });

  it('issue 10 item 6: with an allowed list, only numbers of those countries', () => {
    expect(parsePhoneNumber('+41 79 123 45 67', undefined, ['CH', 'DE'])).toEqual({ ok: true, e164: '+41791234567' });
    expect(parsePhoneNumber('+33 6 12 34 56 78', undefined, ['CH', 'DE'])).toEqual({ ok: false, reason: 'country_not_allowed' });
    expect(parsePhoneNumber('06 12 34 56 78', 'FR', ['CH'])).toEqual({ ok: false, reason: 'country_not_allowed' });
    expect(parsePhoneNumber('+33 6 12 34 56 78', undefined, null)).toEqual({ ok: true, e164: '+33612345678' });
  });

  it('issue 10 item 6: a country list is normalised, checked and stored as text', () => {
    expect(normaliseCountryList(['de', 'CH', ' ch '])).toEqual({ ok: true, countries: ['CH', 'DE'] });
    expect(normaliseCountryList([])).toEqual({ ok: false, reason: 'empty' });
    expect(normaliseCountryList(['CH', 'XX'])).toEqual({ ok: false, reason: 'unknown_country', country: 'XX' });
    expect(encodeCountryList(['CH', 'DE'])).toBe('CH,DE');
    expect(decodeCountryList('CH,DE')).toEqual(['CH', 'DE']);
    expect(encodeCountryList(null)).toBeNull();
    expect(decodeCountryList(null)).toBeNull();
  });

  it('S1 masks all but the country code and the last two digits', () => {
    expect(maskPhoneNumber('+41791234567')).toBe('+41 •• ••• •• 67');
    expect(maskPhoneNumber('+14155552671')).toBe('+1 ••• ••• ••71');
    expect(maskPhoneNumber('+41791234567')).not.toContain('123');
    expect(lastDigitsOf('+41791234567')).toBe('•• 67');
  });
});
