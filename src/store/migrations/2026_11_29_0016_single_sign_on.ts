// E1–E5 (issue 14): single sign-on from an organization's own OpenID Connect provider.
// - sso_connections: one per organization; the client secret sealed under the server key.
// - sso_domains: e-mail domains claimed by a connection; the primary key makes a domain belong to
//   one organization at most (E1), so a lost race is a clean 409.
// - sign_in_challenges.first_factor: what a second step follows ('password' or 'sso', L4).
import { sql, type Kysely } from 'kysely';

const sqlRuleCheck = sql`mfa_rule in ('disable_with_requirement', 'tessera_second_factor', 'trust_provider_amr')`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sso_connections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().unique().references('organizations.id').onDelete('cascade'))
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('client_secret_sealed', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('mfa_rule', 'text', (c) => c.notNull().defaultTo('disable_with_requirement').check(sqlRuleCheck))
    .addColumn('create_members', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('password_for_routed_members', 'integer', (c) => c.notNull().defaultTo(0))
    // E3: why the connection was last turned off by Tessera (null: by an administrator, or never).
    .addColumn('disabled_reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sso_domains')
    .addColumn('domain', 'text', (c) => c.primaryKey())
    .addColumn('connection_id', 'text', (c) => c.notNull().references('sso_connections.id').onDelete('cascade'))
    .execute();
  await db.schema.createIndex('sso_domains_connection').on('sso_domains').column('connection_id').execute();

  await db.schema.alterTable('sign_in_challenges').addColumn('first_factor', 'text', (c) => c.notNull().defaultTo('password')).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sign_in_challenges').dropColumn('first_factor').execute();
  await db.schema.dropTable('sso_domains').execute();
  await db.schema.dropTable('sso_connections').execute();
}
