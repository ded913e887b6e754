// Text-message codes (S1–S4): a member's confirmed number, a number waiting for its code, the
// codes themselves, and the organization's settings. Numbers are personal data: sealed, with a
// keyed hash to count texts per number; codes are stored only as a keyed hash.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  // S4: allowed by default; S2: 6 digits by default, 7 on request.
  await db.schema
    .alterTable('organizations')
    .addColumn('sms_allowed', 'integer', (c) => c.notNull().defaultTo(1).check(sql`sms_allowed in (0, 1)`))
    .execute();
  await db.schema
    .alterTable('organizations')
    .addColumn('sms_code_length', 'integer', (c) => c.notNull().defaultTo(6).check(sql`sms_code_length in (6, 7)`))
    .execute();

  // S1: one active number per member.
  await db.schema
    .createTable('sms_numbers')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('phone_sealed', 'text', (c) => c.notNull())
    .addColumn('phone_hash', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  // S1: one number waiting for its code per member; starting again replaces it.
  await db.schema
    .createTable('sms_enrollments')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('phone_sealed', 'text', (c) => c.notNull())
    .addColumn('phone_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  // S2: texted codes, used once with a conditional UPDATE on used_at.
  await db.schema
    .createTable('sms_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('enrol', 'sign_in')`))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('sms_codes_user_purpose').on('sms_codes').columns(['user_id', 'purpose', 'id']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sms_codes').execute();
  await db.schema.dropTable('sms_enrollments').execute();
  await db.schema.dropTable('sms_numbers').execute();
  await db.schema.alterTable('organizations').dropColumn('sms_code_length').execute();
  await db.schema.alterTable('organizations').dropColumn('sms_allowed').execute();
}
