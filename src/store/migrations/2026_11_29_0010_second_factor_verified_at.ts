// A5 (issue 10 item 4): when the session last proved a second factor — its sign-in's second step,
// or a current code given with the password at re-authentication. Replacing an authenticator,
// adding a phone and showing or regenerating recovery codes need it within the last 10 minutes.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('second_factor_verified_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('second_factor_verified_at').execute();
}
