import {
  getCountries,
  getCountryCallingCode,
  getExampleNumber,
  isSupportedCountry,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js/mobile';
import mobileExamples from 'libphonenumber-js/mobile/examples';

// S1: a phone number is a country (for its calling code) and the number as people write it at
// home. The same library checks it on the server, which has the last word; this spares a round
// trip and shows the number the way it will be texted. The "mobile" metadata validates mobile
// numbers only (issue 10 item 6: no texts to landlines or premium-rate numbers), like the server.

export interface CountryOption {
  value: CountryCode;
  label: string;
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** Every country the library knows, by English name, each with its calling code: "Switzerland (+41)". */
export const countryOptions: readonly CountryOption[] = getCountries()
  .map((country) => ({ country, name: regionNames.of(country) ?? country }))
  .sort((a, b) => a.name.localeCompare(b.name, 'en'))
  .map(({ country, name }) => ({ value: country, label: `${name} (+${getCountryCallingCode(country)})` }));

/** Issue 10 item 6: the countries an organization allows (null: all), as picker options. */
export function allowedCountryOptions(allowedCountries: readonly string[] | null | undefined): readonly CountryOption[] {
  if (!allowedCountries) return countryOptions;
  const allowed = countryOptions.filter((option) => allowedCountries.includes(option.value));
  return allowed.length > 0 ? allowed : countryOptions;
}

/**
 * The country of the browser's language ("de-CH" → CH) as a first guess, among the offered ones
 * (the first of them otherwise); people change it.
 */
export function guessCountry(options: readonly CountryOption[] = countryOptions, languages: readonly string[] = navigator.languages): CountryCode {
  const isOffered = (country: string) => options.some((option) => option.value === country);
  for (const language of languages) {
    try {
      const region = new Intl.Locale(language).maximize().region;
      if (region && isSupportedCountry(region) && isOffered(region)) return region;
    } catch {
      // Not a language tag; try the next one.
    }
  }
  return isOffered('US') ? 'US' : (options[0]?.value ?? 'US');
}

export function callingCodeOf(country: CountryCode): string {
  return `+${getCountryCallingCode(country)}`;
}

/** A mobile number written the way people of that country do, for the field's hint. */
export function exampleNumberFor(country: CountryCode): string | undefined {
  return getExampleNumber(country, mobileExamples)?.formatNational();
}

export type PhoneNumberCheck =
  | { ok: true; e164: string; international: string }
  | { ok: false; message: string };

/**
 * The typed number in E.164, or why it is not one. A number typed with its own "+" and country
 * code wins over the country picked beside it, and must then be of an allowed country too.
 */
export function checkPhoneNumber(country: CountryCode, typed: string, allowedCountries: readonly string[] | null = null): PhoneNumberCheck {
  const trimmed = typed.trim();
  if (trimmed === '') return { ok: false, message: 'Enter your mobile phone number.' };
  if (/[^\d\s()+.\-/]/.test(trimmed)) return { ok: false, message: 'A phone number has only digits, spaces and dashes.' };
  const parsed = parsePhoneNumberFromString(trimmed, country);
  if (parsed === undefined || !parsed.isValid()) {
    return {
      ok: false,
      message: `This is not a valid number for ${regionNames.of(country) ?? country} (${callingCodeOf(country)}). Check the country and the number: codes are texted to mobile numbers only, not to landlines, premium-rate or toll-free numbers.`,
    };
  }
  if (allowedCountries && (parsed.country === undefined || !allowedCountries.includes(parsed.country))) {
    return { ok: false, message: `Your organization accepts mobile numbers from these countries only: ${allowedCountries.map((code) => regionNames.of(code) ?? code).join(', ')}.` };
  }
  return { ok: true, e164: parsed.number, international: parsed.formatInternational() };
}
