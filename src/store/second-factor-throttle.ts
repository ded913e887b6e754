import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface SecondFactorFailure {
  /** True for the one request whose wrong code started the lock (it sends the lock e-mail). */
  lockedNow: boolean;
  lockedUntil: number | null;
}

/**
 * L3: counts a wrong code in one statement; the tenth consecutive one locks the second step for
 * `lockInMs`. A member already locked is not counted (the caller refused them before checking).
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
    .returning(['secondFactorFailures', 'secondFactorLockedUntil'])
    .executeTakeFirst();
  const lockedUntil = row?.secondFactorLockedUntil ?? null;
  return { lockedNow: lockedUntil === nowInMs + lockInMs, lockedUntil };
}

export async function resetSecondFactorFailures(db: Kysely<Database>, userId: string): Promise<void> {
  await db.updateTable('users').set({ secondFactorFailures: 0 }).where('id', '=', userId).where('secondFactorFailures', '>', 0).execute();
}

export async function readSecondFactorLock(db: Kysely<Database>, userId: string): Promise<number | null> {
  const row = await db.selectFrom('users').select('secondFactorLockedUntil').where('id', '=', userId).executeTakeFirst();
  return row?.secondFactorLockedUntil ?? null;
}
