// E-mail addresses are kept as typed for display and matched case-insensitively everywhere.

export const maximumEmailLength = 254; // RFC 5321 §4.5.3.1.3 path limit less the brackets

// Deliberately simple: one @, something on each side, a dot in the domain, no spaces or controls.
const emailShape = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u;

export function isPlausibleEmail(value: string): boolean {
  return value.length <= maximumEmailLength && emailShape.test(value);
}

export function normaliseEmail(value: string): string {
  return value.trim().toLowerCase();
}
