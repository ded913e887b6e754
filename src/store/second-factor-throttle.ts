import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

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
export async function holdSecondFactorUnlessLocked(db: Kysely<Database>, userId: string, nowInMs: number): Promise<HeldSecondFactor | undefined> {
  const row = await db
    .updateTable('users')
    .set((eb) => ({ secondFactorFailures: eb.ref('secondFactorFailures') }))
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('secondFactorLockedUntil', 'is', null), eb('secondFactorLockedUntil', '<=', nowInMs)]))
    .returning(['secondFactorFailures', 'totpLastAcceptedStep'])
    .executeTakeFirst();
  return row && { failures: row.secondFactorFailures, totpLastAcceptedStep: row.totpLastAcceptedStep ?? null };
}

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
  const row = await db
    .updateTable('users')
    .set((eb) => ({
      secondFactorFailures: eb.case().when('secondFactorFailures', '>=', limit - 1).then(0).else(eb('secondFactorFailures', '+', 1)).end(),
      secondFactorLockedUntil: eb.case().when('secondFactorFailures', '>=', limit - 1).then(nowInMs + lockInMs).else(eb.ref('secondFactorLockedUntil')).end(),
    }))
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('secondFactorLockedUntil', 'is', null), eb('secondFactorLockedUntil', '<=', nowInMs)]))
    .returning(['secondFactorFailures', 'secondFactorLockedUntil'])
    .executeTakeFirst();
  if (!row) return { counted: false, lockedUntil: await readSecondFactorLock(db, userId) };
  const lockedUntil = row.secondFactorLockedUntil ?? null;
  // An earlier lock had ended (at or before now), so only this statement can have set this value.
  return { counted: true, lockedNow: lockedUntil === nowInMs + lockInMs, lockedUntil };
}

export async function resetSecondFactorFailures(db: Kysely<Database>, userId: string): Promise<void> {
  await db.updateTable('users').set({ secondFactorFailures: 0 }).where('id', '=', userId).where('secondFactorFailures', '>', 0).execute();
}

export async function readSecondFactorLock(db: Kysely<Database>, userId: string): Promise<number | null> {
  const row = await db.selectFrom('users').select('secondFactorLockedUntil').where('id', '=', userId).executeTakeFirst();
  return row?.secondFactorLockedUntil ?? null;
}
