// S1–S2: members' phone numbers (sealed), numbers waiting for their code and texted codes (keyed
// hashes only; the send counters are throttle counters, src/throttling). Every "use once" and
// every count is one conditional statement, so it holds across instances on one database.
import type { Kysely } from 'kysely';
import { changedRows, prepareStatement, type PreparedStatement } from './prepared.js';
import type { Database, SmsCodePurpose } from './schema.js';
import { refreshTwoFactorEnabled } from './totp.js';

export interface StoredPhone {
  phoneSealed: string;
  phoneHash: string;
}

export async function findSmsNumber(db: Kysely<Database>, userId: string): Promise<(StoredPhone & { confirmedAt: number }) | undefined> {
  return db.selectFrom('smsNumbers').select(['phoneSealed', 'phoneHash', 'confirmedAt']).where('userId', '=', userId).executeTakeFirst();
}

export async function hasSmsNumber(db: Kysely<Database>, userId: string): Promise<boolean> {
  return (await findSmsNumber(db, userId)) !== undefined;
}

/** S1: the confirmed number becomes the member's, replacing a previous one. */
export async function saveSmsNumber(db: Kysely<Database>, userId: string, phone: StoredPhone, nowInMs: number): Promise<void> {
  await db
    .insertInto('smsNumbers')
    .values({ userId, ...phone, confirmedAt: nowInMs, createdAt: nowInMs })
    .onConflict((oc) => oc.column('userId').doUpdateSet({ ...phone, confirmedAt: nowInMs, createdAt: nowInMs }))
    .execute();
  await refreshTwoFactorEnabled(db, userId);
}

/** Removes the number, a waiting one and every unused code; reports what was removed. */
export async function deleteSmsFactor(db: Kysely<Database>, userId: string): Promise<{ numbers: number; pendingEnrollments: number }> {
  const numbers = await db.deleteFrom('smsNumbers').where('userId', '=', userId).executeTakeFirst();
  const pending = await db.deleteFrom('smsEnrollments').where('userId', '=', userId).executeTakeFirst();
  await db.deleteFrom('smsCodes').where('userId', '=', userId).execute();
  await refreshTwoFactorEnabled(db, userId);
  return { numbers: Number(numbers.numDeletedRows), pendingEnrollments: Number(pending.numDeletedRows) };
}

export interface PendingSmsEnrollment extends StoredPhone {
  userId: string;
  createdAt: number;
  expiresAt: number;
}

/** S1: starting again replaces the waiting number. */
export async function savePendingSmsEnrollment(db: Kysely<Database>, enrollment: PendingSmsEnrollment): Promise<void> {
  const { phoneSealed, phoneHash, createdAt, expiresAt } = enrollment;
  await db
    .insertInto('smsEnrollments')
    .values(enrollment)
    .onConflict((oc) => oc.column('userId').doUpdateSet({ phoneSealed, phoneHash, createdAt, expiresAt }))
    .execute();
}

export async function findPendingSmsEnrollment(db: Kysely<Database>, userId: string, nowInMs: number): Promise<PendingSmsEnrollment | undefined> {
  return db.selectFrom('smsEnrollments').selectAll().where('userId', '=', userId).where('expiresAt', '>', nowInMs).executeTakeFirst();
}

