// Every security-relevant change writes its event inside the same transaction as the change.
import type { Kysely } from 'kysely';
import { newIdAfter } from '../core/ids.js';
import { insertAuditEvent } from '../store/audit-events.js';
import type { ActorType, Database } from '../store/schema.js';
import type { AppContext, RequestOrigin } from './context.js';
import type { Authenticated } from './sessions.js';

export const auditEventTypes = [
  'organization.created',
  'organization.updated',
  'organization.two_factor_required',
  'organization.two_factor_optional',
  'user.signed_up',
  'user.email_verified',
  'user.signed_in',
  'user.sign_in_failed',
  'user.signed_out',
  'user.reauthenticated',
  'user.password_reset_requested',
  'user.password_reset',
  'user.password_changed',
  'user.profile_updated',
  'session.revoked',
  'invitation.created',
  'invitation.revoked',
  'invitation.accepted',
  'two_factor.enabled',
  'two_factor.authenticator_replaced',
  'two_factor.disabled',
  'two_factor.recovery_codes_regenerated',
  'two_factor.recovery_code_used',
  'two_factor.code_rejected',
  'two_factor.locked',
  // S1–S4: text-message codes.
  'two_factor.sms_code_sent',
  'two_factor.sms_enabled',
  'two_factor.sms_removed',
  // M2–M6, P4: administration by an administrator or an operator (the `tessera` command).
  'two_factor.reset',
  'user.role_changed',
  'user.two_factor_requirement_changed',
  'user.created',
  'organization.members_listed',
  // K1: API keys of the organization.
  'api_key.created',
  'api_key.revoked',
  // Issue 10: abuse. A daily cap of texts reached (item 6); an invitation of this member's address
  // by another organization, answered there like any invitation and told here (item 5).
  'two_factor.sms_limit_reached',
  'invitation.existing_account_notified',
  // G1, B2: known and remembered browsers.
  'browser.remembered',
  'browser.forgotten',
  'browser.remembered_forgotten',
  // O1–O7: applications that sign in through Tessera.
  'application.created',
  'application.updated',
  'application.secret_replaced',
  'application.deleted',
  'application.signed_in',
  // E1–E5: single sign-on. A connection saved, tested, removed, or turned off by the requirement (E3).
  'sso.connection_saved',
  'sso.connection_tested',
  'sso.connection_deleted',
  'sso.connection_disabled',
  'sso.sign_in_failed',
  'sso.member_created',
  // W1–W5: security keys and passkeys.
  'two_factor.webauthn_added',
  'two_factor.webauthn_renamed',
  'two_factor.webauthn_removed',
  'two_factor.webauthn_clone_suspected',
  // W5: a key refused by the organization's list of authenticator models (reason, model, kind).
  'two_factor.webauthn_refused',
  'organization.webauthn_policy_changed',
] as const;

export type AuditEventType = (typeof auditEventTypes)[number];

export interface AuditEntry {
  organizationId: string | null;
  type: AuditEventType;
  /** `apiKey`: the change was made with this API key (K1); its id and name land in the event's details. */
  actor: { type: ActorType; userId: string | null; apiKey?: { id: string; name: string } };
  targetUserId: string | null;
  origin: RequestOrigin | null;
  details?: Record<string, unknown>;
}

/** The last audit id of each running app: events of one millisecond list in the order they happened. */
const lastAuditIds = new WeakMap<AppContext, string>();

export async function recordAudit(db: Kysely<Database>, context: AppContext, entry: AuditEntry): Promise<void> {
  const createdAt = context.clock.now().getTime();
  const id = newIdAfter(lastAuditIds.get(context), createdAt, context.random);
  lastAuditIds.set(context, id);
  await insertAuditEvent(db, {
    id,
    organizationId: entry.organizationId,
    actorType: entry.actor.type,
    actorUserId: entry.actor.userId,
    type: entry.type,
    targetUserId: entry.targetUserId,
    ip: entry.origin?.ip ?? null,
    createdAt,
    details: entry.actor.apiKey === undefined ? (entry.details ?? {}) : { ...entry.details, apiKeyId: entry.actor.apiKey.id, apiKeyName: entry.actor.apiKey.name },
  });
  context.metrics?.observeAuditEvent(entry.type, entry.details);
}

export function memberActor(userId: string): AuditEntry['actor'] {
  return { type: 'member', userId };
}

/**
 * Who acts in a request: the member, or an API key (K1) — actor type 'api_key' with the key's
 * creator as the acting user (the key acts with the creator's current rights) and the key's id
 * and name in the details.
 */
export function actorOf(auth: Authenticated): AuditEntry['actor'] {
  return auth.apiKey ? { type: 'api_key', userId: auth.user.id, apiKey: { id: auth.apiKey.id, name: auth.apiKey.name } } : memberActor(auth.user.id);
}

/** M6: someone with shell access to the server, acting through the `tessera` command. */
export const operatorActor: AuditEntry['actor'] = { type: 'operator', userId: null };
