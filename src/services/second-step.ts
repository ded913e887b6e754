// L1–L4: the second step of signing in. A pending challenge (not a session) is completed once by
// a right code; wrong codes are counted per member, across challenges and addresses (L3).
import type { Kysely } from 'kysely';
import { newId } from '../core/ids.js';
import { challengeLifetimeInMs, type SecondFactorMethod } from '../core/second-factor.js';
import { recoveryCodeUsedMessage } from '../mail/templates.js';
import { hashToken, newOpaqueToken } from '../security/tokens.js';
import { findOrganizationById } from '../store/organizations.js';
import { countUnusedRecoveryCodes, setRecoveryCodesRegenerationRequired } from '../store/recovery-codes.js';
import type { Database, SignInMethod, User } from '../store/schema.js';
import { deleteSession } from '../store/sessions.js';
import { deleteSignInChallengeByTokenHash, findOpenChallengeWithMember, insertSignInChallenge, takeSignInChallenge, type SecondStepPolicy } from '../store/sign-in-challenges.js';
import { recordLogin } from '../store/users.js';
import { memberActor, recordAudit } from './audit.js';
import { fail, nowInMs, type AppContext, type Outcome, type RequestOrigin } from './context.js';
import { identifyKnownBrowser, notifyNewBrowser, recordBrowserAfterSecondStep, type IssuedBrowserCookie } from './known-browsers.js';
import { addReplacementRecoveryCode } from './recovery-codes.js';
import { attemptSecondFactorCode } from './second-factor-codes.js';
import { startSession, type StartedSession } from './sessions.js';
import { mustSetUpAfterSecondStep } from './webauthn-policy.js';

export interface IssuedChallenge {
  token: string;
  expiresAt: number;
}

/** `firstFactor`: what the member has just passed, the password or the organization's provider (E4). */
export async function issueSignInChallenge(db: Kysely<Database>, context: AppContext, userId: string, origin: RequestOrigin, firstFactor: 'password' | 'sso' = 'password'): Promise<IssuedChallenge> {
  const now = nowInMs(context);
  const token = newOpaqueToken();
  const expiresAt = now + challengeLifetimeInMs;
  await insertSignInChallenge(db, { id: newId(now, context.random), tokenHash: hashToken(token), userId, createdAt: now, expiresAt, ip: origin.ip, userAgent: origin.userAgent, firstFactor });
  return { token, expiresAt };
}

export type SecondStepResult = Outcome<{ session: StartedSession; method: SecondFactorMethod; recoveryCodesRemaining?: number; browserCookie: IssuedBrowserCookie }>;

/** G1 B2: the browser completing the second step: its device cookie, and whether to remember it. */
export interface SecondStepBrowser {
  token: string | undefined;
  rememberBrowser: boolean;
}

/** L1: signing out between the password and the code ends the challenge, not only its cookie. */
export async function abandonSignInChallenge(context: AppContext, challengeToken: string): Promise<void> {
  await deleteSignInChallengeByTokenHash(context.db, hashToken(challengeToken));
}

/** Thrown inside the transaction to undo a claimed code when the challenge was already used. */
export class ChallengeAlreadyCompleted extends Error {}

/**
 * L1 L4: a right second factor completes the challenge once (throws ChallengeAlreadyCompleted
 * otherwise, undoing the transaction) and opens the session, with the login and its audit event.
 */
export async function completeSignInChallenge(
  trx: Kysely<Database>,
  context: AppContext,
  input: { challengeId: string; user: User; method: SignInMethod; origin: RequestOrigin; previousSessionId?: string; details?: Record<string, unknown>; loginRecorded?: boolean; organizationPolicy?: SecondStepPolicy },
): Promise<StartedSession> {
  const { user, method, origin } = input;
  if (!(await takeSignInChallenge(trx, input.challengeId))) throw new ChallengeAlreadyCompleted();
  if (input.previousSessionId) await deleteSession(trx, input.previousSessionId);
  // W5 P5: a factor the organization does not count leads into the setup of one it does.
  const setupOnly = await mustSetUpAfterSecondStep(trx, user, nowInMs(context), input.organizationPolicy);
  const session = await startSession(trx, context, user.id, origin, { secondFactorVerified: true, secondFactor: method, setupOnly });
  // `loginRecorded`: the code's check already wrote the sign-in on the member's row (one write).
  if (!input.loginRecorded) await recordLogin(trx, user.id, nowInMs(context), method);
  await recordAudit(trx, context, { organizationId: user.organizationId, type: 'user.signed_in', actor: memberActor(user.id), targetUserId: user.id, origin, details: { method: 'password', secondFactor: method, ...input.details } });
  return session;
}

