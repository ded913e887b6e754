// S1–S4: text-message codes as a second factor: adding a number (confirmed by a texted code),
// texting a code to sign in or to confirm a change, and removing the number. Codes and counters
// commit with their audit event; the text goes out after the commit (a failed send leaves the
// code valid, so a resend can follow).
import type { Kysely } from 'kysely';
import { newId } from '../core/ids.js';
import { decodeCountryList, lastDigitsOf, maskPhoneNumber, parsePhoneNumber } from '../core/phone-number.js';
import { twoFactorRequiredBy } from '../core/policy.js';
import { decideSmsSend, enrolmentCodeAttemptLimit, generateSmsCode, smsCapAuditRule, smsCodeLengthOf, smsCodeLifetimeInMs, smsCodeMessage, smsDailyCapRules, smsSendRules } from '../core/text-messages.js';
import { decideThrottle, throttleKey, type ThrottleRule } from '../core/throttle-policy.js';
import { twoFactorDisabledMessage, twoFactorEnabledMessage } from '../mail/templates.js';
import { findOrganizationById } from '../store/organizations.js';
import { deleteRecoveryCodes, setRecoveryCodesRegenerationRequired } from '../store/recovery-codes.js';
import type { Database, Organization, SmsCodePurpose, User } from '../store/schema.js';
import { setSecondFactorVerifiedAt } from '../store/sessions.js';
import { findOpenChallengeWithMember } from '../store/sign-in-challenges.js';
import {
  consumeSmsCode,
  countSmsCodeFailure,
  deleteSmsFactor,
  deleteSpentSmsCodes,
  findPendingSmsEnrollment,
  findSmsNumber,
  insertSmsCode,
  saveSmsNumber,
  savePendingSmsEnrollment,
  takePendingSmsEnrollment,
} from '../store/text-messages.js';
import { hasTotpCredential } from '../store/totp.js';
import { hasWebAuthnCredential } from '../store/webauthn.js';
import { hashToken } from '../security/tokens.js';
import { memberActor, recordAudit, type AuditEntry } from './audit.js';
import { fail, nowInMs, type AppContext, type Failure, type Outcome, type RequestOrigin } from './context.js';
import { forgetRememberedBrowsers } from './known-browsers.js';
import { issueRecoveryCodes } from './recovery-codes.js';
import { attemptSecondFactorCode, refuseWhileLocked, smsCodeHash, smsCodeHashes } from './second-factor-codes.js';
import { completeSetupSessions, isMethodAllowedBy, type Authenticated, type StartedSession } from './sessions.js';

/** The keyed hash that counts texts per number without storing the number in clear. */
export function phoneHash(context: Pick<AppContext, 'keyedHasher'>, e164: string): string {
  return context.keyedHasher.hash(`phone:${e164}`);
}

function isSmsAllowed(organization: Pick<Organization, 'smsAllowed'>): boolean {
  return organization.smsAllowed === 1;
}

/** W5: the organization's allowed methods leave text messages out. */
const methodNotAllowed = (): Failure => fail('method_not_allowed', { detail: 'Your organization does not allow text messages for two-factor authentication.' });
const notAllowed = (): Failure => fail('sms_not_allowed', { detail: 'Your organization does not allow text messages for two-factor authentication.' });

/** Thrown inside the transaction when a send counter is full, so nothing of the send is kept. */
class SendRefused extends Error {}

interface TextToSend {
  to: string;
  userId: string;
  purpose: SmsCodePurpose;
  organization: Organization;
  actor: AuditEntry['actor'];
  origin: RequestOrigin;
}

/**
 * S2: counts the text against every limit, stores the code's hash and the audit event in `trx`,
 * and returns the code to text after the commit. Throws SendRefused when a limit is reached.
 * On the database the claim commits or rolls back with the code. In Redis (REDIS_URL) it counts
 * at once (a transaction failing after it leaves one text counted that was not sent); it is made
 * here all the same so that its database fallback joins the transaction.
 */
