// Request-throttling counters in the `throttles` table (src/store/throttles.ts): the default, and
// what the Redis counters fall back to. Every instance on the same database shares them.
import { sql, type Kysely } from 'kysely';
import type { ThrottleClaim, ThrottleCounters } from '../core/ports.js';
import type { Database } from '../store/schema.js';
import { claimThrottle, clearThrottle, countThrottleHit, readThrottle, releaseThrottle } from '../store/throttles.js';

/**
 * Where the counters live (AppContext.throttles). `on(db)` gives the counters whose database work
 * (all of it here; only the fallback with Redis) runs on `db`: pass a transaction to make a claim
 * commit or roll back with the rows written beside it.
 */
export interface ThrottleCounterStore {
  on(db: Kysely<Database>): ThrottleCounters;
}

export const databaseThrottleCounterStore: ThrottleCounterStore = { on: databaseThrottleCounters };

export function databaseThrottleCounters(db: Kysely<Database>): ThrottleCounters {
  return {
    read: (key) => readThrottle(db, key),
    hit: (key, nowInMs, windowInMs) => countThrottleHit(db, key, nowInMs, windowInMs),
    clear: (key) => clearThrottle(db, key),
    claim: (claims, nowInMs) => claimAll(db, claims, nowInMs),
    async release(claims, claimedAtInMs) {
      for (const { key } of claims) await releaseThrottle(db, key, claimedAtInMs);
    },
  };
}

/** Thrown to undo the claims already counted when a later one is refused. */
class ClaimRefused extends Error {}

async function claimAll(db: Kysely<Database>, claims: readonly ThrottleClaim[], nowInMs: number): Promise<boolean> {
  const claimEach = async (on: Kysely<Database>) => {
    for (const { key, rule } of claims) {
      if (!(await claimThrottle(on, key, rule, nowInMs))) throw new ClaimRefused();
    }
  };
  try {
    // One claim is one statement; several are all or nothing.
    if (claims.length <= 1) await claimEach(db);
    else if (db.isTransaction) await inSavepoint(db, claimEach);
    else await db.transaction().execute(claimEach);
    return true;
  } catch (error) {
    if (error instanceof ClaimRefused) return false;
    throw error;
  }
}

/** Runs `work` inside the caller's transaction, undoing only its own writes when it throws. */
async function inSavepoint(trx: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<void>): Promise<void> {
  await sql`savepoint throttle_claim`.execute(trx);
  try {
    await work(trx);
  } catch (error) {
    await sql`rollback to savepoint throttle_claim`.execute(trx);
    throw error;
  } finally {
    await sql`release savepoint throttle_claim`.execute(trx);
  }
}
