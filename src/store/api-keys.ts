// K1: API keys. Grants and allowed addresses are JSON arrays in text columns (both databases);
// they are converted here, so the rest of the code sees arrays.
import type { Kysely } from 'kysely';
import type { ApiGrant } from '../core/api-grants.js';
import type { ApiKeyRow, Database, Organization, User } from './schema.js';

export interface ApiKey {
  id: string;
  organizationId: string;
  name: string;
  keyPrefix: string;
  grants: ApiGrant[];
  allowedIps: string[];
  createdByUserId: string;
  createdAt: number;
  lastUsedAt: number | null;
  lastUsedIp: string | null;
  revokedAt: number | null;
}

export interface ApiKeyWithCreator extends ApiKey {
  createdBy: { id: string; name: string };
}

export interface NewApiKey {
  id: string;
  organizationId: string;
  name: string;
  keyHash: string;
  keyPrefix: string;
  grants: readonly ApiGrant[];
  allowedIps: readonly string[];
  createdByUserId: string;
  createdAt: number;
}

function toApiKey(row: Omit<ApiKeyRow, 'keyHash'>): ApiKey {
  return {
    id: row.id,
    organizationId: row.organizationId,
    name: row.name,
    keyPrefix: row.keyPrefix,
    grants: JSON.parse(row.grants) as ApiGrant[],
    allowedIps: JSON.parse(row.allowedIps) as string[],
    createdByUserId: row.createdByUserId,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    lastUsedIp: row.lastUsedIp,
    revokedAt: row.revokedAt,
  };
}

export async function insertApiKey(db: Kysely<Database>, key: NewApiKey): Promise<void> {
  await db
    .insertInto('apiKeys')
    .values({ ...key, grants: JSON.stringify(key.grants), allowedIps: JSON.stringify(key.allowedIps), lastUsedAt: null, lastUsedIp: null, revokedAt: null })
    .execute();
}

const keyColumns = ['apiKeys.id', 'apiKeys.organizationId', 'apiKeys.name', 'apiKeys.keyPrefix', 'apiKeys.grants', 'apiKeys.allowedIps', 'apiKeys.createdByUserId', 'apiKeys.createdAt', 'apiKeys.lastUsedAt', 'apiKeys.lastUsedIp', 'apiKeys.revokedAt'] as const;

/** The organization's keys not revoked, oldest first, with who created each. */
export async function listActiveApiKeys(db: Kysely<Database>, organizationId: string): Promise<ApiKeyWithCreator[]> {
  const rows = await db
    .selectFrom('apiKeys')
    .innerJoin('users', 'users.id', 'apiKeys.createdByUserId')
    .select([...keyColumns, 'users.name as creatorName'])
    .where('apiKeys.organizationId', '=', organizationId)
    .where('apiKeys.revokedAt', 'is', null)
    .orderBy('apiKeys.id')
    .execute();
  return rows.map((row) => ({ ...toApiKey(row), createdBy: { id: row.createdByUserId, name: row.creatorName } }));
}

/** Revokes a key of this organization; undefined when there is no such key, or it is revoked already. */
export async function revokeApiKeyRow(db: Kysely<Database>, organizationId: string, keyId: string, nowInMs: number): Promise<ApiKey | undefined> {
  const result = await db.updateTable('apiKeys').set({ revokedAt: nowInMs }).where('id', '=', keyId).where('organizationId', '=', organizationId).where('revokedAt', 'is', null).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return undefined;
  const row = await db.selectFrom('apiKeys').select(keyColumns).where('id', '=', keyId).executeTakeFirst();
  return row ? toApiKey(row) : undefined;
}

/**
 * Revokes every key a member created that is not revoked yet (their rights changed: issue 10
 * item 2); one conditional UPDATE, so a key is revoked, and reported, once.
 */
export async function revokeApiKeysCreatedBy(db: Kysely<Database>, userId: string, nowInMs: number): Promise<ApiKey[]> {
  const rows = await db.updateTable('apiKeys').set({ revokedAt: nowInMs }).where('createdByUserId', '=', userId).where('revokedAt', 'is', null).returning(['id', 'organizationId', 'name', 'keyPrefix', 'grants', 'allowedIps', 'createdByUserId', 'createdAt', 'lastUsedAt', 'lastUsedIp', 'revokedAt']).execute();
  return rows.map(toApiKey).sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Whether a key is still in force (read inside a transaction that must not act for a revoked key). */
export async function isApiKeyActive(db: Kysely<Database>, keyId: string): Promise<boolean> {
  return (await db.selectFrom('apiKeys').select('id').where('id', '=', keyId).where('revokedAt', 'is', null).executeTakeFirst()) !== undefined;
}

export interface ApiKeyRecord {
  key: ApiKey;
  creator: User;
  organization: Organization;
}

/** A key that is not revoked, by the SHA-256 of its secret, with its creator and organization. */
export async function findActiveApiKeyByHash(db: Kysely<Database>, keyHash: string): Promise<ApiKeyRecord | undefined> {
  const key = await db.selectFrom('apiKeys').select(keyColumns).where('keyHash', '=', keyHash).where('revokedAt', 'is', null).executeTakeFirst();
  if (!key) return undefined;
  const [creator, organization] = await Promise.all([
    db.selectFrom('users').selectAll().where('id', '=', key.createdByUserId).executeTakeFirst(),
    db.selectFrom('organizations').selectAll().where('id', '=', key.organizationId).executeTakeFirst(),
  ]);
  if (!creator || !organization) return undefined;
  return { key: toApiKey(key), creator, organization };
}

/** Records a use; conditional, so concurrent requests write it once per interval. */
export async function recordApiKeyUse(db: Kysely<Database>, keyId: string, nowInMs: number, ip: string | null, notBeforeInMs: number): Promise<void> {
  await db
    .updateTable('apiKeys')
    .set({ lastUsedAt: nowInMs, lastUsedIp: ip })
    .where('id', '=', keyId)
    .where((eb) => eb.or([eb('lastUsedAt', 'is', null), eb('lastUsedAt', '<=', notBeforeInMs)]))
    .execute();
}
