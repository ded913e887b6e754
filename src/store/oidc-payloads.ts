// oidc-provider's storage (codes, tokens, grants, its sessions and interactions): one row per
// (model, id), the payload as JSON, and the columns the adapter finds rows by.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface OidcPayloadRecord {
  payload: Record<string, unknown>;
  consumedAt: number | null;
  expiresAt: number | null;
}

export interface OidcPayloadUpsert {
  model: string;
  id: string;
  payload: object;
  grantId: string | null;
  userCode: string | null;
  uid: string | null;
  expiresAt: number | null;
}

export async function upsertOidcPayload(db: Kysely<Database>, row: OidcPayloadUpsert): Promise<void> {
  const values = { ...row, payload: JSON.stringify(row.payload), consumedAt: null };
  await db
    .insertInto('oidcPayloads')
    .values(values)
    .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet({ payload: values.payload, grantId: row.grantId, userCode: row.userCode, uid: row.uid, expiresAt: row.expiresAt }))
    .execute();
}

type Lookup = { column: 'id' | 'uid' | 'userCode'; value: string };

/** An unexpired row, or undefined. */
export async function findOidcPayload(db: Kysely<Database>, model: string, lookup: Lookup, nowInMs: number): Promise<OidcPayloadRecord | undefined> {
  const row = await db
    .selectFrom('oidcPayloads')
    .select(['payload', 'consumedAt', 'expiresAt'])
    .where('model', '=', model)
    .where(lookup.column, '=', lookup.value)
    .where((eb) => eb.or([eb('expiresAt', 'is', null), eb('expiresAt', '>', nowInMs)]))
    .executeTakeFirst();
  if (!row) return undefined;
  return { payload: JSON.parse(row.payload) as Record<string, unknown>, consumedAt: row.consumedAt, expiresAt: row.expiresAt };
}

/** Marks a code or token used; the first use wins (a conditional update). */
export async function consumeOidcPayload(db: Kysely<Database>, model: string, id: string, nowInMs: number): Promise<void> {
  await db.updateTable('oidcPayloads').set({ consumedAt: nowInMs }).where('model', '=', model).where('id', '=', id).where('consumedAt', 'is', null).execute();
}

export async function deleteOidcPayload(db: Kysely<Database>, model: string, id: string): Promise<void> {
  await db.deleteFrom('oidcPayloads').where('model', '=', model).where('id', '=', id).execute();
}

/** One model's codes or tokens issued under a grant (the adapter's revokeByGrantId). */
export async function deleteOidcPayloadsOfGrantAndModel(db: Kysely<Database>, model: string, grantId: string): Promise<void> {
  await db.deleteFrom('oidcPayloads').where('model', '=', model).where('grantId', '=', grantId).execute();
}

/** Every code and token issued under a grant, and the grant itself. */
export async function deleteOidcPayloadsOfGrant(db: Kysely<Database>, grantId: string): Promise<void> {
  await db.deleteFrom('oidcPayloads').where('grantId', '=', grantId).execute();
  await db.deleteFrom('oidcPayloads').where('model', '=', 'Grant').where('id', '=', grantId).execute();
}

/** Housekeeping: deletes at most `batchSize` expired rows and reports how many. */
export async function deleteExpiredOidcPayloads(db: Kysely<Database>, nowInMs: number, batchSize: number): Promise<number> {
  const result = await db
    .deleteFrom('oidcPayloads')
    .where((eb) =>
      eb(
        eb.refTuple('model', 'id'),
        'in',
        eb.selectFrom('oidcPayloads as p').select(['p.model', 'p.id']).where('p.expiresAt', '<=', nowInMs).limit(batchSize).$asTuple('model', 'id'),
      ),
    )
    .where('expiresAt', '<=', nowInMs)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
