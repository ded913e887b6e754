// Organization policy (P5, P6): sessions limited to setting up a second factor, and the reminder
// e-mails already claimed, one per (member, deadline, kind), so several instances send each once.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  // P5: a password sign-in of a member who must set up a second factor first.
  await db.schema
    .alterTable('sessions')
    .addColumn('setup_only', 'integer', (c) => c.notNull().defaultTo(0).check(sql`setup_only in (0, 1)`))
    .execute();

  // P6: the primary key is the claim; only the instance whose insert succeeds sends the e-mail.
  await db.schema
    .createTable('two_factor_reminders')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('deadline', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('7d', '1d')`))
    .addColumn('sent_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('two_factor_reminders_pkey', ['user_id', 'deadline', 'kind'])
    .execute();

  // The reminder job looks for organizations whose deadline is near.
  await db.schema.createIndex('organizations_two_factor_required_from').on('organizations').columns(['two_factor_required_from']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('organizations_two_factor_required_from').execute();
  await db.schema.dropTable('two_factor_reminders').execute();
  await db.schema.alterTable('sessions').dropColumn('setup_only').execute();
}
