import { classifySubmittedCode } from '../../../src/core/second-factor';
import { formatTimeOfDay } from './format';
import { formatSeconds } from './use-countdown';

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

/** S2: a texted code has 6 or 7 digits (the organization chooses); unknown length: either. */
export function checkTextedCode(value: string, length?: 6 | 7): string | undefined {
  const compact = compactCode(value);
  const digits = length === undefined ? '6 or 7' : String(length);
  if (compact === '') return `Enter the ${length === undefined ? '' : `${length}-digit `}code from the text message.`;
  const isRightLength = length === undefined ? /^\d{6,7}$/.test(compact) : new RegExp(`^\\d{${length}}$`).test(compact);
  return isRightLength ? undefined : `The code in the text message has ${digits} digits.`;
}

/**
 * D1 and removing one method: any current code will do, from the app (6 digits), a text message
 * (6 or 7) or a recovery code (8, with or without the dash).
 */
export function checkAnyCurrentCode(value: string): string | undefined {
  const compact = compactCode(value);
  if (compact === '') return 'Enter a current code.';
  if (/^\d{6,7}$/.test(compact) || classifySubmittedCode(value) !== undefined) return undefined;
  return 'Enter a code of 6 or 7 digits, or a recovery code like 1234-5678.';
}

/** S2: resending a text waits a minute; the daily limit waits much longer. */
export function describeTextThrottle(retryAfterSeconds: number | undefined): string {
  if (retryAfterSeconds === undefined || retryAfterSeconds <= 0) return 'Too many codes were sent. Wait a moment before asking for another.';
  if (retryAfterSeconds <= 120) return `A code was sent a moment ago. You can ask for a new one in ${formatSeconds(retryAfterSeconds)}.`;
  const hours = Math.ceil(retryAfterSeconds / 3600);
  return `Too many codes were sent today. Try again in ${hours} ${hours === 1 ? 'hour' : 'hours'}, or use another way to sign in.`;
}
