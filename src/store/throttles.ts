// The `throttles` table: request-throttling counters in the database, shared by every instance
// on it (src/throttling/database-throttle-counters.ts; with REDIS_URL they live in Redis instead,
// and this table holds only what was counted while Redis did not answer).
import type { Kysely } from 'kysely';
import type { ThrottleCounter, ThrottleRule } from '../core/throttle-policy.js';
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

/**
 * S2: counts one against a rule only while the rule allows it, in one statement (insert, or
 * increment / restart an expired window, guarded by the limit). Returns false, counting nothing,
 * when the counter is full.
 */
export async function claimThrottle(db: Kysely<Database>, key: string, rule: ThrottleRule, nowInMs: number): Promise<boolean> {
  const windowExpiredBefore = nowInMs - rule.windowInMs;
  const row = await db
    .insertInto('throttles')
    .values({ key, count: 1, windowStartedAt: nowInMs })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet((eb) => ({
          count: eb.case().when('throttles.windowStartedAt', '<=', windowExpiredBefore).then(1).else(eb('throttles.count', '+', 1)).end(),
          windowStartedAt: eb.case().when('throttles.windowStartedAt', '<=', windowExpiredBefore).then(nowInMs).else(eb.ref('throttles.windowStartedAt')).end(),
        }))
        .where((eb) => eb.or([eb('throttles.windowStartedAt', '<=', windowExpiredBefore), eb('throttles.count', '<', rule.limit)])),
    )
    .returning(['count'])
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * G2: gives back one count claimed at `claimedAtInMs`, in one statement, and only while the
 * counter is still in the window that claim counted in (a restarted window owes nothing).
 */
export async function releaseThrottle(db: Kysely<Database>, key: string, claimedAtInMs: number): Promise<void> {
  await db
    .updateTable('throttles')
    .set((eb) => ({ count: eb('count', '-', 1) }))
    .where('key', '=', key)
    .where('count', '>', 0)
    .where('windowStartedAt', '<=', claimedAtInMs)
    .execute();
}

export async function clearThrottle(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('throttles').where('key', '=', key).execute();
}

/**
 * Housekeeping: deletes at most `batchSize` counters whose window started at or before the cutoff
 * (src/core/retention.ts: such a counter counts as nothing); reports how many. The condition is
 * repeated outside the subquery so a counter restarted meanwhile keeps its new count.
 */
export async function deleteExpiredThrottles(db: Kysely<Database>, windowStartedAtOrBefore: number, batchSize: number): Promise<number> {
  const result = await db
    .deleteFrom('throttles')
    .where('key', 'in', (eb) => eb.selectFrom('throttles as t').select('t.key').where('t.windowStartedAt', '<=', windowStartedAtOrBefore).limit(batchSize))
    .where('windowStartedAt', '<=', windowStartedAtOrBefore)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
