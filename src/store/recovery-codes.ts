import type { Kysely } from 'kysely';
import { recoveryCodeCount } from '../core/recovery-codes.js';
import type { Database, RecoveryCode } from './schema.js';

export interface NewRecoveryCode {
  id: string;
  userId: string;
  codeSealed: string;
  codeHash: string;
  createdAt: number;
}

/** R5: a new set replaces the whole old one at once. */
export async function replaceRecoveryCodes(db: Kysely<Database>, userId: string, codes: NewRecoveryCode[]): Promise<void> {
  await db.deleteFrom('recoveryCodes').where('userId', '=', userId).execute();
  if (codes.length > 0) await db.insertInto('recoveryCodes').values(codes.map((c) => ({ ...c, usedAt: null }))).execute();
}

export async function insertRecoveryCode(db: Kysely<Database>, code: NewRecoveryCode): Promise<void> {
  await db.insertInto('recoveryCodes').values({ ...code, usedAt: null }).execute();
}

export async function listRecoveryCodes(db: Kysely<Database>, userId: string): Promise<RecoveryCode[]> {
  return db.selectFrom('recoveryCodes').selectAll().where('userId', '=', userId).orderBy('id').execute();
}

/**
 * Unused codes out of the set's size (R1: 8), or 0 of 0 without codes. Under the replace policy
 * (R6) a used code stays listed beside its replacement (R3), so the rows outnumber the set: they
 * are not its size.
 */
export async function countUnusedRecoveryCodes(db: Kysely<Database>, userId: string): Promise<{ remaining: number; total: number }> {
  const row = await db
    .selectFrom('recoveryCodes')
    .select((eb) => [eb.fn.countAll<number>().as('rows'), eb.fn.count<number>('id').filterWhere('usedAt', 'is', null).as('remaining')])
    .where('userId', '=', userId)
    .executeTakeFirstOrThrow();
  const remaining = Number(row.remaining);
  return { remaining, total: Number(row.rows) === 0 ? 0 : Math.max(recoveryCodeCount, remaining) };
}

/**
 * R2: uses a code once, in one conditional UPDATE; false when unknown or already used. N5: the
 * code's hashes under every loaded server key (a row may predate the newest key).
 */
export async function consumeRecoveryCode(db: Kysely<Database>, userId: string, codeHashes: string[], nowInMs: number): Promise<boolean> {
  const result = await db
    .updateTable('recoveryCodes')
    .set({ usedAt: nowInMs })
    .where('userId', '=', userId)
    .where('codeHash', 'in', codeHashes)
    .where('usedAt', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Returns how many codes were removed. */
export async function deleteRecoveryCodes(db: Kysely<Database>, userId: string): Promise<number> {
  const result = await db.deleteFrom('recoveryCodes').where('userId', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function setRecoveryCodesRegenerationRequired(db: Kysely<Database>, userId: string, required: boolean): Promise<void> {
  await db.updateTable('users').set({ recoveryCodesRegenerationRequired: required ? 1 : 0 }).where('id', '=', userId).execute();
}
