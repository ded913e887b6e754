import { classifySubmittedCode } from '../../../src/core/second-factor';
import { formatTimeOfDay } from './format';

// Client-side checks of typed codes, sparing a round trip; the server decides (L2, T4, D1).

/** Spaces people type or paste ("123 456") are not part of the code. */
export function compactCode(value: string): string {
  return value.replace(/\s/g, '');
}

/** T4: setup takes only a 6-digit code from the authenticator app. */
export function checkAuthenticatorCode(value: string): string | undefined {
  const compact = compactCode(value);
  if (compact === '') return 'Enter the 6-digit code from your app.';
  return /^\d{6}$/.test(compact) ? undefined : 'The code from your app has 6 digits.';
}

/**
 * L2, D1: one field takes an authenticator code or a recovery code, whichever label it wears; the
 * message follows the kind of code the person was asked for.
 */
export function checkSecondFactorCode(value: string, expected: 'authenticator' | 'recovery_code'): string | undefined {
  if (classifySubmittedCode(value) !== undefined) return undefined;
  if (expected === 'recovery_code') {
    return compactCode(value) === '' ? 'Enter one of your recovery codes.' : 'A recovery code has 8 digits, like 1234-5678.';
  }
  return checkAuthenticatorCode(value);
}

/** When an L3 lock (429 with Retry-After) ends, counted from now. */
export function lockEndsAt(retryAfterSeconds: number | undefined, now: Date = new Date()): Date {
  return new Date(now.getTime() + (retryAfterSeconds ?? 60) * 1000);
}

/** L3: "locked until 14:35 (in 15 minutes)", the end of a lock in words. */
export function describeLockEnd(until: Date, now: Date = new Date()): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  return `locked until ${formatTimeOfDay(until, now)} (in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`;
}
