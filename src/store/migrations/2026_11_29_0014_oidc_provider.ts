// O1–O8 (issue 12): Tessera as an OpenID Connect provider.
// - applications: an organization's registered clients (O1); the client secret only as a keyed hash.
// - oidc_payloads: oidc-provider's storage (codes, tokens, grants, its sessions and interactions),
//   one row per (model, id) with the JSON payload and the columns its adapter looks rows up by.
// - oidc_signing_keys: ES256 signing keys sealed under the server key (O2); retired keys stay
//   published until the tokens they signed have expired.
// - application_grants: which Tessera session each grant was issued in (O6), and the back-channel
//   logout owed once that session has ended.
// - sessions.second_factor: how a session's sign-in was completed, for `amr`/`acr` (O4).
import { sql, type Kysely } from 'kysely';

const sqlTypeCheck = sql`type in ('confidential', 'public')`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('applications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull().check(sqlTypeCheck))
    .addColumn('secret_hash', 'text')
    // JSON arrays of absolute URLs, matched exactly.
    .addColumn('redirect_uris', 'text', (c) => c.notNull())
    .addColumn('post_logout_redirect_uris', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('backchannel_logout_uri', 'text')
    .addColumn('created_by_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('applications_organization').on('applications').columns(['organization_id', 'id']).execute();

  await db.schema
    .createTable('oidc_payloads')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('user_code', 'text')
    .addColumn('uid', 'text')
    .addColumn('expires_at', 'bigint')
    .addColumn('consumed_at', 'bigint')
    .addPrimaryKeyConstraint('oidc_payloads_pk', ['model', 'id'])
    .execute();
  await db.schema.createIndex('oidc_payloads_grant').on('oidc_payloads').column('grant_id').execute();
  await db.schema.createIndex('oidc_payloads_uid').on('oidc_payloads').columns(['model', 'uid']).execute();
  await db.schema.createIndex('oidc_payloads_user_code').on('oidc_payloads').columns(['model', 'user_code']).execute();
  await db.schema.createIndex('oidc_payloads_expires').on('oidc_payloads').column('expires_at').execute();

  await db.schema
    .createTable('oidc_signing_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .execute();

  await db.schema
    .createTable('application_grants')
    .addColumn('grant_id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // No foreign key: the row outlives its session until the back-channel logout is delivered.
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('logout_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_logout_attempt_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('application_grants_session').on('application_grants').column('session_id').execute();

  await db.schema.alterTable('sessions').addColumn('second_factor', 'text').execute();
}


// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('second_factor').execute();
  await db.schema.dropTable('application_grants').execute();
  await db.schema.dropTable('oidc_signing_keys').execute();
  await db.schema.dropTable('oidc_payloads').execute();
  await db.schema.dropTable('applications').execute();
}
