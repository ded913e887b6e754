// K1: API keys of an organization — created and revoked by administrators (sensitive, P5), each
// with grants (least privilege) and an optional allow-list of source addresses. The key is shown
// once; only its SHA-256 is stored (a plain hash suffices: the key is 256 random bits).
import { findIncompleteGrant, type ApiGrant } from '../core/api-grants.js';
import { isAddressAllowed, parseCidr } from '../core/cidr.js';
import type { FieldError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { hashToken } from '../security/tokens.js';
import type { Kysely } from 'kysely';
import { findActiveApiKeyByHash, insertApiKey, listActiveApiKeys, recordApiKeyUse, revokeApiKeyRow, revokeApiKeysCreatedBy, type ApiKeyWithCreator } from '../store/api-keys.js';
import type { Database } from '../store/schema.js';
import { memberActor, recordAudit, type AuditEntry } from './audit.js';
import { fail, nowInMs, type AppContext, type Failure, type Outcome, type RequestOrigin } from './context.js';
import type { Authenticated } from './sessions.js';

export const apiKeyPrefix = 'tsk_';
const keyBytes = 32;
const displayPrefixLength = 8;
/** Last use is written at most this often per key, so reads with a key stay cheap. */
const lastUseIntervalInMs = 60 * 1000;
const keyShape = /^tsk_[A-Za-z0-9_-]{43}$/;

export interface NewApiKeyInput {
  name: string;
  grants: readonly ApiGrant[];
  allowedIps: readonly string[];
}

/** Meaning the route schema cannot check: every allowed address must be a CIDR block. */
function checkAllowedIps(allowedIps: readonly string[]): FieldError[] {
  return allowedIps.flatMap((entry, i) => (parseCidr(entry) ? [] : [{ field: `allowedIps.${i}`, message: `“${entry}” is not an IPv4 or IPv6 address or CIDR block (such as 203.0.113.0/24).` }]));
}

/**
 * A1, issue 10 item 5: until the address is verified, an account may be someone else's address
 * claimed first (pre-account hijacking); it gets no credential that would outlive the owner's
 * password reset. Used for API keys and invitations.
 */
export function refuseUnverifiedEmail(auth: Authenticated, what: string): Failure | undefined {
  if (auth.user.emailVerifiedAt !== null) return undefined;
  return fail('email_not_verified', { detail: `Verify your e-mail address before you ${what}. The link is in your inbox.` });
}

/**
 * Issue 10 item 3: what a request asks may need more than its route's grant (a role change, an
 * administrator invitation: `users:roles`). Sessions are not concerned; their role was checked.
 */
export function refuseWithoutGrant(auth: Authenticated, grant: ApiGrant, what: string): Failure | undefined {
  if (!auth.apiKey || auth.apiKey.grants.includes(grant)) return undefined;
  return fail('forbidden', { detail: `This API key does not grant ${what} (it needs the grant ${grant}).` });
}

export async function createApiKey(context: AppContext, admin: Authenticated, input: NewApiKeyInput, origin: RequestOrigin): Promise<Outcome<{ id: string; key: string }>> {
  const unverified = refuseUnverifiedEmail(admin, 'create API keys');
  if (unverified) return unverified;
  const name = input.name.trim();
  if (name === '') return fail('validation_failed', { fieldErrors: [{ field: 'name', message: 'Enter a name.' }] });
  const allowedIps = input.allowedIps.map((entry) => entry.trim());
  const errors = checkAllowedIps(allowedIps);
  if (errors.length > 0) return fail('validation_failed', { fieldErrors: errors });
  const grants = [...new Set(input.grants)];
  const incomplete = findIncompleteGrant(grants);
  if (incomplete) return fail('validation_failed', { fieldErrors: [{ field: 'grants', message: `The grant ${incomplete.grant} works only together with ${incomplete.requires}: choose both.` }] });
  const now = nowInMs(context);
  const key = apiKeyPrefix + Buffer.from(context.random.bytes(keyBytes)).toString('base64url');
  const id = newId(now, context.random);
  const keyPrefix = key.slice(0, displayPrefixLength);
  await context.db.transaction().execute(async (trx) => {
    await insertApiKey(trx, { id, organizationId: admin.organization.id, name, keyHash: hashToken(key), keyPrefix, grants, allowedIps, createdByUserId: admin.user.id, createdAt: now });
    await recordAudit(trx, context, { organizationId: admin.organization.id, type: 'api_key.created', actor: memberActor(admin.user.id), targetUserId: null, origin, details: { apiKeyId: id, name, keyPrefix, grants, allowedIps } });
  });
  return { ok: true, id, key };
}

export async function listApiKeys(context: AppContext, admin: Authenticated): Promise<ApiKeyWithCreator[]> {
  return listActiveApiKeys(context.db, admin.organization.id);
}

/** Revoked keys stop at once: every request looks its key up. Another organization's key is not found. */
export async function revokeApiKey(context: AppContext, admin: Authenticated, keyId: string, origin: RequestOrigin): Promise<Outcome> {
  const revoked = await context.db.transaction().execute(async (trx) => {
    const key = await revokeApiKeyRow(trx, admin.organization.id, keyId, nowInMs(context));
    if (key) await recordAudit(trx, context, { organizationId: admin.organization.id, type: 'api_key.revoked', actor: memberActor(admin.user.id), targetUserId: null, origin, details: { apiKeyId: key.id, name: key.name, keyPrefix: key.keyPrefix } });
    return key !== undefined;
  });
  return revoked ? { ok: true } : fail('not_found');
}

export type ApiKeyRevocationReason = 'creator_demoted' | 'creator_password_reset';

/**
 * Issue 10 item 2: a key acts with its creator's rights, so when those shrink (demotion, a
 * password reset by whoever holds the mailbox) every key the member created is revoked, each
 * audited, inside the caller's transaction (`trx`), beside the change itself.
 */
export async function revokeApiKeysOfCreator(
  trx: Kysely<Database>,
  context: AppContext,
  change: { organizationId: string; creatorId: string; reason: ApiKeyRevocationReason; actor: AuditEntry['actor']; origin: RequestOrigin | null },
): Promise<number> {
  const revoked = await revokeApiKeysCreatedBy(trx, change.creatorId, nowInMs(context));
  for (const key of revoked) {
    await recordAudit(trx, context, {
      organizationId: change.organizationId,
      type: 'api_key.revoked',
      actor: change.actor,
      targetUserId: change.creatorId,
      origin: change.origin,
      details: { apiKeyId: key.id, name: key.name, keyPrefix: key.keyPrefix, reason: change.reason },
    });
  }
  return revoked.length;
}

/**
 * A request's `Authorization: Bearer` key: unknown or revoked → unauthenticated; a source address
 * outside the key's allow-list → forbidden; a creator whose address is not verified →
 * email_not_verified. The principal acts for the key's organization with its creator's current
 * role (audited as an 'api_key' actor: the creator, and the key in the details) and no session.
 */
export async function authenticateApiKey(context: AppContext, key: string, ip: string | null): Promise<Outcome<{ auth: Authenticated & { apiKey: NonNullable<Authenticated['apiKey']> } }>> {
  if (!keyShape.test(key)) return fail('unauthenticated', { detail: 'This API key is not valid.' });
  const found = await findActiveApiKeyByHash(context.db, hashToken(key));
  if (!found) return fail('unauthenticated', { detail: 'This API key is not valid.' });
  // The key acts with its creator's current rights (Security floor): the creator must still be a
  // member of the key's organization; the route's role is checked by the guard on every use.
  if (found.creator.organizationId !== found.key.organizationId) return fail('unauthenticated', { detail: 'This API key is not valid.' });
  if (!isAddressAllowed(ip, found.key.allowedIps)) return fail('forbidden', { detail: 'This API key may not be used from this address.' });
  if (found.creator.emailVerifiedAt === null) return fail('email_not_verified', { detail: 'The e-mail address of this API key’s creator is not verified.' });
  const now = nowInMs(context);
  return {
    ok: true,
    auth: {
      session: { id: found.key.id, tokenHash: '', userId: found.creator.id, createdAt: now, lastSeenAt: now, reauthenticatedAt: null, ip, userAgent: null, setupOnly: 0, secondFactorVerifiedAt: null },
      user: found.creator,
      organization: found.organization,
      hasTwoFactor: found.creator.twoFactorEnabled === 1,
      apiKey: { id: found.key.id, name: found.key.name, grants: found.key.grants },
    },
  };
}

/** K1: last use (time and address), written at most once a minute per key. */
export async function noteApiKeyUse(context: AppContext, keyId: string, ip: string | null): Promise<void> {
  const now = nowInMs(context);
  await recordApiKeyUse(context.db, keyId, now, ip, now - lastUseIntervalInMs);
}