async function storeSmsCode(trx: Kysely<Database>, context: AppContext, text: TextToSend, numberHash: string): Promise<{ code: string; expiresAt: number }> {
  const now = nowInMs(context);
  const claims = sendCounters(context, text, numberHash).map(([rule, subject]) => ({ key: throttleKey(rule, subject), rule }));
  if (!(await context.throttles.on(trx).claim(claims, now))) throw new SendRefused();
  const code = generateSmsCode(context.random, smsCodeLengthOf(text.organization.smsCodeLength));
  const expiresAt = now + smsCodeLifetimeInMs;
  await deleteSpentSmsCodes(trx, text.userId, now);
  await insertSmsCode(trx, { id: newId(now, context.random), userId: text.userId, purpose: text.purpose, codeHash: smsCodeHash(context, text.userId, text.purpose, code), createdAt: now, expiresAt });
  await recordAudit(trx, context, { organizationId: text.organization.id, type: 'two_factor.sms_code_sent', actor: text.actor, targetUserId: text.userId, origin: text.origin, details: { purpose: text.purpose } });
  return { code, expiresAt };
}

function dailyCaps(context: AppContext) {
  return smsDailyCapRules({ perOrganization: context.config.smsDailyLimitPerOrganization, perDeployment: context.config.smsDailyLimit });
}

/** The deployment-wide cap's one counter. */
const deploymentSubject = 'all';

function sendCounters(context: AppContext, text: Pick<TextToSend, 'userId' | 'organization'>, numberHash: string) {
  const caps = dailyCaps(context);
  return [
    [smsSendRules.perMemberInterval, text.userId],
    [smsSendRules.perMemberDaily, text.userId],
    [smsSendRules.perNumberDaily, numberHash],
    [caps.perOrganization, text.organization.id],
    [caps.perDeployment, deploymentSubject],
  ] as const;
}

/**
 * 429 with the longest wait among the full counters: `sms_limit_reached` when a daily cap is
 * full (audited once per organization, cap and day), else `rate_limited`.
 */
async function sendRefusal(context: AppContext, text: TextToSend, numberHash: string): Promise<Failure> {
  const now = nowInMs(context);
  const throttles = context.throttles.on(context.db);
  const counters = await Promise.all(sendCounters(context, text, numberHash).map(async ([rule, subject]) => ({ rule, subject, counter: await throttles.read(throttleKey(rule, subject)) })));
  const caps = dailyCaps(context);
  const isCap = (rule: ThrottleRule) => rule.name === caps.perOrganization.name || rule.name === caps.perDeployment.name;
  const fullCaps = counters.filter(({ rule, counter }) => isCap(rule) && !decideThrottle(counter, rule, now).ok);
  if (fullCaps.length > 0) {
    const decision = decideSmsSend(fullCaps, now);
    for (const { rule } of fullCaps) {
      const scope = rule.name === caps.perOrganization.name ? 'organization' : 'deployment';
      // Claimed, so a flood of refusals writes one event, not one each.
      if (await throttles.claim([{ key: throttleKey(smsCapAuditRule, `${text.organization.id}:${scope}`), rule: smsCapAuditRule }], now)) {
        await recordAudit(context.db, context, { organizationId: text.organization.id, type: 'two_factor.sms_limit_reached', actor: text.actor, targetUserId: text.userId, origin: text.origin, details: { limit: scope, perDay: rule.limit } });
      }
    }
    const whose = fullCaps.some(({ rule }) => rule.name === caps.perOrganization.name) ? 'Your organization has' : 'This service has';
    return fail('sms_limit_reached', {
      detail: `${whose} sent as many text messages as it may in a day. Use your authenticator app or a recovery code, or try again later.`,
      retryAfterInMs: decision.ok ? 1000 : decision.retryAfterInMs,
    });
  }
  const decision = decideSmsSend(counters, now);
  const retryAfterInMs = decision.ok ? 1000 : decision.retryAfterInMs;
  return fail('rate_limited', { detail: 'A code was texted a moment ago, or too many today. Wait before asking for another.', retryAfterInMs });
}

