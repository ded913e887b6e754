// L1–L4: the second step of signing in. A pending challenge (not a session) is completed once by
// a right code; wrong codes are counted per member, across challenges and addresses (L3).
import type { Kysely } from 'kysely';
import { newId } from '../core/ids.js';
import { challengeLifetimeInMs, classifySubmittedCode, isSecondFactorLocked, secondFactorLockPolicy, type SecondFactorMethod } from '../core/second-factor.js';
import { recoveryCodeUsedMessage, secondFactorLockedMessage } from '../mail/templates.js';
import { hashToken, newOpaqueToken } from '../security/tokens.js';
import { findOrganizationById } from '../store/organizations.js';
import { countUnusedRecoveryCodes, setRecoveryCodesRegenerationRequired } from '../store/recovery-codes.js';
import type { Database, User } from '../store/schema.js';
import { countSecondFactorFailure, resetSecondFactorFailures } from '../store/second-factor-throttle.js';
import { deleteSession } from '../store/sessions.js';
import { findSignInChallenge, insertSignInChallenge, takeSignInChallenge } from '../store/sign-in-challenges.js';
import { findUserById, recordLogin } from '../store/users.js';
import { memberActor, recordAudit } from './audit.js';
import { fail, nowInMs, type AppContext, type Outcome, type RequestOrigin } from './context.js';
import { addReplacementRecoveryCode } from './recovery-codes.js';
import { useSecondFactorCode } from './second-factor-codes.js';
import { startSession, type StartedSession } from './sessions.js';

export interface IssuedChallenge {
  token: string;
  expiresAt: number;
}

export async function issueSignInChallenge(db: Kysely<Database>, context: AppContext, userId: string, origin: RequestOrigin): Promise<IssuedChallenge> {
  const now = nowInMs(context);
  const token = newOpaqueToken();
  const expiresAt = now + challengeLifetimeInMs;
  await insertSignInChallenge(db, { id: newId(now, context.random), tokenHash: hashToken(token), userId, createdAt: now, expiresAt, ip: origin.ip, userAgent: origin.userAgent });
  return { token, expiresAt };
}

export type SecondStepResult = Outcome<{ session: StartedSession; method: SecondFactorMethod; recoveryCodesRemaining?: number }>;

/** Thrown inside the transaction to undo a claimed code when the challenge was already used. */
class ChallengeAlreadyCompleted extends Error {}

export async function completeSecondStep(context: AppContext, challengeToken: string | undefined, code: string, origin: RequestOrigin, previousSessionId?: string): Promise<SecondStepResult> {
  const now = nowInMs(context);
  const challenge = challengeToken ? await findSignInChallenge(context.db, hashToken(challengeToken), now) : undefined;
  if (!challenge) return fail('unauthenticated', { detail: 'Your sign-in has expired. Enter your e-mail and password again.' });
  const user = await findUserById(context.db, challenge.userId);
  if (!user) return fail('unauthenticated');

  // L3: while locked, every try is refused, a right code included.
  if (isSecondFactorLocked(user.secondFactorLockedUntil, now)) return fail('rate_limited', { retryAfterInMs: user.secondFactorLockedUntil! - now });

  const submitted = classifySubmittedCode(code);
  let completed: { session: StartedSession; method: SecondFactorMethod } | undefined;
  if (submitted) {
    try {
      completed = await context.db.transaction().execute(async (trx) => {
        const used = await useSecondFactorCode(trx, context, user, submitted);
        if (!used.ok) return undefined;
        if (!(await takeSignInChallenge(trx, challenge.id))) throw new ChallengeAlreadyCompleted();
        await resetSecondFactorFailures(trx, user.id);
        if (previousSessionId) await deleteSession(trx, previousSessionId);
        const session = await startSession(trx, context, user.id, origin);
        await recordLogin(trx, user.id, now, used.method);
        await recordAudit(trx, context, { organizationId: user.organizationId, type: 'user.signed_in', actor: memberActor(user.id), targetUserId: user.id, origin, details: { method: 'password', secondFactor: used.method } });
        return { session, method: used.method };
      });
    } catch (error) {
      if (error instanceof ChallengeAlreadyCompleted) return fail('unauthenticated', { detail: 'This sign-in was already completed.' });
      throw error;
    }
  }
  if (!completed) return rejectCode(context, user, origin);
  if (completed.method !== 'recovery_code') return { ok: true, ...completed };
  const remaining = await afterRecoveryCodeUse(context, user, origin);
  return { ok: true, ...completed, recoveryCodesRemaining: remaining };
}

/** L3: counts the wrong code; the tenth in a row locks the second step and e-mails the member. */
async function rejectCode(context: AppContext, user: User, origin: RequestOrigin): Promise<SecondStepResult> {
  const now = nowInMs(context);
  const { consecutiveFailureLimit, lockInMs } = secondFactorLockPolicy;
  const failure = await countSecondFactorFailure(context.db, user.id, now, consecutiveFailureLimit, lockInMs);
  await recordAudit(context.db, context, { organizationId: user.organizationId, type: failure.lockedNow ? 'two_factor.locked' : 'two_factor.code_rejected', actor: { type: 'anonymous', userId: null }, targetUserId: user.id, origin });
  if (failure.lockedNow) context.mailer.send(secondFactorLockedMessage(user.email, user.name, new Date(failure.lockedUntil!)));
  return fail('invalid_code', { fieldErrors: [{ field: 'code', message: 'That code is not correct.' }] });
}

/** R6 and R7: apply the organization's policy and tell the member how many codes remain. */
async function afterRecoveryCodeUse(context: AppContext, user: User, origin: RequestOrigin): Promise<number> {
  const organization = await findOrganizationById(context.db, user.organizationId);
  const remaining = await context.db.transaction().execute(async (trx) => {
    const before = await countUnusedRecoveryCodes(trx, user.id);
    if (organization?.recoveryCodePolicy === 'replace') await addReplacementRecoveryCode(trx, context, user.id);
    else if (before.remaining === 0) await setRecoveryCodesRegenerationRequired(trx, user.id, true);
    const after = organization?.recoveryCodePolicy === 'replace' ? before.remaining + 1 : before.remaining;
    await recordAudit(trx, context, { organizationId: user.organizationId, type: 'two_factor.recovery_code_used', actor: memberActor(user.id), targetUserId: user.id, origin, details: { remaining: after } });
    return after;
  });
  context.mailer.send(recoveryCodeUsedMessage(user.email, user.name, remaining));
  return remaining;
}
