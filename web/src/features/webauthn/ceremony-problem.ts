import { describeProblem, isApiError } from '../../api/client';
import { describeLockEnd, lockEndsAt } from '../../components/one-time-code';
import { describeCeremonyError } from './webauthn-api';

/** What to tell the person after a ceremony failed: the browser's refusal or the server's answer. */
export function describeCeremonyFailure(error: unknown, context: 'sign_in' | 'second_step' | 'manage'): { message: string; isChallengeGone: boolean } {
  const fromBrowser = describeCeremonyError(error);
  if (fromBrowser !== null) return { message: fromBrowser, isChallengeGone: false };
  if (!isApiError(error)) return { message: 'Something went wrong. Please try again.', isChallengeGone: false };
  const { problem } = error;
  switch (problem.code) {
    case 'rate_limited':
      return { message: `Too many failed attempts. For your security, signing in to this account is ${describeLockEnd(lockEndsAt(problem.retryAfterSeconds))}.`, isChallengeGone: false };
    case 'unauthenticated':
      return context === 'second_step'
        ? { message: 'This sign-in has expired or was already completed. Sign in again with your e-mail and password.', isChallengeGone: true }
        : { message: describeProblem(problem), isChallengeGone: false };
    case 'webauthn_rejected':
      return {
        message:
          context === 'sign_in'
            ? 'This passkey could not be verified. Try again, or sign in with your e-mail and password.'
            : 'Your security key or passkey could not be verified. Try again, or use another method.',
        isChallengeGone: false,
      };
    default:
      return { message: problem.detail ?? describeProblem(problem), isChallengeGone: false };
  }
}