/** Removes the waiting number only if it is still the one that was checked (a new start wins). */
export async function takePendingSmsEnrollment(db: Kysely<Database>, userId: string, phoneSealed: string): Promise<boolean> {
  const result = await db.deleteFrom('smsEnrollments').where('userId', '=', userId).where('phoneSealed', '=', phoneSealed).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export interface NewSmsCode {
  id: string;
  userId: string;
  purpose: SmsCodePurpose;
  codeHash: string;
  createdAt: number;
  expiresAt: number;
}

export async function insertSmsCode(db: Kysely<Database>, code: NewSmsCode): Promise<void> {
  await db.insertInto('smsCodes').values({ ...code, usedAt: null }).execute();
}

/**
 * S2: uses the member's latest code of this purpose if it matches, has not expired, was not used
 * and (for enrolment codes) has tries left: one conditional UPDATE, so of several requests with
 * the same code exactly one wins. N5: `codeHashes` under every loaded server key.
 */
type ConsumeValues = { userId: string; purpose: SmsCodePurpose; nowInMs: number } & Record<`hash${number}`, string>;
/** One prepared statement per number of look-up hashes (one per loaded server key, N5). */
const consumeStatements = new Map<number, PreparedStatement<ConsumeValues, never>>();

function consumeStatementFor(hashCount: number): PreparedStatement<ConsumeValues, never> {
  let statement = consumeStatements.get(hashCount);
  if (!statement) {
    const hashNames = Array.from({ length: hashCount }, (_, i) => `hash${i}` as const);
    statement = prepareStatement<ConsumeValues, never>(['userId', 'purpose', 'nowInMs', ...hashNames], (db, values) =>
      db
        .updateTable('smsCodes')
        .set({ usedAt: values.nowInMs })
        .where('id', '=', (eb) => eb.selectFrom('smsCodes').select('id').where('userId', '=', values.userId).where('purpose', '=', values.purpose).orderBy('id', 'desc').limit(1))
        .where('userId', '=', values.userId)
        .where('codeHash', 'in', hashNames.map((name) => values[name]!))
        .where('usedAt', 'is', null)
        .where('expiresAt', '>', values.nowInMs),
    );
    consumeStatements.set(hashCount, statement);
  }
  return statement;
}

export async function consumeSmsCode(db: Kysely<Database>, userId: string, purpose: SmsCodePurpose, codeHashes: string[], nowInMs: number, attemptLimit?: number): Promise<boolean> {
  // Every six-digit code tried at the second step runs this (prepared once: see prepared.ts).
  if (attemptLimit === undefined && codeHashes.length > 0) {
    const values = { userId, purpose, nowInMs, ...Object.fromEntries(codeHashes.map((hash, i) => [`hash${i}`, hash])) } as ConsumeValues;
    return changedRows(await consumeStatementFor(codeHashes.length)(db, values)) > 0;
  }
  let query = db
    .updateTable('smsCodes')
    .set({ usedAt: nowInMs })
    .where('id', '=', (eb) => eb.selectFrom('smsCodes').select('id').where('userId', '=', userId).where('purpose', '=', purpose).orderBy('id', 'desc').limit(1))
    .where('userId', '=', userId)
    .where('codeHash', 'in', codeHashes)
    .where('usedAt', 'is', null)
    .where('expiresAt', '>', nowInMs);
  if (attemptLimit !== undefined) query = query.where('failedAttempts', '<', attemptLimit);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Counts a wrong try against the member's latest code of this purpose. */
export async function countSmsCodeFailure(db: Kysely<Database>, userId: string, purpose: SmsCodePurpose): Promise<void> {
  await db
    .updateTable('smsCodes')
    .set((eb) => ({ failedAttempts: eb('failedAttempts', '+', 1) }))
    .where('id', '=', (eb) => eb.selectFrom('smsCodes').select('id').where('userId', '=', userId).where('purpose', '=', purpose).orderBy('id', 'desc').limit(1))
    .where('usedAt', 'is', null)
    .execute();
}

/** Codes that can no longer be used are only clutter; a send clears the member's old ones. */
export async function deleteSpentSmsCodes(db: Kysely<Database>, userId: string, nowInMs: number): Promise<void> {
  await db
    .deleteFrom('smsCodes')
    .where('userId', '=', userId)
    .where((eb) => eb.or([eb('usedAt', 'is not', null), eb('expiresAt', '<=', nowInMs)]))
    .execute();
}

/**
 * Housekeeping: deletes at most `batchSize` expired waiting numbers (`expiresAt <= cutoff`);
 * reports how many. The condition is repeated outside the subquery so a number started again
 * meanwhile (an upsert of the same row) is kept.
 */
export async function deleteExpiredSmsEnrollments(db: Kysely<Database>, expiresAtOrBefore: number, batchSize: number): Promise<number> {
  const result = await db
    .deleteFrom('smsEnrollments')
    .where('userId', 'in', (eb) => eb.selectFrom('smsEnrollments as e').select('e.userId').where('e.expiresAt', '<=', expiresAtOrBefore).limit(batchSize))
    .where('expiresAt', '<=', expiresAtOrBefore)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Housekeeping: deletes at most `batchSize` expired texted codes, used or not; reports how many. */
export async function deleteExpiredSmsCodes(db: Kysely<Database>, expiresAtOrBefore: number, batchSize: number): Promise<number> {
  const result = await db
    .deleteFrom('smsCodes')
    .where('id', 'in', (eb) => eb.selectFrom('smsCodes as c').select('c.id').where('c.expiresAt', '<=', expiresAtOrBefore).limit(batchSize))
    .where('expiresAt', '<=', expiresAtOrBefore)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
