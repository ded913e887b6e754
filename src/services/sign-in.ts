// A2: sign-in with e-mail and password. Unknown e-mail and wrong password answer alike.
// Members with a second factor get a challenge and nothing else (L1); members who must set one
// up get a session that opens only the setup (P5).
import { normaliseEmail } from '../core/email-address.js';
import { mustSetUpAtSignIn } from '../core/required-actions.js';
import { findOrganizationById } from '../store/organizations.js';
import { findUserByEmail, recordLogin } from '../store/users.js';
import { deleteSession } from '../store/sessions.js';
import { hasSmsNumber } from '../store/text-messages.js';
import { hasTotpCredential } from '../store/totp.js';
import { hasWebAuthnCredential } from '../store/webauthn.js';
import { memberActor, recordAudit } from './audit.js';
import { fail, nowInMs, type AppContext, type Outcome, type RequestOrigin } from './context.js';
import { identifyKnownBrowser, isRememberedForSecondStep, recognizeBrowser, type IssuedBrowserCookie } from './known-browsers.js';
import { verifyPasswordGuarded } from './password-check.js';
import { issueSignInChallenge, type IssuedChallenge } from './second-step.js';
import { setupRequirementOf, startSession, type StartedSession } from './sessions.js';
import { isPasswordAllowed } from './single-sign-on.js';

/** W2: 'webauthn' is listed first: the challenge page offers it before the codes. */
export type SecondStepMethod = 'webauthn' | 'totp' | 'sms' | 'recovery_code';

export interface SignInInput {
  email: string;
  password: string;
}

export type SignInResult = Outcome<
  | { status: 'signed_in'; session: StartedSession; browser: IssuedBrowserCookie }
  | { status: 'two_factor_required'; methods: SecondStepMethod[]; challenge: IssuedChallenge; rememberBrowserDays: number }
  | { status: 'two_factor_setup_required'; session: StartedSession; browser: IssuedBrowserCookie }
>;

/** `browserToken`: the device cookie this browser sent, if any (G1). */
export async function signIn(context: AppContext, input: SignInInput, origin: RequestOrigin, previousSessionId?: string, browserToken?: string): Promise<SignInResult> {
  const emailNormalized = normaliseEmail(input.email);
  const user = await findUserByEmail(context.db, emailNormalized);
  // G2: the member's own known browser is counted apart from strangers.
  const knownBrowser = await identifyKnownBrowser(context, browserToken, user?.id);
  const check = await verifyPasswordGuarded(context, emailNormalized, user, input.password, origin, { knownBrowserId: knownBrowser?.id });
  if (!check.ok) {
    if (user && check.code === 'invalid_credentials') {
      await recordAudit(context.db, context, { organizationId: user.organizationId, type: 'user.sign_in_failed', actor: { type: 'anonymous', userId: null }, targetUserId: user.id, origin, details: { reason: 'wrong_password' } });
    }
    return check;
  }
  const member = user!;
  // E5: only after the right password, so the answer tells a guesser nothing about the account.
  if (!(await isPasswordAllowed(context, member))) {
    await recordAudit(context.db, context, { organizationId: member.organizationId, type: 'user.sign_in_failed', actor: { type: 'anonymous', userId: null }, targetUserId: member.id, origin, details: { reason: 'sso_required' } });
    return fail('sso_required');
  }
  const now = nowInMs(context);
  const organization = await findOrganizationById(context.db, member.organizationId);
  const [hasTotp, hasSms, hasWebAuthn] = await Promise.all([hasTotpCredential(context.db, member.id), hasSmsNumber(context.db, member.id), hasWebAuthnCredential(context.db, member.id)]);
  const hasFactor = hasTotp || hasSms || hasWebAuthn;
  // B2: a browser remembered for this member skips the second step (never the password).
  const skipsSecondStep = hasFactor && (await isRememberedForSecondStep(context, knownBrowser, member));
  if (hasFactor && !skipsSecondStep) {
    const challenge = await issueSignInChallenge(context.db, context, member.id, origin);
    // S4: a number is offered only while the organization allows text messages.
    const methods: SecondStepMethod[] = [];
    if (hasWebAuthn) methods.push('webauthn');
    if (hasTotp) methods.push('totp');
    if (hasSms && organization?.smsAllowed === 1) methods.push('sms');
    methods.push('recovery_code');
    // B2: the challenge page offers "don't ask again" for this many days (0: not offered).
    return { ok: true, status: 'two_factor_required', methods, challenge, rememberBrowserDays: organization?.rememberBrowserDays ?? 0 };
  }
  // P5: no way around the setup for a member without a second factor (a remembered browser means one is set up).
  const setupOnly = organization !== undefined && mustSetUpAtSignIn(setupRequirementOf(member, organization), skipsSecondStep, now);
  const session = await context.db.transaction().execute(async (trx) => {
    // A3: signing in replaces whatever session this browser had.
    if (previousSessionId) await deleteSession(trx, previousSessionId);
    const started = await startSession(trx, context, member.id, origin, { setupOnly });
    await recordLogin(trx, member.id, now, 'password');
    await recordAudit(trx, context, {
      organizationId: member.organizationId,
      type: 'user.signed_in',
      actor: memberActor(member.id),
      targetUserId: member.id,
      origin,
      details: { method: 'password', secondFactor: skipsSecondStep ? 'remembered_browser' : null, ...(setupOnly ? { setupRequired: true } : {}) },
    });
    return started;
  });
  // G1: this browser is known to the member from now on (G4: e-mailed when it is new).
  const browser = await recognizeBrowser(context, member, browserToken, origin, { notify: true });
  return setupOnly ? { ok: true, status: 'two_factor_setup_required', session, browser } : { ok: true, status: 'signed_in', session, browser };
}
