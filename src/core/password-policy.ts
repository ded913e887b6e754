// NIST SP 800-63B §5.1.1.2: a minimum length, a generous maximum, and no composition rules.

export const minimumPasswordLength = 10;
export const maximumPasswordLength = 256;

export type PasswordCheck = { ok: true } | { ok: false; reason: 'too_short' | 'too_long' };

export function checkNewPassword(password: string): PasswordCheck {
  // Count code points, not UTF-16 units, so an emoji counts as one character.
  const length = [...password].length;
  if (length < minimumPasswordLength) return { ok: false, reason: 'too_short' };
  if (length > maximumPasswordLength) return { ok: false, reason: 'too_long' };
  return { ok: true };
}

export function describePasswordProblem(reason: 'too_short' | 'too_long'): string {
  switch (reason) {
    case 'too_short':
      return `Use at least ${minimumPasswordLength} characters.`;
    case 'too_long':
      return `Use at most ${maximumPasswordLength} characters.`;
  }
}
