// A member's own two-factor settings: status (text messages: text-messages.ts), authenticator setup (T1–T6), recovery codes
// (R3, R5) and turning it off (D1), each e-mailing the member (D2).
import QRCode from 'qrcode';
import { encodeBase32 } from '../core/base32.js';
import { twoFactorRequiredBy } from '../core/policy.js';
import { enrollmentLifetimeInMs } from '../core/second-factor.js';
import { buildTotpKeyUri, verifyTotp } from '../core/totp.js';
import { recoveryCodesRegeneratedMessage, twoFactorDisabledMessage, twoFactorEnabledMessage } from '../mail/templates.js';
import { nodeHmac } from '../security/hmac.js';
import { countUnusedRecoveryCodes, deleteRecoveryCodes, setRecoveryCodesRegenerationRequired } from '../store/recovery-codes.js';
import { setSecondFactorVerifiedAt } from '../store/sessions.js';
import { claimTotpStep, deleteTotpFactors, findPendingEnrollment, hasTotpCredential, saveTotpCredential, savePendingEnrollment, takePendingEnrollment } from '../store/totp.js';
import { deleteSmsFactor } from '../store/text-messages.js';
import { deleteWebAuthnCredentials, hasWebAuthnCredential } from '../store/webauthn.js';
import { memberActor, recordAudit } from './audit.js';
import { fail, nowInMs, type AppContext, type Outcome, type RequestOrigin } from './context.js';
import { forgetRememberedBrowsers } from './known-browsers.js';
import { issueRecoveryCodes, readRecoveryCodes, type DisplayedRecoveryCode } from './recovery-codes.js';
import { attemptSecondFactorCode, openTotpSecret } from './second-factor-codes.js';
import { completeSetupSessions, isMethodAllowedBy, type Authenticated, type StartedSession } from './sessions.js';
import { readSmsStatus, type SmsStatus } from './text-messages.js';

const totpSecretLengthInBytes = 20; // T3, RFC 4226 §4 R6 recommends 160 bits

export interface TwoFactorStatus {
  enabled: boolean;
  required: boolean;
  methods: Array<'totp' | 'sms' | 'webauthn'>;
  recoveryCodes: { remaining: number; total: number };
  sms: SmsStatus;
}

export async function readTwoFactorStatus(context: AppContext, auth: Authenticated): Promise<TwoFactorStatus> {
  const [hasTotp, text, recoveryCodes, hasWebAuthn] = await Promise.all([
    hasTotpCredential(context.db, auth.user.id),
    readSmsStatus(context, auth),
    countUnusedRecoveryCodes(context.db, auth.user.id),
    hasWebAuthnCredential(context.db, auth.user.id),
  ]);
  const required = twoFactorRequiredBy({ organizationRequirement: auth.organization.twoFactorRequirement, memberRequired: auth.user.twoFactorRequired === 1 }) !== null;
  const methods: TwoFactorStatus['methods'] = [];
  if (hasTotp) methods.push('totp');
  if (text.active) methods.push('sms');
  if (hasWebAuthn) methods.push('webauthn');
  return { enabled: methods.length > 0, required, methods, recoveryCodes, sms: text.sms };
}

export interface StartedEnrollment {
  secret: string;
  otpauthUri: string;
  qrCodeSvg: string;
  expiresAt: number;
}

/** T1–T3: a new secret, sealed at rest, pending until confirmed; replaces any pending one. */
const totpNotAllowed = () => fail('method_not_allowed', { detail: 'Your organization does not allow authenticator apps for two-factor authentication.' });

export async function startTotpEnrollment(context: AppContext, auth: Authenticated): Promise<Outcome<{ enrollment: StartedEnrollment }>> {
  if (auth.user.emailVerifiedAt === null) return fail('email_not_verified', { detail: 'Verify your e-mail address before turning on two-factor authentication.' });
  if (!isMethodAllowedBy(auth.organization, 'totp')) return totpNotAllowed();
  const now = nowInMs(context);
  const secret = encodeBase32(context.random.bytes(totpSecretLengthInBytes));
  const expiresAt = now + enrollmentLifetimeInMs;
  await savePendingEnrollment(context.db, { userId: auth.user.id, secretSealed: context.secretBox.seal(secret), createdAt: now, expiresAt });
  const otpauthUri = buildTotpKeyUri({ issuer: auth.organization.brandName ?? auth.organization.name, accountName: auth.user.email, secretBase32: secret });
  const qrCodeSvg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { ok: true, enrollment: { secret, otpauthUri, qrCodeSvg, expiresAt } };
}

