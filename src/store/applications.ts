// O1: applications registered by an organization's administrators. URI lists are JSON arrays in
// text columns (both databases), converted here.
import type { Kysely } from 'kysely';
import type { ApplicationRow, Database } from './schema.js';

export type ApplicationType = 'confidential' | 'public';

export interface Application {
  id: string;
  organizationId: string;
  clientId: string;
  name: string;
  type: ApplicationType;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  backchannelLogoutUri: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface ApplicationWithSecret extends Application {
  secretHash: string | null;
}

function toApplication(row: ApplicationRow): ApplicationWithSecret {
  return {
    id: row.id,
    organizationId: row.organizationId,
    clientId: row.clientId,
    name: row.name,
    type: row.type,
    redirectUris: JSON.parse(row.redirectUris) as string[],
    postLogoutRedirectUris: JSON.parse(row.postLogoutRedirectUris) as string[],
    backchannelLogoutUri: row.backchannelLogoutUri,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    secretHash: row.secretHash,
  };
}

export function withoutSecret(application: ApplicationWithSecret): Application {
  const { secretHash: _secretHash, ...rest } = application;
  return rest;
}

export interface NewApplication {
  id: string;
  organizationId: string;
  clientId: string;
  name: string;
  type: ApplicationType;
  secretHash: string | null;
  redirectUris: readonly string[];
  postLogoutRedirectUris: readonly string[];
  backchannelLogoutUri: string | null;
  createdByUserId: string;
  createdAt: number;
}

export async function insertApplication(db: Kysely<Database>, application: NewApplication): Promise<void> {
  await db
    .insertInto('applications')
    .values({
      ...application,
      redirectUris: JSON.stringify(application.redirectUris),
      postLogoutRedirectUris: JSON.stringify(application.postLogoutRedirectUris),
      updatedAt: application.createdAt,
    })
    .execute();
}

export async function listApplications(db: Kysely<Database>, organizationId: string): Promise<Application[]> {
  const rows = await db.selectFrom('applications').selectAll().where('organizationId', '=', organizationId).orderBy('createdAt', 'asc').orderBy('id', 'asc').execute();
  return rows.map((row) => withoutSecret(toApplication(row)));
}

export async function findApplication(db: Kysely<Database>, organizationId: string, id: string): Promise<Application | undefined> {
  const row = await db.selectFrom('applications').selectAll().where('organizationId', '=', organizationId).where('id', '=', id).executeTakeFirst();
  return row ? withoutSecret(toApplication(row)) : undefined;
}

export async function findApplicationByClientId(db: Kysely<Database>, clientId: string): Promise<ApplicationWithSecret | undefined> {
  const row = await db.selectFrom('applications').selectAll().where('clientId', '=', clientId).executeTakeFirst();
  return row ? toApplication(row) : undefined;
}

/** Every registered origin (O8: where the sign-in page may send people back to). */
export async function isRegisteredRedirectOrigin(db: Kysely<Database>, origin: string): Promise<boolean> {
  // Origins are few and short; the URIs start with the origin followed by '/' or end there.
  const rows = await db.selectFrom('applications').select('redirectUris').where('redirectUris', 'like', `%${origin.replace(/[%_\\]/g, '')}%`).execute();
  return rows.some((row) => (JSON.parse(row.redirectUris) as string[]).some((uri) => URL.canParse(uri) && new URL(uri).origin === origin));
}

export interface ApplicationChanges {
  name?: string;
  redirectUris?: readonly string[];
  postLogoutRedirectUris?: readonly string[];
  backchannelLogoutUri?: string | null;
}

export async function updateApplication(db: Kysely<Database>, organizationId: string, id: string, changes: ApplicationChanges, nowInMs: number): Promise<Application | undefined> {
  const row = await db
    .updateTable('applications')
    .set({
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.redirectUris !== undefined ? { redirectUris: JSON.stringify(changes.redirectUris) } : {}),
      ...(changes.postLogoutRedirectUris !== undefined ? { postLogoutRedirectUris: JSON.stringify(changes.postLogoutRedirectUris) } : {}),
      ...(changes.backchannelLogoutUri !== undefined ? { backchannelLogoutUri: changes.backchannelLogoutUri } : {}),
      updatedAt: nowInMs,
    })
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row ? withoutSecret(toApplication(row)) : undefined;
}

/** A new secret replaces the old one in one statement; only confidential applications have one. */
export async function replaceApplicationSecret(db: Kysely<Database>, organizationId: string, id: string, secretHash: string, nowInMs: number): Promise<Application | undefined> {
  const row = await db
    .updateTable('applications')
    .set({ secretHash, updatedAt: nowInMs })
    .where('organizationId', '=', organizationId)
    .where('id', '=', id)
    .where('type', '=', 'confidential')
    .returningAll()
    .executeTakeFirst();
  return row ? withoutSecret(toApplication(row)) : undefined;
}

export async function deleteApplication(db: Kysely<Database>, organizationId: string, id: string): Promise<Application | undefined> {
  const row = await db.deleteFrom('applications').where('organizationId', '=', organizationId).where('id', '=', id).returningAll().executeTakeFirst();
  return row ? withoutSecret(toApplication(row)) : undefined;
}
