// G1: browsers known to a member (a device cookie after a complete sign-in). Only the SHA-256 of
// the cookie's token is stored; it is replaced on every use. B2: a known browser may also be
// remembered for the second step until `remembered_until`, as long as the organization allows
// (`organizations.remember_browser_days`, 0 = off).
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('known_browsers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('remembered_at', 'bigint')
    .addColumn('remembered_until', 'bigint')
    .addCheckConstraint('known_browsers_remembered_together', sql`(remembered_at is null) = (remembered_until is null)`)
    .execute();
  await db.schema.createIndex('known_browsers_user').on('known_browsers').columns(['user_id', 'last_used_at']).execute();
  await db.schema.alterTable('organizations').addColumn('remember_browser_days', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('organizations').dropColumn('remember_browser_days').execute();
  await db.schema.dropTable('known_browsers').execute();
}
