// S1: phone numbers as people type them, validated and kept in E.164 (ITU-T E.164), and shown
// masked. Pure: libphonenumber-js only reads its bundled metadata ("max", so a number must match
// a real numbering plan, not just have a plausible length).
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

export type PhoneNumberCheck = { ok: true; e164: string } | { ok: false; reason: 'unknown_country' | 'invalid_number' };

/**
 * `input` with a leading + and country code ("+41 79 123 45 67"), or a national number with
 * `country` (ISO 3166-1 alpha-2) used only when the number has no +.
 */
export function parsePhoneNumber(input: string, country?: string): PhoneNumberCheck {
  const defaultCountry = country?.toUpperCase();
  if (defaultCountry !== undefined && !isSupportedCountry(defaultCountry)) return { ok: false, reason: 'unknown_country' };
  const parsed = parsePhoneNumberFromString(input, defaultCountry as CountryCode | undefined);
  if (!parsed || !parsed.isValid()) return { ok: false, reason: 'invalid_number' };
  return { ok: true, e164: parsed.number };
}

/**
 * "+41 79 123 45 67" → "+41 •• ••• •• 67": the country code and the last two digits, enough for
 * a member to recognise their number and for nobody else to learn it.
 */
export function maskPhoneNumber(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  const formatted = parsed ? parsed.formatInternational() : e164;
  const prefix = parsed ? `+${parsed.countryCallingCode}` : '';
  const rest = formatted.slice(prefix.length);
  const digitCount = rest.replace(/\D/g, '').length;
  let seen = 0;
  const masked = rest.replace(/\d/g, (digit) => (++seen > digitCount - 2 ? digit : '•'));
  return `${prefix}${masked}`;
}

/** "•• 67": the end of the number only, for the sign-in page ("sent to •• 67"). */
export function lastDigitsOf(e164: string): string {
  return `•• ${e164.slice(-2)}`;
}