/** Stores a code (with its counters and event) and texts it after the commit. */
async function issueAndText(context: AppContext, text: TextToSend, numberHash: string, alsoInTransaction?: (trx: Kysely<Database>) => Promise<void>): Promise<Outcome<{ expiresAt: number }>> {
  let issued: { code: string; expiresAt: number };
  try {
    issued = await context.db.transaction().execute(async (trx) => {
      const stored = await storeSmsCode(trx, context, text, numberHash);
      if (alsoInTransaction) await alsoInTransaction(trx);
      return stored;
    });
  } catch (error) {
    if (error instanceof SendRefused) return sendRefusal(context, text, numberHash);
    throw error;
  }
  const issuer = text.organization.brandName ?? text.organization.name;
  try {
    await context.sms.send({ to: text.to, body: smsCodeMessage(issued.code, issuer, text.purpose) }, text.origin);
  } catch {
    // Logged by the sender (without the code); the code stays valid for a resend.
    return fail('sms_delivery_failed', { detail: 'The text message could not be sent. Try again in a minute.' });
  }
  return { ok: true, expiresAt: issued.expiresAt };
}

export interface SmsStatus {
  /** Masked ("+41 •• ••• •• 67"); null without an active number. */
  phoneNumber: string | null;
  /** S4: false when the organization does not allow text messages. */
  allowed: boolean;
  /** Issue 10 item 6: the countries a new number may be from (ISO 3166-1 alpha-2); null = any. */
  allowedCountries: string[] | null;
}

/** S1 S4: the member's number as shown on their security page. */
export async function readSmsStatus(context: AppContext, auth: Authenticated): Promise<{ active: boolean; sms: SmsStatus }> {
  const number = await findSmsNumber(context.db, auth.user.id);
  const allowed = isSmsAllowed(auth.organization);
  return {
    active: number !== undefined,
    sms: { phoneNumber: number ? maskPhoneNumber(context.secretBox.open(number.phoneSealed)) : null, allowed, allowedCountries: decodeCountryList(auth.organization.smsAllowedCountries) },
  };
}

export interface SmsEnrollmentInput {
  phoneNumber: string;
  country?: string;
}

/** S1, issue 10 item 6: why a number cannot take texts, as a field error. */
function phoneNumberRefusal(reason: 'unknown_country' | 'invalid_number' | 'not_mobile' | 'country_not_allowed', allowedCountries: readonly string[] | null): Failure {
  switch (reason) {
    case 'unknown_country':
      return fail('validation_failed', { fieldErrors: [{ field: 'country', message: 'Choose a country from the list.' }] });
    case 'invalid_number':
      return fail('validation_failed', { fieldErrors: [{ field: 'phoneNumber', message: 'Enter a mobile number with its country code, such as +41 79 123 45 67.' }] });
    case 'not_mobile':
      return fail('validation_failed', { fieldErrors: [{ field: 'phoneNumber', message: 'Codes are texted to mobile numbers only, not to landlines, premium-rate or toll-free numbers.' }] });
    case 'country_not_allowed':
      return fail('validation_failed', { fieldErrors: [{ field: 'phoneNumber', message: `Your organization accepts mobile numbers from these countries only: ${(allowedCountries ?? []).join(', ')}.` }] });
    default:
      return reason satisfies never;
  }
}

