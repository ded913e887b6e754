// O2: the provider's ES256 signing keys, each private JWK sealed under the server key.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface SigningKeyRow {
  id: string;
  keySealed: string;
  createdAt: number;
  retiredAt: number | null;
}

/** Newest first: the first is the one that signs. */
export async function listSigningKeys(db: Kysely<Database>): Promise<SigningKeyRow[]> {
  return db.selectFrom('oidcSigningKeys').selectAll().orderBy('createdAt', 'desc').orderBy('id', 'desc').execute();
}

export async function insertSigningKey(db: Kysely<Database>, row: { id: string; keySealed: string; createdAt: number }): Promise<void> {
  await db.insertInto('oidcSigningKeys').values({ ...row, retiredAt: null }).execute();
}

/** A rotation: every key still signing becomes retired (published, no longer signing). */
export async function retireSigningKeys(db: Kysely<Database>, exceptId: string, nowInMs: number): Promise<void> {
  await db.updateTable('oidcSigningKeys').set({ retiredAt: nowInMs }).where('retiredAt', 'is', null).where('id', '!=', exceptId).execute();
}

/** Retired keys whose last tokens have expired are no longer published. */
export async function deleteSigningKeysRetiredBefore(db: Kysely<Database>, retiredAtOrBefore: number): Promise<number> {
  const result = await db.deleteFrom('oidcSigningKeys').where('retiredAt', '<=', retiredAtOrBefore).executeTakeFirst();
  return Number(result.numDeletedRows);
}
