// E2–E5: signing in through the organization's identity provider. The flow's secrets (state,
// nonce, PKCE verifier) travel sealed in a short-lived cookie of the browser that started it, so a
// callback opened anywhere else is refused. The member is looked up inside the connection's
// organization only, and what follows the provider (a second step, a required setup, or a
// complete session) is decided by the pure rules in core/single-sign-on.ts.
import { constantTimeEqual } from '../core/constant-time.js';
import { isPlausibleEmail, normaliseEmail } from '../core/email-address.js';
import { newId } from '../core/ids.js';
import { mustSetUpAtSignIn } from '../core/required-actions.js';
import { decideAfterProvider, domainOfEmail, mayUsePassword, parseSsoFlow, ssoFlowLifetimeInMs, type SsoFlow } from '../core/single-sign-on.js';
import { isAdministrator } from '../core/roles.js';
import { throttleRules } from '../core/throttle-policy.js';
import { newOpaqueToken } from '../security/tokens.js';
import { findOrganizationById } from '../store/organizations.js';
import type { SsoConnection, User } from '../store/schema.js';
import { deleteSession } from '../store/sessions.js';
import { hasSmsNumber } from '../store/text-messages.js';
import { hasTotpCredential } from '../store/totp.js';
import { findSsoConnectionByDomain, findSsoConnectionById, listClaimedDomains } from '../store/sso-connections.js';
import { findUserByEmail, insertUser, markEmailVerified, recordLogin } from '../store/users.js';
import { isUniqueViolation } from '../store/errors.js';
import { memberActor, recordAudit } from './audit.js';
import { fail, nowInMs, type AppContext, type Outcome, type RequestOrigin } from './context.js';
import { recognizeBrowser, type IssuedBrowserCookie } from './known-browsers.js';
import { issueSignInChallenge, type IssuedChallenge } from './second-step.js';
import type { SecondStepMethod } from './sign-in.js';
import { setupRequirementOf, startSession, type StartedSession } from './sessions.js';
import { ssoRedirectUri } from './sso-connections.js';
import { claimSend } from './throttled-sending.js';
import { buildProviderAuthorization, discoverProviderCached, exchangeProviderCode, ProviderUnreachable, type ProviderIdentity } from './sso-provider.js';

/** E2: the connection that routes this address: enabled, and claiming its domain. */
async function routingConnectionOf(context: AppContext, emailNormalized: string): Promise<SsoConnection | undefined> {
  const connection = await findSsoConnectionByDomain(context.db, domainOfEmail(emailNormalized));
  return connection?.enabled === 1 ? connection : undefined;
}

function providerSettingsOf(context: AppContext, connection: SsoConnection) {
  return { issuer: connection.issuer, clientId: connection.clientId, clientSecret: context.secretBox.open(connection.clientSecretSealed) };
}

export interface StartedSingleSignOn {
  redirectUrl: string;
  /** The sealed flow, for the browser-bound cookie. */
  flowCookie: string;
  maxAgeInSeconds: number;
}

/** E1/E2: an address of a routed domain goes to its organization's provider; any other answers 404. */
export async function startSingleSignOn(context: AppContext, email: string, origin: RequestOrigin): Promise<Outcome<StartedSingleSignOn>> {
  const throttled = origin.ip ? await claimSend(context, [[throttleRules.ssoStartPerAddress, origin.ip]], 'Too many single sign-on attempts from your network. Please wait and try again.') : undefined;
  if (throttled) return throttled;
  const connection = await routingConnectionOf(context, normaliseEmail(email));
  if (!connection) return fail('sso_not_configured');
  let authorization;
  try {
    const configuration = await discoverProviderCached(providerSettingsOf(context, connection), context.config.isProduction, nowInMs(context));
    authorization = await buildProviderAuthorization(configuration, ssoRedirectUri(context), email.trim());
  } catch (error) {
    if (error instanceof ProviderUnreachable) return fail('sso_provider_unreachable', { detail: `The identity provider could not be reached: ${error.message}.` });
    throw error;
  }
  const flow: SsoFlow = { connectionId: connection.id, state: authorization.state, nonce: authorization.nonce, codeVerifier: authorization.codeVerifier, expiresAtInMs: nowInMs(context) + ssoFlowLifetimeInMs };
  return { ok: true, redirectUrl: authorization.url.toString(), flowCookie: context.secretBox.seal(JSON.stringify(flow)), maxAgeInSeconds: ssoFlowLifetimeInMs / 1000 };
}

export type SingleSignOnResult = Outcome<
  | { status: 'signed_in'; session: StartedSession; browser: IssuedBrowserCookie }
  | { status: 'two_factor_setup_required'; session: StartedSession; browser: IssuedBrowserCookie }
  | { status: 'two_factor_required'; methods: SecondStepMethod[]; challenge: IssuedChallenge; rememberBrowserDays: number }
>;

