import { checkNewPassword, describePasswordProblem } from '../../../src/core/password-policy';

// Client-side checks only spare a round trip; the server validates everything again.

export function requireValue(value: string, message: string): string | undefined {
  return value.trim() === '' ? message : undefined;
}

export function checkEmail(value: string): string | undefined {
  if (value.trim() === '') return 'Enter your e-mail address.';
  return /^[^\s@]+@[^\s@]+$/.test(value.trim()) ? undefined : 'Enter an e-mail address like name@example.com.';
}

export function checkPassword(value: string): string | undefined {
  const check = checkNewPassword(value);
  return check.ok ? undefined : describePasswordProblem(check.reason);
}

export function checkConfirmation(password: string, confirmation: string): string | undefined {
  if (confirmation === '') return 'Enter the new password again.';
  return password === confirmation ? undefined : 'The two passwords do not match.';
}
