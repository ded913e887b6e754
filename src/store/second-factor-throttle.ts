import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

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
