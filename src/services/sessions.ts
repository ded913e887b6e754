// A3: opaque session tokens, stored as SHA-256 only, with idle and absolute expiry.
import type { Kysely } from 'kysely';
import type { ApiGrant } from '../core/api-grants.js';
import { newId } from '../core/ids.js';
import { twoFactorSetupRequirement } from '../core/policy.js';
import { computeRequiredActions, type RequiredAction } from '../core/required-actions.js';
import { checkSessionValidity, shouldRefreshLastSeen } from '../core/session-policy.js';
import { decodeAllowedMethods, hasCountedFactor, isMethodCounted, type FactorMethod } from '../core/webauthn.js';
import { hashToken, newOpaqueToken } from '../security/tokens.js';
import { deleteSession, deleteSessionOfUser, deleteSetupOnlySessionsOfUser, insertSession, touchSession } from '../store/sessions.js';
import type { Database, Organization, SignInMethod, User } from '../store/schema.js';
import type { SessionRecord } from '../store/session-lookup.js';
import type { AppContext, RequestOrigin } from './context.js';

export interface StartedSession {
  sessionId: string;
  token: string;
}

/**
 * Issues a fresh session (a new token after every completed sign-in step). `setupOnly`: P5, the
 * session may only set up a second factor until that is done. `secondFactorVerified`: the sign-in's
 * second step was just completed (A5: counts as a recent second factor).
 */
export async function startSession(
  db: Kysely<Database>,
  context: AppContext,
  userId: string,
  origin: RequestOrigin,
  options: { setupOnly?: boolean; reauthenticatedAt?: number | null; secondFactorVerified?: boolean; secondFactor?: SignInMethod } = {},
): Promise<StartedSession> {
  const now = context.clock.now().getTime();
  const token = newOpaqueToken();
  const sessionId = newId(now, context.random);
  await insertSession(db, {
    id: sessionId,
    tokenHash: hashToken(token),
    userId,
    createdAt: now,
    lastSeenAt: now,
    // Signing in with the password confirms it (A5).
    reauthenticatedAt: options.reauthenticatedAt === undefined ? now : options.reauthenticatedAt,
    ip: origin.ip,
    userAgent: origin.userAgent?.slice(0, 512) ?? null,
    setupOnly: options.setupOnly ? 1 : 0,
    secondFactorVerifiedAt: options.secondFactorVerified ? now : null,
    // O4: how the sign-in was completed (amr, acr).
    secondFactor: options.secondFactor ?? null,
  });
  return { sessionId, token };
}

/**
 * P5 A3: completing the setup of a first factor. A setup-only session does not turn into a
 * complete one: it ends, and a complete session with a new token takes its place (returned, for
 * the cookie), keeping when the password was last confirmed (A5). The member's other setup-only
 * sessions were opened with the password alone: they end. Run in the setup's transaction.
 * Undefined when the current session was already complete (or has just ended meanwhile).
 */
export async function completeSetupSessions(trx: Kysely<Database>, context: AppContext, auth: Authenticated, origin: RequestOrigin): Promise<StartedSession | undefined> {
  await deleteSetupOnlySessionsOfUser(trx, auth.user.id, auth.session.id);
  if (auth.session.setupOnly !== 1 || !(await deleteSessionOfUser(trx, auth.user.id, auth.session.id))) return undefined;
  // The setup was just confirmed with a code of the new factor: a second factor proved now (A5).
  return startSession(trx, context, auth.user.id, origin, { reauthenticatedAt: auth.session.reauthenticatedAt, secondFactorVerified: true });
}

/** K1: the API key a request was made with; the key acts for the organization. */
export interface ApiKeyPrincipal {
  id: string;
  name: string;
  grants: readonly ApiGrant[];
}

/**
 * The signed-in member of a request, with their session and organization. A request with an API
 * key (K1) carries `apiKey`, the key's organization, and its creator as the acting user; one with
 * HTTP Basic (K2) carries the member and a session that exists for this request only.
 */
export type Authenticated = SessionRecord & { apiKey?: ApiKeyPrincipal };

/** Finds the signed-in member for a cookie token; undefined when missing, unknown or expired. */
export async function resolveSession(context: AppContext, token: string): Promise<Authenticated | undefined> {
  const tokenHash = hashToken(token);
  let found = await context.sessionLookup.findByTokenHash(tokenHash);
  if (!found) return undefined;
  const now = context.clock.now().getTime();
  if (!checkSessionValidity(found.session, now, context.config.sessionLifetime).ok) {
    // A kept answer may hold a last-seen time that another instance has moved since (touches
    // forget nothing): the database decides before a session is ended for idling.
    found = await context.sessionLookup.findByTokenHash(tokenHash, { fresh: true });
    if (!found) return undefined;
    if (!checkSessionValidity(found.session, now, context.config.sessionLifetime).ok) {
      await deleteSession(context.db, found.session.id);
      return undefined;
    }
  }
  if (shouldRefreshLastSeen(found.session.lastSeenAt, now)) {
    await touchSession(context.db, found.session.id, now);
    found.session.lastSeenAt = now;
  }
  return found;
}

export function requiredActionsOf(auth: Authenticated, nowInMs: number): RequiredAction[] {
  return computeRequiredActions({
    mustRegenerateRecoveryCodes: auth.user.recoveryCodesRegenerationRequired === 1,
    setupRequirement: setupRequirementOf(auth.user, auth.organization),
    // W5: under a narrowed policy only the methods that count set the member up. E4: otherwise a
    // sign-in completed by the organization's provider with its multi-factor sign-in accepted
    // satisfies the requirement for this session.
    hasTwoFactor: auth.factorMethods === undefined ? auth.hasTwoFactor || auth.session.secondFactor === 'sso_mfa' : hasCountedFactor(auth.factorMethods, factorPolicyOf(auth.organization)),
    isSetupOnlySession: auth.session.setupOnly === 1,
    nowInMs,
  });
}

/** P1/P4/P6: the member's effective requirement and its deadline. */
export function setupRequirementOf(user: Pick<User, 'twoFactorRequired'>, organization: Pick<Organization, 'twoFactorRequirement' | 'twoFactorRequiredFrom'>) {
  return twoFactorSetupRequirement({
    organizationRequirement: organization.twoFactorRequirement,
    organizationRequiredFromInMs: organization.twoFactorRequiredFrom,
    memberRequired: user.twoFactorRequired === 1,
  });
}

/** W5: the organization's policy of methods as the core reads it. */
/**
 * W5: whether members may set up `method` under the organization's allowed methods (the
 * phishing-resistant requirement does not stop anyone adding another factor; it only decides
 * which ones count).
 */
export function isMethodAllowedBy(organization: Pick<Organization, 'allowedMethods' | 'requirePhishingResistant'>, method: FactorMethod): boolean {
  return isMethodCounted(method, { ...factorPolicyOf(organization), requirePhishingResistant: false });
}

export function factorPolicyOf(organization: Pick<Organization, 'allowedMethods' | 'requirePhishingResistant'>) {
  return { allowedMethods: decodeAllowedMethods(organization.allowedMethods), requirePhishingResistant: organization.requirePhishingResistant === 1 };
}
