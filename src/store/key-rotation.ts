// N5: the rows `tessera keys rotate` re-seals, read in batches by primary key, each written back
// only if it still holds the value that was read (a serving instance's change is never undone).
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/** A table holding sealed values: its key column, its sealed column and the keyed hash kept beside it. */
export interface SealedColumn {
  table: 'totpCredentials' | 'totpEnrollments' | 'recoveryCodes' | 'smsNumbers' | 'smsEnrollments' | 'oidcSigningKeys' | 'ssoConnections';
  key: 'userId' | 'id';
  sealed: 'secretSealed' | 'codeSealed' | 'phoneSealed' | 'keySealed' | 'clientSecretSealed';
  hash?: 'codeHash' | 'phoneHash';
}

export interface SealedRow {
  key: string;
  userId: string | null;
  sealed: string;
  hash: string | null;
}

/** The tables are named by the fixed list in services/key-rotation.ts, never by input. */
type SealedTables = Record<SealedColumn['table'], Record<string, string | number | null>>;

function loose(db: Kysely<Database>): Kysely<SealedTables> {
  return db as unknown as Kysely<SealedTables>;
}

function notUnder(column: SealedColumn, prefix: string) {
  return sql<boolean>`substr(${sql.ref(column.sealed)}, 1, ${sql.lit(prefix.length)}) <> ${prefix}`;
}

/** The next rows after `afterKey` whose value is not sealed under `prefix` (`v1.<key id>.`). */
export async function listSealedNotUnder(db: Kysely<Database>, column: SealedColumn, prefix: string, afterKey: string | undefined, limit: number): Promise<SealedRow[]> {
  let query = loose(db)
    .selectFrom(column.table)
    .select([sql.ref(column.key).as('key'), sql.ref(column.sealed).as('sealed')])
    .select(column.key === 'userId' || column.table === 'recoveryCodes' ? sql.ref('userId').as('userId') : sql.lit(null).as('userId'))
    .select(column.hash ? sql.ref(column.hash).as('hash') : sql.lit(null).as('hash'))
    .where(notUnder(column, prefix))
    .orderBy(column.key)
    .limit(limit);
  if (afterKey !== undefined) query = query.where(column.key, '>', afterKey);
  return (await query.execute()) as SealedRow[];
}

/** Writes the re-sealed value (and its new hash) only over the exact value read; false if it changed meanwhile. */
export async function replaceSealedValue(db: Kysely<Database>, column: SealedColumn, row: SealedRow, sealed: string, hash: string | undefined): Promise<boolean> {
  let query = loose(db)
    .updateTable(column.table)
    .set({ [column.sealed]: sealed, ...(column.hash && hash !== undefined ? { [column.hash]: hash } : {}) })
    .where(column.key, '=', row.key)
    .where(column.sealed, '=', row.sealed);
  if (column.hash) query = query.where(column.hash, '=', row.hash);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function countSealedNotUnder(db: Kysely<Database>, column: SealedColumn, prefix: string): Promise<number> {
  const row = await loose(db).selectFrom(column.table).select((eb) => eb.fn.countAll<number>().as('count')).where(notUnder(column, prefix)).executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Applications whose client secret is kept as a keyed hash (confidential ones). */
export async function countApplicationSecrets(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('applications').select((eb) => eb.fn.countAll<number>().as('count')).where('secretHash', 'is not', null).executeTakeFirstOrThrow();
  return Number(row.count);
}