/** S1: texts a code to the number, which waits (5 minutes) for it; starting again replaces it. */
export async function startSmsEnrollment(context: AppContext, auth: Authenticated, input: SmsEnrollmentInput, origin: RequestOrigin): Promise<Outcome<{ phoneNumber: string; expiresAt: number }>> {
  if (auth.user.emailVerifiedAt === null) return fail('email_not_verified', { detail: 'Verify your e-mail address before turning on two-factor authentication.' });
  if (!isSmsAllowed(auth.organization)) return notAllowed();
  if (!isMethodAllowedBy(auth.organization, 'sms')) return methodNotAllowed();
  const allowedCountries = decodeCountryList(auth.organization.smsAllowedCountries);
  const parsed = parsePhoneNumber(input.phoneNumber, input.country, allowedCountries);
  if (!parsed.ok) return phoneNumberRefusal(parsed.reason, allowedCountries);
  const e164 = parsed.e164;
  const numberHash = phoneHash(context, e164);
  const now = nowInMs(context);
  const sent = await issueAndText(
    context,
    { to: e164, userId: auth.user.id, purpose: 'enrol', organization: auth.organization, actor: memberActor(auth.user.id), origin },
    numberHash,
    (trx) => savePendingSmsEnrollment(trx, { userId: auth.user.id, phoneSealed: context.secretBox.seal(e164), phoneHash: numberHash, createdAt: now, expiresAt: now + smsCodeLifetimeInMs }),
  );
  if (!sent.ok) return sent;
  return { ok: true, phoneNumber: e164, expiresAt: sent.expiresAt };
}

/**
 * S1: the texted code activates the waiting number, replacing a previous one. On the member's
 * first factor it also returns recovery codes (T6) and ends a setup-only session (P5).
 */
export async function confirmSmsEnrollment(context: AppContext, auth: Authenticated, code: string, origin: RequestOrigin): Promise<Outcome<{ phoneNumber: string; recoveryCodes?: string[]; session?: StartedSession }>> {
  if (!isSmsAllowed(auth.organization)) return notAllowed();
  // W5: a number added before the organization stopped counting text messages is not activated.
  if (!isMethodAllowedBy(auth.organization, 'sms')) return methodNotAllowed();
  const now = nowInMs(context);
  const userId = auth.user.id;
  const pending = await findPendingSmsEnrollment(context.db, userId, now);
  if (!pending) return fail('not_found', { detail: 'There is no phone number waiting for its code, or the code expired. Start again.' });
  const compact = code.replace(/[\s-]/g, '');
  const confirmed = await context.db.transaction().execute(async (trx) => {
    if (!(await consumeSmsCode(trx, userId, 'enrol', smsCodeHashes(context, userId, 'enrol', compact), now, enrolmentCodeAttemptLimit))) return undefined;
    if (!(await takePendingSmsEnrollment(trx, userId, pending.phoneSealed))) return undefined;
    const hadNumber = (await findSmsNumber(trx, userId)) !== undefined;
    const isFirstFactor = !hadNumber && !(await hasTotpCredential(trx, userId)) && !(await hasWebAuthnCredential(trx, userId));
    await saveSmsNumber(trx, userId, { phoneSealed: pending.phoneSealed, phoneHash: pending.phoneHash }, now);
    let recoveryCodes: string[] | undefined;
    let session: StartedSession | undefined;
    if (isFirstFactor) {
      // P5 A3: setup is done; a setup-only session is replaced by a complete one with a new token.
      session = await completeSetupSessions(trx, context, auth, origin);
      recoveryCodes = await issueRecoveryCodes(trx, context, userId);
    }
    // A5: the texted code proves the new factor in this session (a replacing session is started with it).
    if (!session) await setSecondFactorVerifiedAt(trx, auth.session.id, now);
    await recordAudit(trx, context, { organizationId: auth.organization.id, type: 'two_factor.sms_enabled', actor: memberActor(userId), targetUserId: userId, origin, details: { firstFactor: isFirstFactor, replacedNumber: hadNumber } });
    return { recoveryCodes, session };
  });
  if (!confirmed) {
    await countSmsCodeFailure(context.db, userId, 'enrol');
    return fail('invalid_code', { fieldErrors: [{ field: 'code', message: 'That code is not correct or has expired.' }] });
  }
  const phoneNumber = context.secretBox.open(pending.phoneSealed);
  if (confirmed.recoveryCodes) {
    context.mailer.send(twoFactorEnabledMessage(auth.user.email, 'sms'), origin);
    return { ok: true, phoneNumber, recoveryCodes: confirmed.recoveryCodes, ...(confirmed.session && { session: confirmed.session }) };
  }
  return { ok: true, phoneNumber };
}

