// Housekeeping: a job inside the server deletes rows that can never be used again (expired
// challenges, pending setups, texted codes, e-mailed tokens, sessions, dead throttle counters,
// oidc-provider's expired codes and tokens), so
// tables do not grow forever. Nothing security-relevant is removed (a refused row stays refused
// when absent), so no audit event is written. Invitations, audit events, recovery codes, reminder
// claims and API keys are kept. Deletes are idempotent: several instances may run it at once.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { purgeCutoffs } from '../core/retention.js';
import { deleteExpiredApplicationGrants } from '../store/application-grants.js';
import { deleteExpiredEmailTokens } from '../store/email-tokens.js';
import { deleteExpiredKnownBrowsers } from '../store/known-browsers.js';
import { deleteExpiredOidcPayloads } from '../store/oidc-payloads.js';
import { deleteExpiredSessions } from '../store/sessions.js';
import { deleteExpiredSignInChallenges } from '../store/sign-in-challenges.js';
import { deleteExpiredSmsCodes, deleteExpiredSmsEnrollments } from '../store/text-messages.js';
import { deleteExpiredThrottles } from '../store/throttles.js';
import { deleteExpiredTotpEnrollments } from '../store/totp.js';
import { deleteExpiredWebAuthnChallenges } from '../store/webauthn.js';
import { nowInMs, type AppContext } from './context.js';
import { startPeriodicJob, type PeriodicJob, type PeriodicJobLogger } from './periodic-job.js';

/** Rows deleted per statement: short statements, so requests are not held behind a long delete. */
export const purgeBatchSize = 1000;

/** How many rows a pass deleted, per table. */
export interface PurgeCounts {
  signInChallenges: number;
  totpEnrollments: number;
  smsEnrollments: number;
  smsCodes: number;
  emailTokens: number;
  sessions: number;
  throttles: number;
  /** G1: browsers not used for 180 days. */
  knownBrowsers: number;
  /** oidc-provider's codes, tokens, grants, sessions and interactions past their lifetime (O2). */
  oidcPayloads: number;
  /** O6: grant-to-session records past the grant's lifetime. */
  applicationGrants: number;
  /** W1–W3: ceremony challenges past their 5 minutes. */
  webauthnChallenges: number;
}

/** One pass; safe to call any number of times, from any instance. */
export async function purgeExpiredRecords(context: AppContext, batchSize = purgeBatchSize): Promise<PurgeCounts> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  const cutoffs = purgeCutoffs(nowInMs(context), context.config.sessionLifetime);
  const { db } = context;
  const inBatches = async (deleteBatch: () => Promise<number>): Promise<number> => {
    let total = 0;
    for (;;) {
      const deleted = await deleteBatch();
      total += deleted;
      if (deleted < batchSize) return total;
      // better-sqlite3 runs each statement synchronously: yield to pending I/O between batches.
      await nextTurn();
    }
  };
  return {
    signInChallenges: await inBatches(() => deleteExpiredSignInChallenges(db, cutoffs.expiresAtOrBefore, batchSize)),
    totpEnrollments: await inBatches(() => deleteExpiredTotpEnrollments(db, cutoffs.expiresAtOrBefore, batchSize)),
    smsEnrollments: await inBatches(() => deleteExpiredSmsEnrollments(db, cutoffs.expiresAtOrBefore, batchSize)),
    smsCodes: await inBatches(() => deleteExpiredSmsCodes(db, cutoffs.expiresAtOrBefore, batchSize)),
    emailTokens: await inBatches(() => deleteExpiredEmailTokens(db, cutoffs.expiresAtOrBefore, batchSize)),
    sessions: await inBatches(() => deleteExpiredSessions(db, { lastSeenAtOrBefore: cutoffs.sessionsLastSeenAtOrBefore, createdAtOrBefore: cutoffs.sessionsCreatedAtOrBefore }, batchSize)),
    throttles: await inBatches(() => deleteExpiredThrottles(db, cutoffs.throttleWindowsStartedAtOrBefore, batchSize)),
    knownBrowsers: await inBatches(() => deleteExpiredKnownBrowsers(db, cutoffs.expiresAtOrBefore, batchSize)),
    oidcPayloads: await inBatches(() => deleteExpiredOidcPayloads(db, cutoffs.expiresAtOrBefore, batchSize)),
    applicationGrants: await deleteExpiredApplicationGrants(db, cutoffs.expiresAtOrBefore),
    webauthnChallenges: await inBatches(() => deleteExpiredWebAuthnChallenges(db, cutoffs.expiresAtOrBefore, batchSize)),
  };
}

/** Hourly: an expired row is already refused everywhere; the job only reclaims space. */
export const housekeepingIntervalInMs = 60 * 60 * 1000;

/** Starts the job (started by startServer only; tests call purgeExpiredRecords themselves). */
export function startHousekeepingJob(context: AppContext, logger: PeriodicJobLogger, intervalInMs = housekeepingIntervalInMs): PeriodicJob {
  return startPeriodicJob('housekeeping', () => purgeExpiredRecords(context), intervalInMs, logger);
}
