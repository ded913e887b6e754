// Rules of the second step (L1–L3) and of setting up an authenticator (T1), free of I/O.
import { normaliseRecoveryCode } from './recovery-codes.js';

const minute = 60 * 1000;

/** L1: a password-verified sign-in waits this long for its second step. */
export const challengeLifetimeInMs = 10 * minute;
/** T1: a started setup stays open this long. */
export const enrollmentLifetimeInMs = 10 * minute;
/** L3: consecutive wrong codes before the second step locks, and for how long. */
export const secondFactorLockPolicy = { consecutiveFailureLimit: 10, lockInMs: 15 * minute } as const;

export type SecondFactorMethod = 'totp' | 'recovery_code';

export type SubmittedCode = { method: 'totp'; code: string } | { method: 'recovery_code'; code: string };

/**
 * L2: one field takes either kind of code. Six digits are an authenticator code; eight digits,
 * with or without a dash or spaces, are a recovery code.
 */
export function classifySubmittedCode(input: string): SubmittedCode | undefined {
  const compact = input.replace(/\s/g, '');
  if (/^\d{6}$/.test(compact)) return { method: 'totp', code: compact };
  const recovery = normaliseRecoveryCode(input);
  return recovery ? { method: 'recovery_code', code: recovery } : undefined;
}

export function isSecondFactorLocked(lockedUntil: number | null, nowInMs: number): boolean {
  return lockedUntil !== null && lockedUntil > nowInMs;
}
