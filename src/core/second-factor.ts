// Rules of the second step (L1–L3) and of setting up an authenticator (T1), free of I/O.
import { normaliseRecoveryCode } from './recovery-codes.js';

const minute = 60 * 1000;

/** L1: a password-verified sign-in waits this long for its second step. */
export const challengeLifetimeInMs = 10 * minute;
/** T1: a started setup stays open this long. */
export const enrollmentLifetimeInMs = 10 * minute;
/** L3: consecutive wrong codes before the second step locks, and for how long. */
export const secondFactorLockPolicy = { consecutiveFailureLimit: 10, lockInMs: 15 * minute } as const;

export type SecondFactorMethod = 'totp' | 'sms' | 'recovery_code';

/**
 * `one_time_code`: 6 digits may come from the authenticator or a text message (S2), 7 only from a
 * text message; the caller checks every factor the member has.
 */
export type SubmittedCode = { method: 'one_time_code'; code: string } | { method: 'recovery_code'; code: string };

/**
 * L2: one field takes any kind of code. Six or seven digits are an authenticator or texted code;
 * eight digits, with or without a dash or spaces, are a recovery code.
 */
export function classifySubmittedCode(input: string): SubmittedCode | undefined {
  const compact = input.replace(/\s/g, '');
  if (/^\d{6,7}$/.test(compact)) return { method: 'one_time_code', code: compact };
  const recovery = normaliseRecoveryCode(input);
  return recovery ? { method: 'recovery_code', code: recovery } : undefined;
}

export function isSecondFactorLocked(lockedUntil: number | null, nowInMs: number): boolean {
  return lockedUntil !== null && lockedUntil > nowInMs;
}
