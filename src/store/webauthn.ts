// W1–W3: WebAuthn credentials and ceremony challenges. Every single-use step is one statement.
import type { Kysely } from 'kysely';
import type { Database, WebAuthnChallengePurpose, WebAuthnCredential, WebAuthnKind } from './schema.js';
import { refreshTwoFactorEnabled } from './totp.js';

export interface NewWebAuthnCredential {
  id: string;
  userId: string;
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  aaguid: string;
  kind: WebAuthnKind;
  backupEligible: boolean;
  backedUp: boolean;
  userVerified: boolean;
  name: string;
  createdAt: number;
}

export async function insertWebAuthnChallenge(db: Kysely<Database>, row: { id: string; challenge: string; purpose: WebAuthnChallengePurpose; userId: string | null; createdAt: number; expiresAt: number }): Promise<void> {
  await db.insertInto('webauthnChallenges').values(row).execute();
}

/**
 * Takes a ceremony's challenge once: a DELETE … RETURNING that only one request can win, and only
 * for its purpose, member (null: a sign-in without a password, W3) and before it expires.
 */
export async function takeWebAuthnChallenge(
  db: Kysely<Database>,
  challenge: string,
  purposes: readonly WebAuthnChallengePurpose[],
  userId: string | null,
  nowInMs: number,
): Promise<WebAuthnChallengePurpose | undefined> {
  let query = db.deleteFrom('webauthnChallenges').where('challenge', '=', challenge).where('purpose', 'in', purposes).where('expiresAt', '>', nowInMs);
  query = userId === null ? query.where('userId', 'is', null) : query.where('userId', '=', userId);
  const row = await query.returning('purpose').executeTakeFirst();
  return row?.purpose;
}

/** Housekeeping: deletes at most `batchSize` expired challenges (already refused by takeWebAuthnChallenge). */
export async function deleteExpiredWebAuthnChallenges(db: Kysely<Database>, expiresAtOrBefore: number, batchSize: number): Promise<number> {
  const result = await db
    .deleteFrom('webauthnChallenges')
    .where('id', 'in', (eb) => eb.selectFrom('webauthnChallenges as c').select('c.id').where('c.expiresAt', '<=', expiresAtOrBefore).limit(batchSize))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function insertWebAuthnCredential(db: Kysely<Database>, credential: NewWebAuthnCredential): Promise<void> {
  await db
    .insertInto('webauthnCredentials')
    .values({
      ...credential,
      transports: JSON.stringify(credential.transports),
      backupEligible: credential.backupEligible ? 1 : 0,
      backedUp: credential.backedUp ? 1 : 0,
      userVerified: credential.userVerified ? 1 : 0,
      lastUsedAt: null,
    })
    .execute();
  await refreshTwoFactorEnabled(db, credential.userId);
}

export async function listWebAuthnCredentials(db: Kysely<Database>, userId: string): Promise<WebAuthnCredential[]> {
  const rows = await db.selectFrom('webauthnCredentials').selectAll().where('userId', '=', userId).orderBy('createdAt').orderBy('id').execute();
  return rows.map(numeric);
}

export async function countWebAuthnCredentials(db: Kysely<Database>, userId: string): Promise<number> {
  const row = await db.selectFrom('webauthnCredentials').select((eb) => eb.fn.countAll<string | number>().as('count')).where('userId', '=', userId).executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function hasWebAuthnCredential(db: Kysely<Database>, userId: string): Promise<boolean> {
  const row = await db.selectFrom('webauthnCredentials').select('id').where('userId', '=', userId).limit(1).executeTakeFirst();
  return row !== undefined;
}

export async function findWebAuthnCredentialOfUser(db: Kysely<Database>, userId: string, id: string): Promise<WebAuthnCredential | undefined> {
  const row = await db.selectFrom('webauthnCredentials').selectAll().where('userId', '=', userId).where('id', '=', id).executeTakeFirst();
  return row && numeric(row);
}

/** W2 W3: the credential an assertion names (its base64url id). */
export async function findWebAuthnCredentialByCredentialId(db: Kysely<Database>, credentialId: string): Promise<WebAuthnCredential | undefined> {
  const row = await db.selectFrom('webauthnCredentials').selectAll().where('credentialId', '=', credentialId).executeTakeFirst();
  return row && numeric(row);
}

/**
 * W2: records a use only if the signature counter grew (or both are 0: no counter), in one
 * conditional UPDATE, so of two assertions with the same counter only one is accepted.
 */
export async function recordWebAuthnUse(db: Kysely<Database>, id: string, receivedCounter: number, backedUp: boolean, nowInMs: number): Promise<boolean> {
  const result = await db
    .updateTable('webauthnCredentials')
    .set({ counter: receivedCounter, backedUp: backedUp ? 1 : 0, lastUsedAt: nowInMs })
    .where('id', '=', id)
    .where((eb) => (receivedCounter === 0 ? eb('counter', '=', 0) : eb('counter', '<', receivedCounter)))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function renameWebAuthnCredential(db: Kysely<Database>, userId: string, id: string, name: string): Promise<boolean> {
  const result = await db.updateTable('webauthnCredentials').set({ name }).where('userId', '=', userId).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteWebAuthnCredential(db: Kysely<Database>, userId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('webauthnCredentials').where('userId', '=', userId).where('id', '=', id).executeTakeFirst();
  await refreshTwoFactorEnabled(db, userId);
  return Number(result.numDeletedRows) > 0;
}

/** D1 / M3: every credential of a member; reports how many. */
export async function deleteWebAuthnCredentials(db: Kysely<Database>, userId: string): Promise<number> {
  const result = await db.deleteFrom('webauthnCredentials').where('userId', '=', userId).executeTakeFirst();
  await refreshTwoFactorEnabled(db, userId);
  return Number(result.numDeletedRows);
}

function numeric(row: WebAuthnCredential): WebAuthnCredential {
  return { ...row, counter: Number(row.counter), createdAt: Number(row.createdAt), lastUsedAt: row.lastUsedAt === null ? null : Number(row.lastUsedAt) };
}

/** W5: members without a security key or passkey (the confirmation of "require phishing-resistant sign-in" lists them). */
export async function listMembersWithoutWebAuthn(db: Kysely<Database>, organizationId: string, limit: number): Promise<{ users: Array<{ id: string; email: string; name: string }>; total: number }> {
  const withoutKey = db
    .selectFrom('users')
    .where('users.organizationId', '=', organizationId)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('webauthnCredentials').select('webauthnCredentials.id').whereRef('webauthnCredentials.userId', '=', 'users.id'))));
  const [users, total] = await Promise.all([
    withoutKey.select(['users.id', 'users.email', 'users.name']).orderBy('users.nameNormalized').orderBy('users.id').limit(limit).execute(),
    withoutKey.select((eb) => eb.fn.countAll<number | string>().as('count')).executeTakeFirstOrThrow(),
  ]);
  return { users, total: Number(total.count) };
}
