// Issue 10 item 6: the countries an organization's members may receive texts in, as "CH,DE"
// (ISO 3166-1 alpha-2, upper case, sorted); null means every country.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('organizations').addColumn('sms_allowed_countries', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's schema types
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('organizations').dropColumn('sms_allowed_countries').execute();
}
