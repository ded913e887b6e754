import type { Insertable, Kysely } from 'kysely';
import type { Database, Organization, OrganizationTable } from './schema.js';

export async function insertOrganization(db: Kysely<Database>, organization: Insertable<OrganizationTable>): Promise<void> {
  await db.insertInto('organizations').values(organization).execute();
}

export async function findOrganizationById(db: Kysely<Database>, id: string): Promise<Organization | undefined> {
  return db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateOrganization(
  db: Kysely<Database>,
  id: string,
  changes: Partial<Pick<Organization, 'name' | 'brandName' | 'recoveryCodePolicy' | 'smsAllowed' | 'smsCodeLength' | 'smsAllowedCountries' | 'rememberBrowserDays' | 'passkeySignIn' | 'allowedMethods' | 'requirePhishingResistant' | 'allowedAuthenticators'>>,
): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  await db.updateTable('organizations').set(changes).where('id', '=', id).execute();
}

/**
 * P1: turns the requirement on only if it is off, so of two administrators turning it on at the
 * same moment exactly one announces it. Returns whether this call turned it on.
 */
export async function turnTwoFactorRequirementOn(db: Kysely<Database>, id: string, requiredFrom: number | null): Promise<boolean> {
  const result = await db.updateTable('organizations').set({ twoFactorRequirement: 'required', twoFactorRequiredFrom: requiredFrom }).where('id', '=', id).where('twoFactorRequirement', '=', 'optional').executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** P3: turning it off touches only the organization's row, never a member's own settings. Returns whether it was on. */
export async function turnTwoFactorRequirementOff(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.updateTable('organizations').set({ twoFactorRequirement: 'optional', twoFactorRequiredFrom: null }).where('id', '=', id).where('twoFactorRequirement', '=', 'required').executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** P6: a new deadline while the requirement stays on. Returns whether it was on. */
export async function setTwoFactorDeadline(db: Kysely<Database>, id: string, requiredFrom: number | null): Promise<boolean> {
  const result = await db.updateTable('organizations').set({ twoFactorRequiredFrom: requiredFrom }).where('id', '=', id).where('twoFactorRequirement', '=', 'required').executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** P6: organizations whose grace period ends within (after, until]; the reminder job's work list. */
export async function findOrganizationsWithDeadlineBetween(db: Kysely<Database>, afterInMs: number, untilInMs: number): Promise<Organization[]> {
  return db
    .selectFrom('organizations')
    .selectAll()
    .where('twoFactorRequirement', '=', 'required')
    .where('twoFactorRequiredFrom', '>', afterInMs)
    .where('twoFactorRequiredFrom', '<=', untilInMs)
    .orderBy('id')
    .execute();
}

/**
 * E3: holds the organization's row for the rest of the transaction (a row lock on PostgreSQL),
 * but only while its requirement is off; false when it is on.
 */
export async function lockOrganizationWhileOptional(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.updateTable('organizations').set((eb) => ({ id: eb.ref('id') })).where('id', '=', id).where('twoFactorRequirement', '=', 'optional').executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
