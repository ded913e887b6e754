import type { Kysely } from 'kysely';
import type { ThrottleCounter } from '../core/throttle-policy.js';
import type { Database } from './schema.js';

export async function readThrottle(db: Kysely<Database>, key: string): Promise<ThrottleCounter | undefined> {
  return db.selectFrom('throttles').select(['count', 'windowStartedAt']).where('key', '=', key).executeTakeFirst();
}

/**
 * Counts one attempt in a single statement (insert, or increment / restart an expired window),
 * so concurrent requests on any instance never lose a count.
 */
export async function countThrottleHit(db: Kysely<Database>, key: string, nowInMs: number, windowInMs: number): Promise<ThrottleCounter> {
  const windowExpiredBefore = nowInMs - windowInMs;
  const row = await db
    .insertInto('throttles')
    .values({ key, count: 1, windowStartedAt: nowInMs })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        count: eb
          .case()
          .when('throttles.windowStartedAt', '<=', windowExpiredBefore)
          .then(1)
          .else(eb('throttles.count', '+', 1))
          .end(),
        windowStartedAt: eb
          .case()
          .when('throttles.windowStartedAt', '<=', windowExpiredBefore)
          .then(nowInMs)
          .else(eb.ref('throttles.windowStartedAt'))
          .end(),
      })),
    )
    .returning(['count', 'windowStartedAt'])
    .executeTakeFirstOrThrow();
  return row;
}

export async function clearThrottle(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('throttles').where('key', '=', key).execute();
}
