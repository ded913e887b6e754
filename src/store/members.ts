// Administration of members (M2–M4, P4, M6): reads and changes scoped to one organization.
import { sql, type Kysely } from 'kysely';
import type { Role } from '../core/roles.js';
import type { Database } from './schema.js';
import type { UserWithFactors } from './user-directory.js';

/** A member of this organization only; another organization's id is simply not found. */
export async function findMemberInOrganization(db: Kysely<Database>, organizationId: string, userId: string): Promise<UserWithFactors | undefined> {
  const user = await db.selectFrom('users').selectAll().where('id', '=', userId).where('organizationId', '=', organizationId).executeTakeFirst();
  return user ? { ...user, hasTwoFactor: user.twoFactorEnabled === 1 } : undefined;
}

/**
 * Serializes role changes within one organization: a no-op UPDATE takes the organization row's
 * lock on PostgreSQL (READ COMMITTED would otherwise let two admins demote each other at once);
 * SQLite runs one write transaction at a time anyway.
 */
export async function lockOrganizationRow(db: Kysely<Database>, organizationId: string): Promise<void> {
  await db.updateTable('organizations').set((eb) => ({ id: eb.ref('id') })).where('id', '=', organizationId).execute();
}

export async function countAdministrators(db: Kysely<Database>, organizationId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organizationId', '=', organizationId)
    .where('role', '=', 'admin')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateMemberRole(db: Kysely<Database>, userId: string, role: Role): Promise<void> {
  await db.updateTable('users').set({ role }).where('id', '=', userId).execute();
}

export async function updateMemberTwoFactorRequired(db: Kysely<Database>, userId: string, required: boolean): Promise<void> {
  await db.updateTable('users').set({ twoFactorRequired: required ? 1 : 0 }).where('id', '=', userId).execute();
}

export interface AdoptionTotals {
  members: number;
  enabled: number;
  memberRequiredNotSetUp: number;
  /** Members created before each boundary. */
  membersBefore: number[];
  /** Current authenticators confirmed before each boundary. */
  enabledBefore: number[];
}

/** M4: two aggregate queries, whatever the number of members or weeks. */
export async function countAdoption(db: Kysely<Database>, organizationId: string, boundariesInMs: readonly number[]): Promise<AdoptionTotals> {
  const members = await db
    .selectFrom('users')
    .select((eb) => [
      eb.fn.countAll<number>().as('members'),
      eb.fn.countAll<number>().filterWhere('twoFactorEnabled', '=', 1).as('enabled'),
      eb.fn.countAll<number>().filterWhere((w) => w.and([w('twoFactorRequired', '=', 1), w('twoFactorEnabled', '=', 0)])).as('memberRequiredNotSetUp'),
      ...boundariesInMs.map((boundary, i) => sql<number>`count(*) filter (where users.created_at < ${boundary})`.as(`before${i}`)),
    ])
    .where('organizationId', '=', organizationId)
    .executeTakeFirstOrThrow();
  const factors = await db
    .selectFrom('totpCredentials')
    .innerJoin('users', 'users.id', 'totpCredentials.userId')
    .select([sql<number>`count(*)`.as('total'), ...boundariesInMs.map((boundary, i) => sql<number>`count(*) filter (where totp_credentials.confirmed_at < ${boundary})`.as(`before${i}`))])
    .where('users.organizationId', '=', organizationId)
    .executeTakeFirstOrThrow();
  const read = (row: Record<string, unknown>, key: string) => Number(row[key] ?? 0);
  return {
    members: Number(members.members),
    enabled: Number(members.enabled),
    memberRequiredNotSetUp: Number(members.memberRequiredNotSetUp),
    membersBefore: boundariesInMs.map((_b, i) => read(members, `before${i}`)),
    enabledBefore: boundariesInMs.map((_b, i) => read(factors, `before${i}`)),
  };
}

/** E3: the organization's administrators, to tell them its single-sign-on connection was turned off. */
export async function listAdministratorContacts(db: Kysely<Database>, organizationId: string): Promise<Array<{ id: string; email: string; name: string }>> {
  return db.selectFrom('users').select(['id', 'email', 'name']).where('organizationId', '=', organizationId).where('role', '=', 'admin').orderBy('id').execute();
}
