// Meaning checks the route schemas cannot express, turned into field errors.
import { describePasswordProblem, checkNewPassword } from '../core/password-policy.js';
import { isPlausibleEmail } from '../core/email-address.js';
import { fail, type Failure } from './context.js';

export function validateNewPassword(password: string, field = 'password'): Failure | undefined {
  const check = checkNewPassword(password);
  if (check.ok) return undefined;
  return fail('validation_failed', { detail: describePasswordProblem(check.reason), fieldErrors: [{ field, message: describePasswordProblem(check.reason) }] });
}

export function validateEmail(email: string, field = 'email'): Failure | undefined {
  if (isPlausibleEmail(email.trim())) return undefined;
  return fail('validation_failed', { detail: 'Enter a valid e-mail address.', fieldErrors: [{ field, message: 'Enter a valid e-mail address.' }] });
}
