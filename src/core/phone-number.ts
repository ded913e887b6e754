// S1: phone numbers as people type them, validated and kept in E.164 (ITU-T E.164), and shown
// masked. Pure: libphonenumber-js only reads its bundled metadata ("max", so a number must match
// a real numbering plan, not just have a plausible length).
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

export type PhoneNumberCheck = { ok: true; e164: string } | { ok: false; reason: 'unknown_country' | 'invalid_number' | 'not_mobile' | 'country_not_allowed' };

/**
 * Issue 10 item 6: the types a code may be texted to. Premium-rate, shared-cost, toll-free,
 * fixed-line, VoIP and pager numbers are refused: texting them is how SMS pumping fraud turns
 * sign-up forms into revenue. FIXED_LINE_OR_MOBILE is where a numbering plan does not tell the
 * two apart (the United States, Canada).
 */
const textableTypes: ReadonlySet<string> = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE']);

/**
 * `input` with a leading + and country code ("+41 79 123 45 67"), or a national number with
 * `country` (ISO 3166-1 alpha-2) used only when the number has no +. Only mobile numbers, and
 * with `allowedCountries` (the organization's list; null = any) only numbers of those countries.
 */
export function parsePhoneNumber(input: string, country?: string, allowedCountries: readonly string[] | null = null): PhoneNumberCheck {
  const defaultCountry = country?.toUpperCase();
  if (defaultCountry !== undefined && !isSupportedCountry(defaultCountry)) return { ok: false, reason: 'unknown_country' };
  const parsed = parsePhoneNumberFromString(input, defaultCountry as CountryCode | undefined);
  if (!parsed || !parsed.isValid()) return { ok: false, reason: 'invalid_number' };
  const type = parsed.getType();
  if (type === undefined || !textableTypes.has(type)) return { ok: false, reason: 'not_mobile' };
  // A non-geographic number (+881 satellite…) has no country, so it is in no list.
  if (allowedCountries !== null && (parsed.country === undefined || !allowedCountries.includes(parsed.country))) return { ok: false, reason: 'country_not_allowed' };
  return { ok: true, e164: parsed.number };
}

/** The most countries an organization may list (there are about 250). */
export const maxAllowedCountries = 300;

export type CountryListCheck = { ok: true; countries: string[] } | { ok: false; reason: 'empty' | 'unknown_country'; country?: string };

/**
 * Issue 10 item 6: an organization's list of countries texts may go to, as typed (any case,
 * repeats) → upper case, sorted, without repeats. Every entry must be a country with a calling
 * code; an empty list is refused (turning texts off is `smsAllowed`).
 */
export function normaliseCountryList(codes: readonly string[]): CountryListCheck {
  if (codes.length === 0) return { ok: false, reason: 'empty' };
  const countries = [...new Set(codes.map((code) => code.trim().toUpperCase()))].sort();
  const unknown = countries.find((code) => !isSupportedCountry(code));
  if (unknown !== undefined) return { ok: false, reason: 'unknown_country', country: unknown };
  return { ok: true, countries };
}

/** Stored as "CH,DE,FR"; null (no list) means every country. */
export function encodeCountryList(countries: readonly string[] | null): string | null {
  return countries === null ? null : countries.join(',');
}

export function decodeCountryList(stored: string | null): string[] | null {
  return stored === null || stored === '' ? null : stored.split(',');
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
