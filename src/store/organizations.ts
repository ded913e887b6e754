import type { Kysely } from 'kysely';
import type { Database, Organization } from './schema.js';

export async function insertOrganization(db: Kysely<Database>, organization: Organization): Promise<void> {
  await db.insertInto('organizations').values(organization).execute();
}

export async function findOrganizationById(db: Kysely<Database>, id: string): Promise<Organization | undefined> {
  return db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateOrganization(
  db: Kysely<Database>,
  id: string,
  changes: Partial<Pick<Organization, 'name' | 'brandName' | 'recoveryCodePolicy'>>,
): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  await db.updateTable('organizations').set(changes).where('id', '=', id).execute();
}
