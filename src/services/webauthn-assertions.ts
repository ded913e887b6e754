// W2: checking a security key's or passkey's assertion for a member, with the second step's lock
// (L3): the lock check, the challenge's use, the signature check, the counter's update and the
// wrong-answer count are one transaction, as for codes (second-factor-codes.ts).
import type { Kysely } from 'kysely';
import { secondFactorLockPolicy } from '../core/second-factor.js';
import { checkSignCounter } from '../core/webauthn.js';
import { secondFactorLockedMessage } from '../mail/templates.js';
import type { Database, User, WebAuthnChallengePurpose, WebAuthnCredential } from '../store/schema.js';
import { countSecondFactorFailure, holdSecondFactorUnlessLocked, readSecondFactorLock, resetSecondFactorFailures } from '../store/second-factor-throttle.js';
import { findWebAuthnCredentialByCredentialId, recordWebAuthnUse, takeWebAuthnChallenge } from '../store/webauthn.js';
import { recordAudit, type AuditEntry } from './audit.js';
import { fail, nowInMs, type AppContext, type Outcome, type RequestOrigin } from './context.js';
import { refuseWhileLocked } from './second-factor-codes.js';
import { claimedChallengeOf, verifyAssertion, type AuthenticationResponseJSON } from './webauthn-ceremonies.js';

export interface AcceptedAssertion {
  credential: WebAuthnCredential;
  userVerified: boolean;
}

export interface AssertionCheck {
  purpose: WebAuthnChallengePurpose;
  /** W3: a passkey sign-in requires user verification (W4). */
  requireUserVerification: boolean;
  /** The challenge was issued to this member (null: to anyone, W3). */
  challengeUserId: string | null;
  /** L3: whether a refused assertion counts towards the member's lock (not for W3, where anyone may try a known credential id). */
  countsFailures: boolean;
}

const rejected = () => fail('webauthn_rejected', { detail: 'Your security key or passkey could not be verified. Try again, or use another method.' });

/** The member's credential an assertion names; undefined when it is not theirs. */
export async function credentialOfAssertion(context: AppContext, response: AuthenticationResponseJSON): Promise<WebAuthnCredential | undefined> {
  return findWebAuthnCredentialByCredentialId(context.db, response.id);
}

/**
 * THE way to accept an assertion: refused while the second step is locked (429), the ceremony's
 * challenge is taken once (an assertion is accepted once), the library checks origin, RP id,
 * signature and user presence (and verification when asked), and the signature counter must grow
 * (a counter that does not is refused and audited as a possibly cloned key). On success
 * `onAccepted` runs in the same transaction.
 */
export async function attemptWebAuthnAssertion<T>(
  context: AppContext,
  user: User,
  credential: WebAuthnCredential | undefined,
  response: AuthenticationResponseJSON,
  check: AssertionCheck,
  origin: RequestOrigin,
  actor: AuditEntry['actor'],
  onAccepted: (trx: Kysely<Database>, accepted: AcceptedAssertion) => Promise<T>,
): Promise<Outcome<{ accepted: T; assertion: AcceptedAssertion }>> {
  const now = nowInMs(context);
  const locked = refuseWhileLocked(user, now);
  if (locked) return locked;
  const challenge = claimedChallengeOf(response);
  const ownCredential = credential && credential.userId === user.id ? credential : undefined;
  const { consecutiveFailureLimit, lockInMs } = secondFactorLockPolicy;
  const attempt = await context.db.transaction().execute(async (trx) => {
    const held = await holdSecondFactorUnlessLocked(trx, user.id, now);
    if (!held) return { outcome: 'locked', lockedUntil: await readSecondFactorLock(trx, user.id) } as const;
    const verdict = await verify(trx, context, ownCredential, response, challenge, check, now);
    if (verdict.ok) {
      if (held.failures > 0) await resetSecondFactorFailures(trx, user.id);
      const assertion = { credential: verdict.credential, userVerified: verdict.userVerified };
      return { outcome: 'accepted', assertion, accepted: await onAccepted(trx, assertion) } as const;
    }
    if (verdict.reason === 'clone_suspected') {
      await recordAudit(trx, context, { organizationId: user.organizationId, type: 'two_factor.webauthn_clone_suspected', actor, targetUserId: user.id, origin, details: verdict.details });
    }
    if (!check.countsFailures) return { outcome: 'rejected', lockedUntil: null } as const;
    const counted = await countSecondFactorFailure(trx, user.id, now, consecutiveFailureLimit, lockInMs);
    if (!counted.counted) return { outcome: 'locked', lockedUntil: counted.lockedUntil } as const;
    await recordAudit(trx, context, { organizationId: user.organizationId, type: counted.lockedNow ? 'two_factor.locked' : 'two_factor.code_rejected', actor, targetUserId: user.id, origin, details: { method: 'webauthn', reason: verdict.reason } });
    return { outcome: 'rejected', lockedUntil: counted.lockedNow ? counted.lockedUntil : null } as const;
  });
  switch (attempt.outcome) {
    case 'accepted':
      return { ok: true, accepted: attempt.accepted, assertion: attempt.assertion };
    case 'locked':
      return fail('rate_limited', { retryAfterInMs: Math.max(0, (attempt.lockedUntil ?? now) - now) });
    case 'rejected':
      if (attempt.lockedUntil !== null) context.mailer.send(secondFactorLockedMessage(user.email, new Date(attempt.lockedUntil)), origin);
      return rejected();
  }
}

type Verdict =
  | { ok: true; credential: WebAuthnCredential; userVerified: boolean }
  | { ok: false; reason: 'unknown_credential' | 'challenge' | 'verification_failed'; details?: undefined }
  | { ok: false; reason: 'clone_suspected'; details: Record<string, unknown> };

async function verify(
  trx: Kysely<Database>,
  context: AppContext,
  credential: WebAuthnCredential | undefined,
  response: AuthenticationResponseJSON,
  challenge: string | undefined,
  check: AssertionCheck,
  now: number,
): Promise<Verdict> {
  // The challenge is used up first, whatever follows: an assertion is answered once.
  if (challenge === undefined || !(await takeWebAuthnChallenge(trx, challenge, [check.purpose], check.challengeUserId, now))) return { ok: false, reason: 'challenge' };
  if (!credential) return { ok: false, reason: 'unknown_credential' };
  const verified = await verifyAssertion(context, response, challenge, credential, check.requireUserVerification);
  if (!verified) return { ok: false, reason: 'verification_failed' };
  // Read again under the member's row lock: the counter another sign-in may just have moved.
  const current = await findWebAuthnCredentialByCredentialId(trx, credential.credentialId);
  if (!current) return { ok: false, reason: 'unknown_credential' };
  const counter = checkSignCounter(current.counter, verified.newCounter);
  const details = { credentialId: current.id, name: current.name, storedCounter: current.counter, receivedCounter: verified.newCounter };
  if (!counter.ok) return { ok: false, reason: 'clone_suspected', details };
  if (!(await recordWebAuthnUse(trx, current.id, verified.newCounter, verified.backedUp, now))) return { ok: false, reason: 'clone_suspected', details };
  return { ok: true, credential: current, userVerified: verified.userVerified };
}