/**
 * S1 D1: removes the number with a current code of any factor (a texted one included). When it
 * is the only factor it is refused if two-factor authentication is required of the member, and
 * otherwise takes the recovery codes with it.
 */
export async function removeSmsNumber(context: AppContext, auth: Authenticated, code: string, origin: RequestOrigin): Promise<Outcome> {
  const userId = auth.user.id;
  if (!(await findSmsNumber(context.db, userId))) return fail('not_found', { detail: 'There is no phone number to remove.' });
  const isOnlyFactor = !(await hasTotpCredential(context.db, userId)) && !(await hasWebAuthnCredential(context.db, userId));
  if (isOnlyFactor && twoFactorRequiredBy({ organizationRequirement: auth.organization.twoFactorRequirement, memberRequired: auth.user.twoFactorRequired === 1 }) !== null) {
    return fail('two_factor_required_by_policy', { detail: 'Your organization requires two-factor authentication: add another method before removing this one.' });
  }
  // L3: guessing the code here counts towards the same per-member lock as at sign-in.
  const done = await attemptSecondFactorCode(context, auth.user, code, origin, memberActor(userId), async (trx, method) => {
    await deleteSmsFactor(trx, userId);
    if (isOnlyFactor) {
      await deleteRecoveryCodes(trx, userId);
      await setRecoveryCodesRegenerationRequired(trx, userId, false);
      await forgetRememberedBrowsers(trx, context, auth.user, 'two_factor_disabled', memberActor(userId), origin);
    }
    await recordAudit(trx, context, { organizationId: auth.organization.id, type: 'two_factor.sms_removed', actor: memberActor(userId), targetUserId: userId, origin, details: { confirmedWith: method, twoFactorOff: isOnlyFactor } });
  });
  if (!done.ok) return done;
  if (isOnlyFactor) context.mailer.send(twoFactorDisabledMessage(auth.user.email), origin);
  return { ok: true };
}

export interface SentCode {
  /** The end of the number, "•• 67" (the sign-in page shows "sent to •• 67"). */
  phoneNumber: string;
  expiresAt: number;
}

async function textCodeToNumber(context: AppContext, user: User, organization: Organization, actor: AuditEntry['actor'], origin: RequestOrigin): Promise<Outcome<SentCode>> {
  if (!isSmsAllowed(organization)) return notAllowed();
  const number = await findSmsNumber(context.db, user.id);
  if (!number) return fail('not_found', { detail: 'There is no phone number for text messages.' });
  const e164 = context.secretBox.open(number.phoneSealed);
  const sent = await issueAndText(context, { to: e164, userId: user.id, purpose: 'sign_in', organization, actor, origin }, number.phoneHash);
  if (!sent.ok) return sent;
  return { ok: true, phoneNumber: lastDigitsOf(e164), expiresAt: sent.expiresAt };
}

/** S2 L1: during a sign-in challenge, texts a code to the member's number. */
export async function textSignInCode(context: AppContext, challengeToken: string | undefined, origin: RequestOrigin): Promise<Outcome<SentCode>> {
  const now = nowInMs(context);
  const open = challengeToken ? await findOpenChallengeWithMember(context.db, hashToken(challengeToken), now) : undefined;
  if (!open) return fail('unauthenticated', { detail: 'Your sign-in has expired. Enter your e-mail and password again.' });
  // L3: a locked second step takes no code, so none is sent.
  const locked = refuseWhileLocked(open.user, now);
  if (locked) return locked;
  const organization = await findOrganizationById(context.db, open.user.organizationId);
  if (!organization) return fail('unauthenticated');
  return textCodeToNumber(context, open.user, organization, { type: 'anonymous', userId: null }, origin);
}

/** S2: texts a code to a signed-in member, to confirm a change (removing the number, D1). */
export async function textConfirmationCode(context: AppContext, auth: Authenticated, origin: RequestOrigin): Promise<Outcome<SentCode>> {
  const locked = refuseWhileLocked(auth.user, nowInMs(context));
  if (locked) return locked;
  return textCodeToNumber(context, auth.user, auth.organization, memberActor(auth.user.id), origin);
}
