// W1–W5: security keys and passkeys (WebAuthn).
// - webauthn_credentials: a member's registered credentials; the public key (COSE, base64url) is
//   not a secret, the credential id is unique across the deployment (W3 finds the member by it).
// - webauthn_challenges: ceremony challenges kept server-side, each taken once (a DELETE …
//   RETURNING), 5 minutes.
// - organizations: W3 passkey sign-in switch; W5 allowed methods, phishing-resistant requirement
//   and the optional list of allowed authenticator models (AAGUIDs).
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webauthn_credentials')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('credential_id', 'text', (c) => c.notNull().unique())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('counter', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('transports', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('aaguid', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('passkey', 'security_key')`))
    .addColumn('backup_eligible', 'integer', (c) => c.notNull().check(sql`backup_eligible in (0, 1)`))
    .addColumn('backed_up', 'integer', (c) => c.notNull().check(sql`backed_up in (0, 1)`))
    .addColumn('user_verified', 'integer', (c) => c.notNull().check(sql`user_verified in (0, 1)`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema.createIndex('webauthn_credentials_user').on('webauthn_credentials').columns(['user_id', 'created_at']).execute();
  await db.schema
    .createTable('webauthn_challenges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('challenge', 'text', (c) => c.notNull().unique())
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('register_passkey', 'register_security_key', 'second_step', 'passkey_sign_in', 'confirm')`))
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webauthn_challenges_expiry').on('webauthn_challenges').column('expires_at').execute();
  await db.schema.alterTable('organizations').addColumn('passkey_sign_in', 'integer', (c) => c.notNull().defaultTo(1).check(sql`passkey_sign_in in (0, 1)`)).execute();
  await db.schema.alterTable('organizations').addColumn('allowed_methods', 'text').execute();
  await db.schema.alterTable('organizations').addColumn('require_phishing_resistant', 'integer', (c) => c.notNull().defaultTo(0).check(sql`require_phishing_resistant in (0, 1)`)).execute();
  await db.schema.alterTable('organizations').addColumn('allowed_authenticators', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('organizations').dropColumn('allowed_authenticators').execute();
  await db.schema.alterTable('organizations').dropColumn('require_phishing_resistant').execute();
  await db.schema.alterTable('organizations').dropColumn('allowed_methods').execute();
  await db.schema.alterTable('organizations').dropColumn('passkey_sign_in').execute();
  await db.schema.dropTable('webauthn_challenges').execute();
  await db.schema.dropTable('webauthn_credentials').execute();
}
