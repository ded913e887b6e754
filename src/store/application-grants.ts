// O6: which Tessera session each grant was issued in. A grant whose session has ended is refused
// at once (the adapter asks `isGrantSessionAlive`); a job then revokes its tokens and delivers the
// back-channel logout, claiming each attempt with a conditional update (several instances).
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export async function insertApplicationGrant(db: Kysely<Database>, row: { grantId: string; applicationId: string; userId: string; sessionId: string; createdAt: number; expiresAt: number }): Promise<void> {
  await db.insertInto('applicationGrants').values(row).onConflict((oc) => oc.column('grantId').doNothing()).execute();
}

export interface GrantSession {
  sessionId: string;
  /** Undefined when the session has ended. */
  session: { createdAt: number; secondFactor: string | null } | undefined;
}

/** The grant's Tessera session; undefined for a grant we did not record. */
export async function findGrantSession(db: Kysely<Database>, grantId: string): Promise<GrantSession | undefined> {
  const row = await db
    .selectFrom('applicationGrants as g')
    .leftJoin('sessions as s', 's.id', 'g.sessionId')
    .select(['g.sessionId', 's.id as liveSessionId', 's.createdAt', 's.secondFactor'])
    .where('g.grantId', '=', grantId)
    .executeTakeFirst();
  if (!row) return undefined;
  return { sessionId: row.sessionId, session: row.liveSessionId ? { createdAt: row.createdAt!, secondFactor: row.secondFactor ?? null } : undefined };
}

export interface EndedGrant {
  grantId: string;
  userId: string;
  clientId: string;
  backchannelLogoutUri: string | null;
  logoutAttempts: number;
}

/**
 * Claims up to `limit` grants whose session has ended (or whose application is gone) and whose
 * next attempt is due: the claim pushes the next attempt to `retryAt`, so another instance does
 * not take them meanwhile.
 */
export async function claimEndedGrants(db: Kysely<Database>, nowInMs: number, retryAt: number, limit: number): Promise<EndedGrant[]> {
  const due = await db
    .selectFrom('applicationGrants as g')
    .innerJoin('applications as a', 'a.id', 'g.applicationId')
    .leftJoin('sessions as s', 's.id', 'g.sessionId')
    .select(['g.grantId', 'g.userId', 'a.clientId', 'a.backchannelLogoutUri', 'g.logoutAttempts', 'g.nextLogoutAttemptAt'])
    .where('s.id', 'is', null)
    .where('g.nextLogoutAttemptAt', '<=', nowInMs)
    .limit(limit)
    .execute();
  const claimed: EndedGrant[] = [];
  for (const row of due) {
    const result = await db
      .updateTable('applicationGrants')
      .set({ nextLogoutAttemptAt: retryAt, logoutAttempts: row.logoutAttempts + 1 })
      .where('grantId', '=', row.grantId)
      .where('nextLogoutAttemptAt', '=', row.nextLogoutAttemptAt)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) claimed.push({ grantId: row.grantId, userId: row.userId, clientId: row.clientId, backchannelLogoutUri: row.backchannelLogoutUri, logoutAttempts: row.logoutAttempts + 1 });
  }
  return claimed;
}

export async function deleteApplicationGrant(db: Kysely<Database>, grantId: string): Promise<void> {
  await db.deleteFrom('applicationGrants').where('grantId', '=', grantId).execute();
}

export async function listGrantIdsOfApplication(db: Kysely<Database>, applicationId: string): Promise<string[]> {
  const rows = await db.selectFrom('applicationGrants').select('grantId').where('applicationId', '=', applicationId).execute();
  return rows.map((row) => row.grantId);
}

/** Housekeeping: grants past their lifetime (their tokens have expired too). */
export async function deleteExpiredApplicationGrants(db: Kysely<Database>, nowInMs: number): Promise<number> {
  const result = await db.deleteFrom('applicationGrants').where('expiresAt', '<=', nowInMs).executeTakeFirst();
  return Number(result.numDeletedRows);
}
