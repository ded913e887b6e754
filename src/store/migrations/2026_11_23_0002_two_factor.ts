// Two-factor authentication: authenticator apps (T), recovery codes (R), sign-in challenges (L).
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  // T1/T4: one pending setup per member, replaced by a new start; the secret sealed like an active one.
  await db.schema
    .createTable('totp_enrollments')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('totp_credentials')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'bigint', (c) => c.notNull())
    .execute();

  // R2: one row per code; sealed for "show", keyed hash for look-up, used_at for single use.
  await db.schema
    .createTable('recovery_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_sealed', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('recovery_codes_user_hash').on('recovery_codes').columns(['user_id', 'code_hash']).unique().execute();

  // L1: a password-verified sign-in waiting for its second step; not a session.
  await db.schema
    .createTable('sign_in_challenges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('sign_in_challenges_user').on('sign_in_challenges').column('user_id').execute();

  // T5: the last accepted time step per member; L3: consecutive wrong codes and the lock;
  // R6 deplete: set when the last recovery code was used, cleared by a new set.
  await db.schema.alterTable('users').addColumn('totp_last_accepted_step', 'bigint').execute();
  await db.schema.alterTable('users').addColumn('second_factor_failures', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('users').addColumn('second_factor_locked_until', 'bigint').execute();
  await db.schema
    .alterTable('users')
    .addColumn('recovery_codes_regeneration_required', 'integer', (c) => c.notNull().defaultTo(0).check(sql`recovery_codes_regeneration_required in (0, 1)`))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['recovery_codes_regeneration_required', 'second_factor_locked_until', 'second_factor_failures', 'totp_last_accepted_step']) {
    await db.schema.alterTable('users').dropColumn(column).execute();
  }
  for (const table of ['sign_in_challenges', 'recovery_codes', 'totp_credentials', 'totp_enrollments']) {
    await db.schema.dropTable(table).execute();
  }
}
