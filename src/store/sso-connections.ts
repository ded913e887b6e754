// E1: organizations' single-sign-on connections and the e-mail domains they claim.
import type { Insertable, Kysely } from 'kysely';
import type { Database, SsoConnection, SsoConnectionTable } from './schema.js';

export async function findSsoConnectionOfOrganization(db: Kysely<Database>, organizationId: string): Promise<SsoConnection | undefined> {
  return db.selectFrom('ssoConnections').selectAll().where('organizationId', '=', organizationId).executeTakeFirst();
}

export async function findSsoConnectionById(db: Kysely<Database>, id: string): Promise<SsoConnection | undefined> {
  return db.selectFrom('ssoConnections').selectAll().where('id', '=', id).executeTakeFirst();
}

/** E1/E2: the connection claiming this e-mail domain, enabled or not. */
export async function findSsoConnectionByDomain(db: Kysely<Database>, domain: string): Promise<SsoConnection | undefined> {
  return db.selectFrom('ssoDomains as d').innerJoin('ssoConnections as c', 'c.id', 'd.connectionId').selectAll('c').where('d.domain', '=', domain).executeTakeFirst();
}

export async function listClaimedDomains(db: Kysely<Database>, connectionId: string): Promise<string[]> {
  const rows = await db.selectFrom('ssoDomains').select('domain').where('connectionId', '=', connectionId).orderBy('domain').execute();
  return rows.map((row) => row.domain);
}

export async function insertSsoConnection(db: Kysely<Database>, connection: Insertable<SsoConnectionTable>): Promise<void> {
  await db.insertInto('ssoConnections').values(connection).execute();
}

export type SsoConnectionChanges = Pick<SsoConnectionTable, 'issuer' | 'clientId' | 'enabled' | 'mfaRule' | 'createMembers' | 'passwordForRoutedMembers' | 'updatedAt'> & { clientSecretSealed?: string };

export async function updateSsoConnection(db: Kysely<Database>, id: string, changes: SsoConnectionChanges): Promise<void> {
  // An administrator's save decides the state: Tessera's reason for turning it off no longer applies.
  await db.updateTable('ssoConnections').set({ ...changes, disabledReason: null }).where('id', '=', id).execute();
}

/** E1: replaces the claimed domains; a domain another organization holds fails the primary key (409). */
export async function replaceClaimedDomains(db: Kysely<Database>, connectionId: string, domains: readonly string[]): Promise<void> {
  await db.deleteFrom('ssoDomains').where('connectionId', '=', connectionId).execute();
  if (domains.length > 0) await db.insertInto('ssoDomains').values(domains.map((domain) => ({ domain, connectionId }))).execute();
}

export async function deleteSsoConnection(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('ssoConnections').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * E3/P2: turns off the organization's enabled connection that follows the seed's rule, in one
 * conditional statement; true when it was on (so its administrators are told once).
 */
export async function disableConnectionForRequirement(db: Kysely<Database>, organizationId: string, nowInMs: number): Promise<string | undefined> {
  const row = await db
    .updateTable('ssoConnections')
    .set({ enabled: 0, disabledReason: 'two_factor_required', updatedAt: nowInMs })
    .where('organizationId', '=', organizationId)
    .where('enabled', '=', 1)
    .where('mfaRule', '=', 'disable_with_requirement')
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}
