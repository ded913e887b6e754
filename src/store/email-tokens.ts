import type { Kysely } from 'kysely';
import type { Database, EmailTokenPurpose } from './schema.js';

export interface NewEmailToken {
  id: string;
  tokenHash: string;
  purpose: EmailTokenPurpose;
  userId: string;
  createdAt: number;
  expiresAt: number;
}

export async function insertEmailToken(db: Kysely<Database>, token: NewEmailToken): Promise<void> {
  await db.insertInto('emailTokens').values({ ...token, usedAt: null }).execute();
}

/**
 * Marks a token used and returns its member, in one conditional UPDATE, so two requests with the
 * same link cannot both succeed (A4: single use).
 */
export async function consumeEmailToken(
  db: Kysely<Database>,
  tokenHash: string,
  purpose: EmailTokenPurpose,
  nowInMs: number,
): Promise<string | undefined> {
  const row = await db
    .updateTable('emailTokens')
    .set({ usedAt: nowInMs })
    .where('tokenHash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('usedAt', 'is', null)
    .where('expiresAt', '>', nowInMs)
    .returning('userId')
    .executeTakeFirst();
  return row?.userId;
}

/** The member a token of this purpose was issued to, whatever its state (used, retired or expired). */
export async function findEmailTokenOwner(db: Kysely<Database>, tokenHash: string, purpose: EmailTokenPurpose): Promise<string | undefined> {
  const row = await db.selectFrom('emailTokens').select('userId').where('tokenHash', '=', tokenHash).where('purpose', '=', purpose).executeTakeFirst();
  return row?.userId;
}

/** Undoes a consumption at `usedAtInMs` whose work could not be done (the server was busy), so the link works again. */
export async function restoreEmailToken(db: Kysely<Database>, tokenHash: string, usedAtInMs: number): Promise<void> {
  await db.updateTable('emailTokens').set({ usedAt: null }).where('tokenHash', '=', tokenHash).where('usedAt', '=', usedAtInMs).execute();
}

/** A newer link replaces older unused ones of the same purpose. */
export async function retireEmailTokens(db: Kysely<Database>, userId: string, purpose: EmailTokenPurpose, nowInMs: number): Promise<void> {
  await db.updateTable('emailTokens').set({ usedAt: nowInMs }).where('userId', '=', userId).where('purpose', '=', purpose).where('usedAt', 'is', null).execute();
}

/** Housekeeping: deletes at most `batchSize` expired e-mailed tokens, used or not; reports how many. */
export async function deleteExpiredEmailTokens(db: Kysely<Database>, expiresAtOrBefore: number, batchSize: number): Promise<number> {
  const result = await db
    .deleteFrom('emailTokens')
    .where('id', 'in', (eb) => eb.selectFrom('emailTokens as t').select('t.id').where('t.expiresAt', '<=', expiresAtOrBefore).limit(batchSize))
    .where('expiresAt', '<=', expiresAtOrBefore)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