export interface CallbackInput {
  /** The callback's query string, exactly as the provider sent it (without the `?`). */
  query: string;
  flowCookie: string | undefined;
  previousSessionId?: string;
  browserToken?: string;
}

/** E2: the provider's answer, checked against the flow this browser started. */
export async function completeSingleSignOn(context: AppContext, input: CallbackInput, origin: RequestOrigin): Promise<SingleSignOnResult> {
  const now = nowInMs(context);
  const flow = openFlow(context, input.flowCookie, now);
  // No flow cookie: another browser (or an expired start). Nothing is exchanged.
  if (!flow) return fail('sso_sign_in_failed', { detail: 'This sign-in was started in another browser, or has expired. Start again from the sign-in page.' });
  // A flow cookie may be replayed until it expires, and each callback asks the provider for tokens.
  const throttled = origin.ip ? await claimSend(context, [[throttleRules.ssoCallbackPerAddress, origin.ip]], 'Too many single sign-on attempts from your network. Please wait and try again.') : undefined;
  if (throttled) return throttled;
  const callbackUrl = new URL(ssoRedirectUri(context));
  callbackUrl.search = input.query;
  const returnedState = callbackUrl.searchParams.get('state') ?? '';
  if (!constantTimeEqual(returnedState, flow.state)) return fail('sso_sign_in_failed', { detail: 'This answer does not belong to the sign-in this browser started. Start again from the sign-in page.' });
  const connection = await findSsoConnectionById(context.db, flow.connectionId);
  if (!connection || connection.enabled !== 1) return fail('sso_sign_in_failed', { detail: 'Single sign-on is no longer enabled for your organization.' });
  const refuse = async (code: 'sso_sign_in_failed' | 'sso_email_not_verified' | 'sso_account_not_found', reason: string, detail?: string) => {
    await recordAudit(context.db, context, { organizationId: connection.organizationId, type: 'sso.sign_in_failed', actor: { type: 'anonymous', userId: null }, targetUserId: null, origin, details: { reason, issuer: connection.issuer } });
    return fail(code, detail === undefined ? {} : { detail });
  };

  let exchange;
  try {
    const configuration = await discoverProviderCached(providerSettingsOf(context, connection), context.config.isProduction, nowInMs(context));
    exchange = await exchangeProviderCode(configuration, callbackUrl, flow);
  } catch (error) {
    if (error instanceof ProviderUnreachable) return refuse('sso_sign_in_failed', 'provider_unreachable', `The identity provider could not be reached: ${error.message}.`);
    throw error;
  }
  if (!exchange.ok) return refuse('sso_sign_in_failed', exchange.reason);
  const identity = exchange.identity;
  // The provider speaks for the organization's own domains only, and only for addresses it verified.
  const emailNormalized = identity.email === undefined ? '' : normaliseEmail(identity.email);
  const claimed = await listClaimedDomains(context.db, connection.id);
  if (!identity.emailVerified || !isPlausibleEmail(emailNormalized) || !claimed.includes(domainOfEmail(emailNormalized))) return refuse('sso_email_not_verified', 'email_not_verified_or_not_claimed');

  const found = await findMemberForProvider(context, connection, emailNormalized, identity, origin);
  if (!found.ok) return refuse(found.code, found.reason);
  const member = found.member;
  if (member.emailVerifiedAt === null) await markEmailVerified(context.db, member.id, now);

  const organization = await findOrganizationById(context.db, member.organizationId);
  if (!organization) return refuse('sso_account_not_found', 'organization_gone');
  const [hasTotp, hasSms] = await Promise.all([hasTotpCredential(context.db, member.id), hasSmsNumber(context.db, member.id)]);
  const decision = decideAfterProvider({
    rule: connection.mfaRule,
    providerAmr: identity.amr,
    hasSecondFactor: hasTotp || hasSms,
    mustSetUp: mustSetUpAtSignIn(setupRequirementOf(member, organization), false, now),
  });
  const providerFacts = { issuer: connection.issuer, amr: identity.amr, acr: identity.acr ?? null };

  if (decision.next === 'second_step') {
    // E4: Tessera's own second step, as after a password (L1); completing it records method `sso`.
    const challenge = await issueSignInChallenge(context.db, context, member.id, origin, 'sso');
    const methods: SecondStepMethod[] = [];
    if (hasTotp) methods.push('totp');
    if (hasSms && organization.smsAllowed === 1) methods.push('sms');
    methods.push('recovery_code');
    return { ok: true, status: 'two_factor_required', methods, challenge, rememberBrowserDays: organization.rememberBrowserDays };
  }

  const setupOnly = decision.next === 'setup';
  const providerMultiFactor = decision.next === 'complete' && decision.providerMultiFactor;
  const session = await context.db.transaction().execute(async (trx) => {
    // A3: a new session id; whatever session this browser had ends.
    if (input.previousSessionId) await deleteSession(trx, input.previousSessionId);
    const started = await startSession(trx, context, member.id, origin, { setupOnly, secondFactorVerified: providerMultiFactor, ...(providerMultiFactor ? { secondFactor: 'sso_mfa' as const } : {}) });
    // L4: how this sign-in was made; with the provider's accepted multi-factor sign-in it counts as two factors.
    await recordLogin(trx, member.id, now, providerMultiFactor ? 'sso_mfa' : 'sso');
    await recordAudit(trx, context, {
      organizationId: member.organizationId,
      type: 'user.signed_in',
      actor: memberActor(member.id),
      targetUserId: member.id,
      origin,
      details: { method: 'sso', secondFactor: providerMultiFactor ? 'provider' : null, ...providerFacts, ...(setupOnly ? { setupRequired: true } : {}) },
    });
    return started;
  });
  const browser = await recognizeBrowser(context, member, input.browserToken, origin, { notify: true });
  return setupOnly ? { ok: true, status: 'two_factor_setup_required', session, browser } : { ok: true, status: 'signed_in', session, browser };
}

