// G1/B2: the `known_browsers` table. Tokens are looked up by SHA-256 only; every change that
// depends on the current state is one conditional statement.
import type { Kysely } from 'kysely';
import { prepareStatement } from './prepared.js';
import type { Database, KnownBrowser } from './schema.js';

export interface NewKnownBrowser {
  id: string;
  userId: string;
  tokenHash: string;
  createdAt: number;
  expiresAt: number;
  ip: string | null;
  userAgent: string | null;
}

const insertKnownBrowserStatement = prepareStatement<Required<NewKnownBrowser>, never>(['id', 'userId', 'tokenHash', 'createdAt', 'expiresAt', 'ip', 'userAgent'], (db, browser) =>
  db.insertInto('knownBrowsers').values({ ...browser, lastUsedAt: browser.createdAt, rememberedAt: null, rememberedUntil: null }),
);

export async function insertKnownBrowser(db: Kysely<Database>, browser: NewKnownBrowser): Promise<void> {
  // Every sign-in from a new browser writes one (prepared once: see prepared.ts).
  await insertKnownBrowserStatement(db, { id: browser.id, userId: browser.userId, tokenHash: browser.tokenHash, createdAt: browser.createdAt, expiresAt: browser.expiresAt, ip: browser.ip ?? null, userAgent: browser.userAgent ?? null });
}

/** The browser whose cookie carries this token, while it has not expired. */
export async function findKnownBrowserByTokenHash(db: Kysely<Database>, tokenHash: string, nowInMs: number): Promise<KnownBrowser | undefined> {
  return db.selectFrom('knownBrowsers').selectAll().where('tokenHash', '=', tokenHash).where('expiresAt', '>', nowInMs).executeTakeFirst();
}

/**
 * G1: replaces the token of a browser that just used it (and slides its expiry), only if the
 * presented token is still the current one: two requests with one cookie cannot both rotate it.
 */
export async function rotateKnownBrowser(
  db: Kysely<Database>,
  id: string,
  previousTokenHash: string,
  next: { tokenHash: string; nowInMs: number; expiresAt: number; ip: string | null; userAgent: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable('knownBrowsers')
    .set({ tokenHash: next.tokenHash, lastUsedAt: next.nowInMs, expiresAt: next.expiresAt, ip: next.ip, userAgent: next.userAgent })
    .where('id', '=', id)
    .where('tokenHash', '=', previousTokenHash)
    .where('expiresAt', '>', next.nowInMs)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function listKnownBrowsersOfUser(db: Kysely<Database>, userId: string, nowInMs: number): Promise<KnownBrowser[]> {
  return db.selectFrom('knownBrowsers').selectAll().where('userId', '=', userId).where('expiresAt', '>', nowInMs).orderBy('lastUsedAt', 'desc').orderBy('id', 'desc').execute();
}

export async function deleteKnownBrowserOfUser(db: Kysely<Database>, userId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('knownBrowsers').where('userId', '=', userId).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Forgets every browser of a member but `keepId` (the current one), or all of them. Returns their ids. */
export async function deleteKnownBrowsersOfUser(db: Kysely<Database>, userId: string, keepId: string | null): Promise<string[]> {
  let query = db.deleteFrom('knownBrowsers').where('userId', '=', userId);
  if (keepId) query = query.where('id', '!=', keepId);
  const rows = await query.returning('id').execute();
  return rows.map((row) => row.id);
}

/** Housekeeping: at most `batchSize` browsers unused for their whole lifetime (G1); reports how many. */
export async function deleteExpiredKnownBrowsers(db: Kysely<Database>, expiresAtOrBefore: number, batchSize: number): Promise<number> {
  const result = await db
    .deleteFrom('knownBrowsers')
    .where('id', 'in', (eb) => eb.selectFrom('knownBrowsers as b').select('b.id').where('b.expiresAt', '<=', expiresAtOrBefore).limit(batchSize))
    .where('expiresAt', '<=', expiresAtOrBefore)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** B2: remembers one of the member's browsers for the second step until `untilInMs`. */
export async function rememberKnownBrowser(db: Kysely<Database>, userId: string, id: string, nowInMs: number, untilInMs: number): Promise<boolean> {
  const result = await db.updateTable('knownBrowsers').set({ rememberedAt: nowInMs, rememberedUntil: untilInMs }).where('id', '=', id).where('userId', '=', userId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** B2: every remembered browser of a member asks for the second step again; returns how many were remembered. */
export async function forgetRememberedBrowsersOfUser(db: Kysely<Database>, userId: string): Promise<number> {
  const result = await db.updateTable('knownBrowsers').set({ rememberedAt: null, rememberedUntil: null }).where('userId', '=', userId).where('rememberedUntil', 'is not', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** B2: the organization lowered or turned off the setting. Returns how many were remembered. */
export async function forgetRememberedBrowsersOfOrganization(db: Kysely<Database>, organizationId: string): Promise<number> {
  const result = await db
    .updateTable('knownBrowsers')
    .set({ rememberedAt: null, rememberedUntil: null })
    .where('rememberedUntil', 'is not', null)
    .where('userId', 'in', (eb) => eb.selectFrom('users').select('users.id').where('users.organizationId', '=', organizationId))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