export async function completeSecondStep(
  context: AppContext,
  challengeToken: string | undefined,
  code: string,
  origin: RequestOrigin,
  browser: SecondStepBrowser,
  previousSessionId?: string,
): Promise<SecondStepResult> {
  const now = nowInMs(context);
  const open = challengeToken ? await findOpenChallengeWithMember(context.db, hashToken(challengeToken), now) : undefined;
  if (!open) return fail('unauthenticated', { detail: 'Your sign-in has expired. Enter your e-mail and password again.' });
  const { challenge, user } = open;

  let attempt;
  try {
    // L3: the lock check, the code's use and the count are one unit; with a right code the
    // session, the R6 policy and their audit events commit with them.
    attempt = await attemptSecondFactorCode(
      context,
      user,
      code,
      origin,
      { type: 'anonymous', userId: null },
      async (trx, method) => {
        const session = await completeSignInChallenge(trx, context, { challengeId: challenge.id, user, method, origin, previousSessionId, details: { method: challenge.firstFactor }, loginRecorded: true, organizationPolicy: open.organizationPolicy });
        // The member's row is locked since the code check, so concurrent sign-ins of one member
        // count their remaining recovery codes one after the other (R6, no write skew).
        const recoveryCodesRemaining = method === 'recovery_code' ? await applyRecoveryCodePolicy(trx, context, user, origin) : undefined;
        // G1 B2 in the same commit as the sign-in (one commit per sign-in, not two); read only
        // once the code is right, so a wrong code costs nothing more.
        const knownBrowser = await identifyKnownBrowser(context, browser.token, user.id, trx);
        const browserCookie = await recordBrowserAfterSecondStep(trx, context, user, method, knownBrowser, browser.rememberBrowser, origin);
        return { session, recoveryCodesRemaining, browserCookie, newBrowser: knownBrowser === undefined };
      },
      // The sign-in's time and method go on the member's row with the code's use (one write).
      { totpSecretSealed: open.totpSecretSealed, recordSignIn: true },
    );
  } catch (error) {
    if (error instanceof ChallengeAlreadyCompleted) return fail('unauthenticated', { detail: 'This sign-in was already completed.' });
    throw error;
  }
  if (!attempt.ok) return attempt;
  const { session, recoveryCodesRemaining, browserCookie, newBrowser } = attempt.accepted;
  // G4 and R7, after the commit.
  if (newBrowser) notifyNewBrowser(context, user, origin);
  if (recoveryCodesRemaining === undefined) return { ok: true, session, method: attempt.method, browserCookie };
  context.mailer.send(recoveryCodeUsedMessage(user.email, recoveryCodesRemaining), origin);
  return { ok: true, session, method: attempt.method, recoveryCodesRemaining, browserCookie };
}

/** R6: applies the organization's policy after a recovery code was used; returns how many remain. */
async function applyRecoveryCodePolicy(db: Kysely<Database>, context: AppContext, user: User, origin: RequestOrigin): Promise<number> {
  const organization = await findOrganizationById(db, user.organizationId);
  const isReplace = organization?.recoveryCodePolicy === 'replace';
  const { remaining } = await countUnusedRecoveryCodes(db, user.id);
  if (isReplace) await addReplacementRecoveryCode(db, context, user.id);
  else if (remaining === 0) await setRecoveryCodesRegenerationRequired(db, user.id, true);
  const after = isReplace ? remaining + 1 : remaining;
  await recordAudit(db, context, { organizationId: user.organizationId, type: 'two_factor.recovery_code_used', actor: memberActor(user.id), targetUserId: user.id, origin, details: { remaining: after } });
  return after;
}
