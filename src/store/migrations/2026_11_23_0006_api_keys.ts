// K1: API keys of an organization. Only the key's SHA-256 is stored (Security floor); the first
// 8 characters stay readable so administrators can tell keys apart. Revoked keys keep their row
// (revoked_at) so the audit log's key ids still name something.
// Requests made with a key are audited with the existing actor type 'system' and details
// {apiKeyId}: widening audit_events' CHECK would mean rebuilding that table on SQLite.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('key_prefix', 'text', (c) => c.notNull())
    // JSON arrays: grant names from the catalogue (src/core/api-grants.ts) and CIDR blocks.
    .addColumn('grants', 'text', (c) => c.notNull())
    .addColumn('allowed_ips', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_by_user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('last_used_ip', 'text')
    .addColumn('revoked_at', 'bigint')
    .addCheckConstraint('api_keys_revoked_at_after_created', sql`revoked_at is null or revoked_at >= created_at`)
    .execute();
  await db.schema.createIndex('api_keys_organization').on('api_keys').columns(['organization_id', 'id']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('api_keys').execute();
}
