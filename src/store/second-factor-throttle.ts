import type { Kysely, UpdateQueryBuilder, UpdateResult } from 'kysely';
import { changedRows, prepareStatement } from './prepared.js';
import type { Database, SignInMethod } from './schema.js';

/** What the code check needs of the member, read under the row lock. */
export interface HeldSecondFactor {
  failures: number;
  totpLastAcceptedStep: number | null;
}

/**
 * L3: the first statement of every check of a member's second-factor code. Unless the member's
 * second step is locked it takes the member's row (a write that changes nothing: on PostgreSQL the
 * row stays locked until the commit, on SQLite the database's write lock is taken) and returns the
 * count and the last accepted TOTP step as they are now; undefined while locked. Checks of one
 * member's codes therefore run one after the other, each seeing the count and lock the previous
 * one left, and nothing is tried while locked, on any number of instances.
 */
const holdStatement = prepareStatement((['userId', 'nowInMs'] as const), (db, { userId, nowInMs }: { userId: string; nowInMs: number }) =>
  db
    .updateTable('users')
    .set((eb) => ({ secondFactorFailures: eb.ref('secondFactorFailures') }))
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('secondFactorLockedUntil', 'is', null), eb('secondFactorLockedUntil', '<=', nowInMs)]))
    .returning(['secondFactorFailures', 'totpLastAcceptedStep']),
);

export async function holdSecondFactorUnlessLocked(db: Kysely<Database>, userId: string, nowInMs: number): Promise<HeldSecondFactor | undefined> {
  // Prepared once (prepared.ts), as the statements below: every code check runs them.
  const row = (await holdStatement(db, { userId, nowInMs })).rows[0];
  return row && { failures: row.secondFactorFailures, totpLastAcceptedStep: row.totpLastAcceptedStep ?? null };
}

/**
 * T5 with L3 in one statement, for an authenticator code already checked against the member's
 * secret before the transaction (a keyed hash, no I/O): unless the member's second step is locked,
 * and only if `step` is later than every step accepted before, claims the step and clears the
 * wrong-code count — and, for a sign-in, records it (the member's row is written once). The row
 * stays taken until the commit (PostgreSQL row lock, SQLite write lock), as with
 * holdSecondFactorUnlessLocked. false: locked, or the step was taken meanwhile; nothing changed.
 */
export async function claimTotpStepUnlessLocked(
  db: Kysely<Database>,
  userId: string,
  step: number,
  nowInMs: number,
  signIn: { method: SignInMethod } | undefined,
): Promise<boolean> {
  const result = signIn
    ? await claimTotpStepForSignInStatement(db, { userId, step, nowInMs, method: signIn.method })
    : await claimTotpStepStatement(db, { userId, step, nowInMs });
  return changedRows(result) > 0;
}

type ClaimValues = { userId: string; step: number; nowInMs: number };
const claimTotpStepUnlessLockedWhere = (query: UpdateQueryBuilder<Database, 'users', 'users', UpdateResult>, { userId, step, nowInMs }: ClaimValues) =>
  query
    .where('id', '=', userId)
    .where((eb) => eb.and([eb.or([eb('secondFactorLockedUntil', 'is', null), eb('secondFactorLockedUntil', '<=', nowInMs)]), eb.or([eb('totpLastAcceptedStep', 'is', null), eb('totpLastAcceptedStep', '<', step)])]));
const claimTotpStepStatement = prepareStatement((['userId', 'step', 'nowInMs'] as const), (db, values: ClaimValues) =>
  claimTotpStepUnlessLockedWhere(db.updateTable('users').set({ totpLastAcceptedStep: values.step, secondFactorFailures: 0 }), values),
);
const claimTotpStepForSignInStatement = prepareStatement((['userId', 'step', 'nowInMs', 'method'] as const), (db, values: ClaimValues & { method: SignInMethod }) =>
  claimTotpStepUnlessLockedWhere(db.updateTable('users').set({ totpLastAcceptedStep: values.step, secondFactorFailures: 0, lastLoginAt: values.nowInMs, lastLoginMethod: values.method }), values),
);

export type SecondFactorFailure =
  /** `lockedNow` is true for the one request whose wrong code started the lock (it sends the lock e-mail). */
  | { counted: true; lockedNow: boolean; lockedUntil: number | null }
  /** Not counted: a concurrent request locked the member after the caller checked. */
  | { counted: false; lockedUntil: number | null };

/**
 * L3: counts a wrong code in one statement; the tenth consecutive one locks the second step for
 * `lockInMs`. A locked member is not counted, also when the lock was set by a concurrent request
 * since the caller checked, so a burst of simultaneous wrong codes locks once and never extends it.
 */
export async function countSecondFactorFailure(
  db: Kysely<Database>,
  userId: string,
  nowInMs: number,
  limit: number,
  lockInMs: number,
): Promise<SecondFactorFailure> {
  const row = (await countFailureStatement(db, { userId, nowInMs, lastAllowed: limit - 1, lockedUntil: nowInMs + lockInMs })).rows[0];
  if (!row) return { counted: false, lockedUntil: await readSecondFactorLock(db, userId) };
  const lockedUntil = row.secondFactorLockedUntil ?? null;
  // An earlier lock had ended (at or before now), so only this statement can have set this value.
  return { counted: true, lockedNow: lockedUntil === nowInMs + lockInMs, lockedUntil };
}

const countFailureStatement = prepareStatement((['userId', 'nowInMs', 'lastAllowed', 'lockedUntil'] as const), (db, values: { userId: string; nowInMs: number; lastAllowed: number; lockedUntil: number }) =>
  db
    .updateTable('users')
    .set((eb) => ({
      secondFactorFailures: eb.case().when('secondFactorFailures', '>=', values.lastAllowed).then(0).else(eb('secondFactorFailures', '+', 1)).end(),
      secondFactorLockedUntil: eb.case().when('secondFactorFailures', '>=', values.lastAllowed).then(values.lockedUntil).else(eb.ref('secondFactorLockedUntil')).end(),
    }))
    .where('id', '=', values.userId)
    .where((eb) => eb.or([eb('secondFactorLockedUntil', 'is', null), eb('secondFactorLockedUntil', '<=', values.nowInMs)]))
    .returning(['secondFactorFailures', 'secondFactorLockedUntil']),
);

export async function resetSecondFactorFailures(db: Kysely<Database>, userId: string): Promise<void> {
  await db.updateTable('users').set({ secondFactorFailures: 0 }).where('id', '=', userId).where('secondFactorFailures', '>', 0).execute();
}

export async function readSecondFactorLock(db: Kysely<Database>, userId: string): Promise<number | null> {
  const row = await db.selectFrom('users').select('secondFactorLockedUntil').where('id', '=', userId).executeTakeFirst();
  return row?.secondFactorLockedUntil ?? null;
}
