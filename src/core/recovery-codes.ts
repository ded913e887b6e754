// R1: recovery codes are 8 codes of 8 digits, shown as `1234-5678`.
import type { Random } from './ports.js';

export const recoveryCodeCount = 8;
export const recoveryCodeDigits = 8;

/** Uniform digits from the injected CSPRNG (`crypto.randomInt` in production). */
export function generateRecoveryCode(random: Random): string {
  let code = '';
  for (let i = 0; i < recoveryCodeDigits; i++) code += String(random.int(10));
  return code;
}

export function generateRecoveryCodes(random: Random, count = recoveryCodeCount): string[] {
  const codes = new Set<string>();
  while (codes.size < count) codes.add(generateRecoveryCode(random));
  return [...codes];
}

export function formatRecoveryCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** Accepts `1234-5678`, `1234 5678` or `12345678`; undefined for anything else. */
export function normaliseRecoveryCode(input: string): string | undefined {
  const digits = input.replace(/[\s-]/g, '');
  return new RegExp(`^\\d{${recoveryCodeDigits}}$`).test(digits) ? digits : undefined;
}