function openFlow(context: AppContext, sealed: string | undefined, nowInMs: number): SsoFlow | undefined {
  if (!sealed || sealed.length > 4096) return undefined;
  try {
    return parseSsoFlow(context.secretBox.open(sealed), nowInMs);
  } catch {
    // Not sealed by this deployment, or tampered with: authenticated encryption refuses it.
    return undefined;
  }
}

function withoutControlCharacters(value: string): string {
  return [...value].filter((character) => character.charCodeAt(0) >= 0x20 && character.charCodeAt(0) !== 0x7f).join('');
}

type MemberLookup = { ok: true; member: User } | { ok: false; code: 'sso_account_not_found'; reason: string };

/**
 * E2: the member with this verified address inside the connection's organization, and nobody
 * else; created as a member on first sign-in when the connection allows it.
 */
async function findMemberForProvider(context: AppContext, connection: SsoConnection, emailNormalized: string, identity: ProviderIdentity, origin: RequestOrigin): Promise<MemberLookup> {
  const existing = await findUserByEmail(context.db, emailNormalized);
  if (existing) {
    // An account of another organization is never reachable through this organization's provider.
    return existing.organizationId === connection.organizationId ? { ok: true, member: existing } : { ok: false, code: 'sso_account_not_found', reason: 'account_in_another_organization' };
  }
  if (connection.createMembers !== 1) return { ok: false, code: 'sso_account_not_found', reason: 'no_account' };
  const now = nowInMs(context);
  // Nobody knows this password: the member signs in through the provider (E5) until they set one by a reset.
  const passwordHash = await context.passwords.hash(newOpaqueToken());
  const member: User = {
    id: newId(now, context.random),
    organizationId: connection.organizationId,
    email: identity.email!.trim(),
    emailNormalized,
    // The provider's text is not ours to trust: no control characters (logs, PostgreSQL's NUL), at most 100 characters.
    name: (withoutControlCharacters(identity.name ?? '').trim() || emailNormalized.slice(0, emailNormalized.lastIndexOf('@'))).slice(0, 100),
    nameNormalized: '',
    role: 'member',
    passwordHash,
    emailVerifiedAt: now,
    twoFactorRequired: 0,
    createdAt: now,
    lastLoginAt: null,
    lastLoginMethod: null,
    totpLastAcceptedStep: null,
    secondFactorFailures: 0,
    secondFactorLockedUntil: null,
    recoveryCodesRegenerationRequired: 0,
    twoFactorEnabled: 0,
  };
  try {
    await context.db.transaction().execute(async (trx) => {
      const { nameNormalized: _derived, totpLastAcceptedStep: _a, secondFactorFailures: _b, secondFactorLockedUntil: _c, recoveryCodesRegenerationRequired: _d, twoFactorEnabled: _e, ...row } = member;
      await insertUser(trx, row);
      await recordAudit(trx, context, { organizationId: connection.organizationId, type: 'sso.member_created', actor: { type: 'system', userId: null }, targetUserId: member.id, origin, details: { issuer: connection.issuer, subject: identity.subject } });
    });
  } catch (error) {
    // Two first sign-ins at once: the other created the account; use it.
    if (!isUniqueViolation(error)) throw error;
    const raced = await findUserByEmail(context.db, emailNormalized);
    return raced?.organizationId === connection.organizationId ? { ok: true, member: raced } : { ok: false, code: 'sso_account_not_found', reason: 'account_in_another_organization' };
  }
  return { ok: true, member: (await findUserByEmail(context.db, emailNormalized))! };
}

/**
 * E5: whether this member may sign in with a password: not when an enabled connection of their own
 * organization routes their address, unless it allows passwords; administrators always may.
 */
export async function isPasswordAllowed(context: AppContext, member: User): Promise<boolean> {
  const connection = await routingConnectionOf(context, member.emailNormalized);
  const isRouted = connection !== undefined && connection.organizationId === member.organizationId;
  return mayUsePassword({ isRouted, passwordForRoutedMembers: connection?.passwordForRoutedMembers === 1, isAdministrator: isAdministrator(member.role) });
}
