import type { Kysely } from 'kysely';
import { prepareStatement } from './prepared.js';
import type { Database, NewSession, Session, SignInMethod } from './schema.js';

interface SessionRow {
  id: string;
  tokenHash: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  reauthenticatedAt: number | null;
  ip: string | null;
  userAgent: string | null;
  setupOnly: number;
  secondFactorVerifiedAt: number | null;
  secondFactor: SignInMethod | null;
}
const insertSessionStatement = prepareStatement<SessionRow, never>(
  ['id', 'tokenHash', 'userId', 'createdAt', 'lastSeenAt', 'reauthenticatedAt', 'ip', 'userAgent', 'setupOnly', 'secondFactorVerifiedAt', 'secondFactor'],
  (db, session) => db.insertInto('sessions').values(session),
);

export async function insertSession(db: Kysely<Database>, session: NewSession): Promise<void> {
  // Every sign-in writes one (prepared once: see prepared.ts).
  await insertSessionStatement(db, {
    id: session.id,
    tokenHash: session.tokenHash,
    userId: session.userId,
    createdAt: session.createdAt,
    lastSeenAt: session.lastSeenAt,
    reauthenticatedAt: session.reauthenticatedAt ?? null,
    ip: session.ip ?? null,
    userAgent: session.userAgent ?? null,
    setupOnly: session.setupOnly ?? 0,
    secondFactorVerifiedAt: session.secondFactorVerifiedAt ?? null,
    secondFactor: session.secondFactor ?? null,
  });
}

export async function findSessionByTokenHash(db: Kysely<Database>, tokenHash: string): Promise<Session | undefined> {
  return db.selectFrom('sessions').selectAll().where('tokenHash', '=', tokenHash).executeTakeFirst();
}

export async function touchSession(db: Kysely<Database>, sessionId: string, nowInMs: number): Promise<void> {
  await db.updateTable('sessions').set({ lastSeenAt: nowInMs }).where('id', '=', sessionId).execute();
}

/** A5: the password was confirmed now; with `secondFactor`, a current code was given with it. */
export async function setReauthenticatedAt(db: Kysely<Database>, sessionId: string, nowInMs: number, options: { secondFactor?: boolean } = {}): Promise<void> {
  const confirmed = options.secondFactor ? { reauthenticatedAt: nowInMs, secondFactorVerifiedAt: nowInMs } : { reauthenticatedAt: nowInMs };
  await db.updateTable('sessions').set(confirmed).where('id', '=', sessionId).execute();
}

/** A5: a code of a factor now on the account was just entered in this session (confirming its setup). */
export async function setSecondFactorVerifiedAt(db: Kysely<Database>, sessionId: string, nowInMs: number): Promise<void> {
  await db.updateTable('sessions').set({ secondFactorVerifiedAt: nowInMs }).where('id', '=', sessionId).execute();
}

export async function deleteSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** Ends one of a member's own sessions; false when it is not theirs or already gone. */
export async function deleteSessionOfUser(db: Kysely<Database>, userId: string, sessionId: string): Promise<boolean> {
  const result = await db.deleteFrom('sessions').where('id', '=', sessionId).where('userId', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function deleteSessionsOfUser(db: Kysely<Database>, userId: string, exceptSessionId?: string): Promise<void> {
  let query = db.deleteFrom('sessions').where('userId', '=', userId);
  if (exceptSessionId) query = query.where('id', '!=', exceptSessionId);
  await query.execute();
}

export async function listSessionsOfUser(db: Kysely<Database>, userId: string): Promise<Session[]> {
  return db.selectFrom('sessions').selectAll().where('userId', '=', userId).orderBy('lastSeenAt', 'desc').execute();
}

/**
 * P5: other setup-only sessions of a member who now has a second factor were opened with the
 * password alone; they end rather than turn into complete sessions.
 */
export async function deleteSetupOnlySessionsOfUser(db: Kysely<Database>, userId: string, exceptSessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('userId', '=', userId).where('setupOnly', '=', 1).where('id', '!=', exceptSessionId).execute();
}

/**
 * Housekeeping: deletes at most `batchSize` expired sessions (A3: idle or past the absolute
 * lifetime, cutoffs inclusive) and reports how many. The condition is repeated outside the
 * subquery because PostgreSQL re-checks only the outer WHERE on a row changed meanwhile.
 */
export async function deleteExpiredSessions(db: Kysely<Database>, cutoffs: { lastSeenAtOrBefore: number; createdAtOrBefore: number }, batchSize: number): Promise<number> {
  const { lastSeenAtOrBefore, createdAtOrBefore } = cutoffs;
  const result = await db
    .deleteFrom('sessions')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('sessions as s')
        .select('s.id')
        .where((w) => w.or([w('s.lastSeenAt', '<=', lastSeenAtOrBefore), w('s.createdAt', '<=', createdAtOrBefore)]))
        .limit(batchSize),
    )
    .where((eb) => eb.or([eb('lastSeenAt', '<=', lastSeenAtOrBefore), eb('createdAt', '<=', createdAtOrBefore)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