/** T4–T6: a valid current code activates the pending secret and returns a new set of recovery codes. */
export async function confirmTotpEnrollment(context: AppContext, auth: Authenticated, code: string, origin: RequestOrigin): Promise<Outcome<{ recoveryCodes: string[]; session?: StartedSession }>> {
  // W5: a setup started before the organization stopped allowing the method is not finished.
  if (!isMethodAllowedBy(auth.organization, 'totp')) return totpNotAllowed();
  const now = nowInMs(context);
  const pending = await findPendingEnrollment(context.db, auth.user.id, now);
  if (!pending) return fail('not_found', { detail: 'There is no setup in progress, or it expired. Start again.' });
  const compact = code.replace(/\s/g, '');
  const check = verifyTotp(nodeHmac, openTotpSecret(context, pending.secretSealed), compact, now, auth.user.totpLastAcceptedStep);
  if (!check.ok) return fail('invalid_code', { fieldErrors: [{ field: 'code', message: 'That code is not correct. Enter the current code from your app.' }] });
  const wasEnabled = auth.hasTwoFactor;
  const confirmed = await context.db.transaction().execute(async (trx) => {
    if (!(await takePendingEnrollment(trx, auth.user.id, pending.secretSealed))) return undefined;
    if (!(await claimTotpStep(trx, auth.user.id, check.step))) return undefined;
    await saveTotpCredential(trx, auth.user.id, pending.secretSealed, now);
    // P5 A3: setup is done; a setup-only session is replaced by a complete one with a new token.
    const session = await completeSetupSessions(trx, context, auth, origin);
    // A5: the code of the new authenticator proves a second factor in this session (a replacing
    // session is started with it).
    if (!session) await setSecondFactorVerifiedAt(trx, auth.session.id, now);
    const recoveryCodes = await issueRecoveryCodes(trx, context, auth.user.id);
    await recordAudit(trx, context, { organizationId: auth.organization.id, type: wasEnabled ? 'two_factor.authenticator_replaced' : 'two_factor.enabled', actor: memberActor(auth.user.id), targetUserId: auth.user.id, origin, details: { method: 'totp' } });
    return { recoveryCodes, session };
  });
  if (!confirmed) return fail('invalid_code', { fieldErrors: [{ field: 'code', message: 'That code was already used. Wait for the next one.' }] });
  context.mailer.send(twoFactorEnabledMessage(auth.user.email, 'totp'), origin);
  return { ok: true, recoveryCodes: confirmed.recoveryCodes, ...(confirmed.session && { session: confirmed.session }) };
}

/** R3: the codes with their use dates. */
export async function showRecoveryCodes(context: AppContext, auth: Authenticated): Promise<Outcome<{ codes: DisplayedRecoveryCode[] }>> {
  if (!auth.hasTwoFactor) return fail('not_found', { detail: 'Two-factor authentication is off.' });
  return { ok: true, codes: await readRecoveryCodes(context, auth.user.id) };
}

/** R5: a new set; the old codes stop working at once. Completes the deplete policy's required action. */
export async function regenerateRecoveryCodes(context: AppContext, auth: Authenticated, origin: RequestOrigin): Promise<Outcome<{ codes: string[] }>> {
  if (!auth.hasTwoFactor) return fail('not_found', { detail: 'Two-factor authentication is off.' });
  const codes = await context.db.transaction().execute(async (trx) => {
    const issued = await issueRecoveryCodes(trx, context, auth.user.id);
    await recordAudit(trx, context, { organizationId: auth.organization.id, type: 'two_factor.recovery_codes_regenerated', actor: memberActor(auth.user.id), targetUserId: auth.user.id, origin });
    return issued;
  });
  context.mailer.send(recoveryCodesRegeneratedMessage(auth.user.email), origin);
  return { ok: true, codes };
}

/** D1: only when not required, with a current code; removes every factor and code. */
export async function disableTwoFactor(context: AppContext, auth: Authenticated, code: string, origin: RequestOrigin): Promise<Outcome> {
  if (twoFactorRequiredBy({ organizationRequirement: auth.organization.twoFactorRequirement, memberRequired: auth.user.twoFactorRequired === 1 }) !== null) {
    return fail('two_factor_required_by_policy', { detail: 'Your organization requires two-factor authentication, so it cannot be turned off.' });
  }
  if (!auth.hasTwoFactor) return fail('not_found', { detail: 'Two-factor authentication is already off.' });
  // L3: guessing the code here counts towards the same per-member lock as at sign-in.
  const done = await attemptSecondFactorCode(context, auth.user, code, origin, memberActor(auth.user.id), async (trx, method) => {
    await deleteTotpFactors(trx, auth.user.id);
    await deleteSmsFactor(trx, auth.user.id);
    await deleteWebAuthnCredentials(trx, auth.user.id);
    await deleteRecoveryCodes(trx, auth.user.id);
    await setRecoveryCodesRegenerationRequired(trx, auth.user.id, false);
    await recordAudit(trx, context, { organizationId: auth.organization.id, type: 'two_factor.disabled', actor: memberActor(auth.user.id), targetUserId: auth.user.id, origin, details: { confirmedWith: method } });
    await forgetRememberedBrowsers(trx, context, auth.user, 'two_factor_disabled', memberActor(auth.user.id), origin);
  });
  if (!done.ok) return done;
  context.mailer.send(twoFactorDisabledMessage(auth.user.email), origin);
  return { ok: true };
}
