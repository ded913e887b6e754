// W2: a security key or passkey as the second step of a sign-in; W3: a passkey sign-in without a
// password. Both go through attemptWebAuthnAssertion (one challenge use, the counter, the L3 lock).
import { findOrganizationById } from '../store/organizations.js';
import { deleteSession } from '../store/sessions.js';
import { findOpenChallengeWithMember } from '../store/sign-in-challenges.js';
import { findUserById, recordLogin } from '../store/users.js';
import { listWebAuthnCredentials } from '../store/webauthn.js';
import type { SignInMethod, User } from '../store/schema.js';
import { hashToken } from '../security/tokens.js';
import { memberActor, recordAudit } from './audit.js';
import { fail, nowInMs, type AppContext, type Outcome, type RequestOrigin } from './context.js';
import { refuseWhileLocked } from './second-factor-codes.js';
import { ChallengeAlreadyCompleted, completeSignInChallenge } from './second-step.js';
import { startSession, type StartedSession } from './sessions.js';
import { factorPolicyOf, rememberChallenge } from './webauthn.js';
import { isMethodCounted, passkeyOptionsPerAddress } from '../core/webauthn.js';
import { claimSend } from './throttled-sending.js';
import { attemptWebAuthnAssertion, credentialOfAssertion } from './webauthn-assertions.js';
import { requestOptions, type AuthenticationResponseJSON } from './webauthn-ceremonies.js';

const expired = () => fail('unauthenticated', { detail: 'Your sign-in has expired. Enter your e-mail and password again.' });

/** W2: during a sign-in challenge, request options for the member's credentials. */
export async function startWebAuthnSecondStep(context: AppContext, challengeToken: string | undefined): Promise<Outcome<{ options: unknown }>> {
  const now = nowInMs(context);
  const open = challengeToken ? await findOpenChallengeWithMember(context.db, hashToken(challengeToken), now) : undefined;
  if (!open) return expired();
  const locked = refuseWhileLocked(open.user, now);
  if (locked) return locked;
  const credentials = await listWebAuthnCredentials(context.db, open.user.id);
  if (credentials.length === 0) return fail('not_found', { detail: 'There is no security key or passkey for this account.' });
  const options = await requestOptions(context, { credentials, userVerification: 'preferred' });
  await rememberChallenge(context, options.challenge, 'second_step', open.user.id);
  return { ok: true, options };
}

export type WebAuthnSignInResult = Outcome<{ session: StartedSession; user: User; method: SignInMethod }>;

/** W2 L1–L4: the assertion completes the challenge once and opens the session. */
export async function completeWebAuthnSecondStep(context: AppContext, challengeToken: string | undefined, response: AuthenticationResponseJSON, origin: RequestOrigin, previousSessionId?: string): Promise<WebAuthnSignInResult> {
  const now = nowInMs(context);
  const open = challengeToken ? await findOpenChallengeWithMember(context.db, hashToken(challengeToken), now) : undefined;
  if (!open) return expired();
  const { challenge, user } = open;
  const credential = await credentialOfAssertion(context, response);
  try {
    const check = { purpose: 'second_step', requireUserVerification: false, challengeUserId: user.id, countsFailures: true } as const;
    const attempt = await attemptWebAuthnAssertion(context, user, credential, response, check, origin, { type: 'anonymous', userId: null }, (trx, accepted) =>
      completeSignInChallenge(trx, context, { challengeId: challenge.id, user, method: 'webauthn', origin, previousSessionId, details: { method: challenge.firstFactor, credentialId: accepted.credential.id, userVerified: accepted.userVerified } }),
    );
    if (!attempt.ok) return attempt;
    return { ok: true, session: attempt.accepted, user, method: 'webauthn' };
  } catch (error) {
    if (error instanceof ChallengeAlreadyCompleted) return fail('unauthenticated', { detail: 'This sign-in was already completed.' });
    throw error;
  }
}

/** W3: request options for any discoverable credential of this relying party, user verification required. */
export async function startPasskeySignIn(context: AppContext, origin: RequestOrigin): Promise<Outcome<{ options: unknown }>> {
  const refused = await claimSend(context, [[passkeyOptionsPerAddress, origin.ip ?? 'unknown']], 'Too many passkey sign-ins from this address. Wait a moment and try again.');
  if (refused) return refused;
  const options = await requestOptions(context, { credentials: null, userVerification: 'required' });
  await rememberChallenge(context, options.challenge, 'passkey_sign_in', null);
  return { ok: true, options };
}

const passkeyRefused = () => fail('webauthn_rejected', { detail: 'This passkey could not be verified. Try again, or sign in with your password.' });

/**
 * W3 W4: a discoverable credential verified with user verification signs its member in directly,
 * unless the organization turned passkey sign-in off or the member's second step is locked (L3).
 * Without user verification it counts only as a second factor, so it is refused here.
 */
export async function completePasskeySignIn(context: AppContext, response: AuthenticationResponseJSON, origin: RequestOrigin, previousSessionId?: string): Promise<WebAuthnSignInResult> {
  const credential = await credentialOfAssertion(context, response);
  const user = credential ? await findUserById(context.db, credential.userId) : undefined;
  const organization = user ? await findOrganizationById(context.db, user.organizationId) : undefined;
  if (!credential || !user || !organization) return passkeyRefused();
  if (organization.passkeySignIn !== 1) return fail('passkey_sign_in_disabled');
  if (!isMethodCounted('webauthn', { ...factorPolicyOf(organization), requirePhishingResistant: false })) return fail('method_not_allowed', { detail: 'Your organization does not allow security keys and passkeys.' });
  const now = nowInMs(context);
  const check = { purpose: 'passkey_sign_in', requireUserVerification: true, challengeUserId: null, countsFailures: false } as const;
  const attempt = await attemptWebAuthnAssertion(context, user, credential, response, check, origin, { type: 'anonymous', userId: null }, async (trx, accepted) => {
    if (previousSessionId) await deleteSession(trx, previousSessionId);
    const session = await startSession(trx, context, user.id, origin, { secondFactorVerified: true, secondFactor: 'passkey' });
    await recordLogin(trx, user.id, now, 'passkey');
    await recordAudit(trx, context, { organizationId: user.organizationId, type: 'user.signed_in', actor: memberActor(user.id), targetUserId: user.id, origin, details: { method: 'passkey', secondFactor: 'passkey', credentialId: accepted.credential.id } });
    return session;
  });
  if (!attempt.ok) return attempt.code === 'webauthn_rejected' ? passkeyRefused() : attempt;
  return { ok: true, session: attempt.accepted, user, method: 'passkey' };
}
