// M1: the users grid answers in milliseconds with 100,000 members on both databases.
// - `users.two_factor_enabled` mirrors "has a second factor" (kept by store/totp.ts), because an
//   EXISTS per row defeats PostgreSQL's LIMIT plans (it hashes the whole factor table first).
// - One index per sort order, each starting with the organization and ending with the id, so a
//   page and its keyset cursor are an index range scan. The name and e-mail ride along at the end
//   so a search filters index entries before reading rows.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('two_factor_enabled', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await sql`update users set two_factor_enabled = 1 where exists (select 1 from totp_credentials t where t.user_id = users.id)`.execute(db);

  await db.schema.dropIndex('users_organization_id').execute();
  await db.schema.createIndex('users_organization_created').on('users').columns(['organization_id', 'id', 'name_normalized', 'email_normalized']).execute();
  await db.schema.createIndex('users_organization_name').on('users').columns(['organization_id', 'name_normalized', 'id', 'email_normalized']).execute();
  await db.schema.createIndex('users_organization_email').on('users').columns(['organization_id', 'email_normalized', 'id', 'name_normalized']).execute();
  // The same expression as the grid's lastLogin order (store/user-directory.ts).
  await sql`create index users_organization_last_login on users (organization_id, (coalesce(last_login_at, 0)), id, name_normalized, email_normalized)`.execute(db);
  await addTrigramIndexesOnPostgres(db);
}

/**
 * PostgreSQL: trigram indexes answer the grid's substring search (LIKE '%…%') without reading
 * every member. pg_trgm ships with PostgreSQL and is a trusted extension (13+), but a server may
 * lack it or the role may not create it; then search still works, by scanning. A savepoint keeps
 * that failure from aborting the migration's transaction.
 */
async function addTrigramIndexesOnPostgres(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  const available = await sql<{ count: string }>`select count(*) as count from pg_available_extensions where name = 'pg_trgm'`.execute(db);
  if (Number(available.rows[0]?.count ?? 0) === 0) return;
  await sql`savepoint trigram_indexes`.execute(db);
  try {
    await sql`create extension if not exists pg_trgm`.execute(db);
    await sql`create index users_name_trigram on users using gin (name_normalized gin_trgm_ops)`.execute(db);
    await sql`create index users_email_trigram on users using gin (email_normalized gin_trgm_ops)`.execute(db);
    await sql`release savepoint trigram_indexes`.execute(db);
  } catch {
    await sql`rollback to savepoint trigram_indexes`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists users_email_trigram`.execute(db);
  await sql`drop index if exists users_name_trigram`.execute(db);
  await db.schema.dropIndex('users_organization_last_login').execute();
  await db.schema.dropIndex('users_organization_email').execute();
  await db.schema.dropIndex('users_organization_name').execute();
  await db.schema.dropIndex('users_organization_created').execute();
  await db.schema.createIndex('users_organization_id').on('users').columns(['organization_id', 'id']).execute();
  await db.schema.alterTable('users').dropColumn('two_factor_enabled').execute();
}
