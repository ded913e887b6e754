// Checking a submitted code (authenticator, text message or recovery) for a member, and using it up atomically:
// the TOTP step is claimed (T5) or the recovery code consumed (R2) in one conditional UPDATE.
// Wrong codes count towards one lock per member (L3), wherever they are tried; the lock check, the
// code's use and the count are one transaction (attemptSecondFactorCode).
import type { Kysely } from 'kysely';
import { decodeBase32 } from '../core/base32.js';
import { classifySubmittedCode, isSecondFactorLocked, secondFactorLockPolicy, type SecondFactorMethod } from '../core/second-factor.js';
import { verifyTotp } from '../core/totp.js';
import { secondFactorLockedMessage } from '../mail/templates.js';
import { nodeHmac } from '../security/hmac.js';
import { consumeRecoveryCode } from '../store/recovery-codes.js';
import type { Database, SmsCodePurpose, User } from '../store/schema.js';
import { consumeSmsCode } from '../store/text-messages.js';
import { claimTotpStepUnlessLocked, countSecondFactorFailure, holdSecondFactorUnlessLocked, readSecondFactorLock, resetSecondFactorFailures } from '../store/second-factor-throttle.js';
import { claimTotpStep, findTotpSecretSealed } from '../store/totp.js';
import { recordLogin } from '../store/users.js';
import { recordAudit, type AuditEntry } from './audit.js';
import { fail, nowInMs, type AppContext, type Failure, type Outcome, type RequestOrigin } from './context.js';
import { recoveryCodeHashes } from './recovery-codes.js';

export function openTotpSecret(context: AppContext, sealed: string): Uint8Array {
  const secret = decodeBase32(context.secretBox.open(sealed));
  if (!secret) throw new Error('A stored TOTP secret is not base32');
  return secret;
}

/**
 * THE way to check a member's second-factor code, wherever one is asked for (signing in, turning
 * two-factor authentication off, removing a number, confirming with a current code …): the lock
 * check, the code's use and the wrong-code count are one transaction (L3, T5, R2, S2):
 *
 * 1. one statement takes the member's row unless the second step is locked (then: 429
 *    `rate_limited` with Retry-After, nothing tried) — concurrent checks of one member, on any
 *    number of instances, run one after the other from here;
 * 2. the code is checked and used up (TOTP step claimed, recovery or texted code consumed);
 * 3. right: the count is cleared and `onAccepted(trx, method)` makes the caller's change with its
 *    audit event in the same transaction (throwing there undoes everything, the code stays unused);
 *    wrong (or not a code at all): the failure is counted — the tenth in a row locks — with its
 *    `two_factor.code_rejected` / `two_factor.locked` event, and 400 `invalid_code` — or 400
 *    `code_already_used` for an authenticator code whose step was already accepted (T5), counted
 *    exactly like a wrong one.
 *
 * The lock e-mail goes out after the commit. Only keyed hashes and HMACs run inside the
 * transaction (no argon2). `totpSecretSealed`: the member's sealed TOTP secret when the caller
 * already read it (null: none), saving a read. `recordSignIn`: the code completes a sign-in, whose
 * time and method are written on the member's row with the code's use (before `onAccepted`).
 *
 * The common case, a right authenticator code with the secret known, is checked before the
 * transaction (HMACs only) against the last accepted step as read with the request, and then
 * claimed in one statement that also checks the lock and clears the count
 * (claimTotpStepUnlessLocked): one write of the member's row. If that statement changes nothing
 * (locked, or the step taken meanwhile) the general path above runs in the same transaction and
 * answers as it always did. A code that fails this early check fails the check under the lock too
 * (a later last step only refuses more), so the general path does not compute it again.
 */
export async function attemptSecondFactorCode<T>(
  context: AppContext,
  user: User,
  code: string,
  origin: RequestOrigin,
  actor: AuditEntry['actor'],
  onAccepted: (trx: Kysely<Database>, method: SecondFactorMethod) => Promise<T>,
  options: { totpSecretSealed?: string | null; recordSignIn?: boolean } = {},
): Promise<Outcome<{ method: SecondFactorMethod; accepted: T }>> {
  const now = nowInMs(context);
  // Already locked when the request's member was read: the lock only ends with time, so no
  // transaction is needed to refuse.
  const locked = refuseWhileLocked(user, now);
  if (locked) return locked;
  const candidate = candidateOf(context, user.id, code);
  const { consecutiveFailureLimit, lockInMs } = secondFactorLockPolicy;
  const early = earlyTotpCheck(context, user, candidate, options.totpSecretSealed, now);
  const attempt = await context.db.transaction().execute(async (trx) => {
    if (early.ok && (await claimTotpStepUnlessLocked(trx, user.id, early.step, now, options.recordSignIn ? { method: 'totp' } : undefined))) {
      return { outcome: 'accepted', method: 'totp', accepted: await onAccepted(trx, 'totp') } as const;
    }
    const held = await holdSecondFactorUnlessLocked(trx, user.id, now);
    if (!held) return { outcome: 'locked', lockedUntil: await readSecondFactorLock(trx, user.id) } as const;
    const used: CodeUse = candidate ? await useCode(trx, context, user.id, candidate, held.totpLastAcceptedStep, now, early.ok ? options.totpSecretSealed : early.secretSealed) : { ok: false, reason: 'invalid_code' };
    if (used.ok) {
      if (held.failures > 0) await resetSecondFactorFailures(trx, user.id);
      if (options.recordSignIn) await recordLogin(trx, user.id, now, used.method);
      return { outcome: 'accepted', method: used.method, accepted: await onAccepted(trx, used.method) } as const;
    }
    // T5 with L3: a code already used counts as a wrong one, through the same count and lock.
    const reason = used.reason === 'invalid_code' && !early.ok && early.replayed ? 'code_already_used' : used.reason;
    const counted = await countSecondFactorFailure(trx, user.id, now, consecutiveFailureLimit, lockInMs);
    if (!counted.counted) return { outcome: 'locked', lockedUntil: counted.lockedUntil } as const;
    await recordAudit(trx, context, {
      organizationId: user.organizationId,
      type: counted.lockedNow ? 'two_factor.locked' : 'two_factor.code_rejected',
      actor,
      targetUserId: user.id,
      origin,
      ...(reason === 'code_already_used' ? { details: { reason } } : {}),
    });
    return { outcome: 'rejected', reason, lockedUntil: counted.lockedNow ? counted.lockedUntil : null } as const;
  });
  switch (attempt.outcome) {
    case 'accepted':
      return { ok: true, method: attempt.method, accepted: attempt.accepted };
    case 'locked':
      return fail('rate_limited', { retryAfterInMs: Math.max(0, (attempt.lockedUntil ?? now) - now) });
    case 'rejected':
      // Every wrong code gets the same answer, whatever made it wrong, so it tells nothing about
      // how close it was.
      if (attempt.lockedUntil !== null) context.mailer.send(secondFactorLockedMessage(user.email, new Date(attempt.lockedUntil)), origin);
      // T5: an authenticator code that is right but whose time step was already accepted says so
      // (the person waits for the next code instead of doubting their app). It tells a guesser
      // nothing usable: that step and every earlier one are refused for good.
      if (attempt.reason === 'code_already_used') {
        return fail('code_already_used', { fieldErrors: [{ field: 'code', message: 'This code was just used. Wait for the next one.' }] });
      }
      return fail('invalid_code', { fieldErrors: [{ field: 'code', message: 'That code is not correct.' }] });
  }
}

/**
 * The authenticator code checked before the transaction, when the secret is known: `ok` with the
 * matched step, or what the general path should use as the secret (null when this check already
 * refused the code, so it is not computed again; the caller's value when it could not check).
 */
function earlyTotpCheck(
  context: AppContext,
  user: User,
  candidate: Candidate | undefined,
  totpSecretSealed: string | null | undefined,
  now: number,
): { ok: true; step: number } | { ok: false; secretSealed: string | null | undefined; replayed: boolean } {
  if (candidate?.method !== 'one_time_code' || candidate.code.length !== 6 || typeof totpSecretSealed !== 'string') return { ok: false, secretSealed: totpSecretSealed, replayed: false };
  const check = verifyTotp(nodeHmac, openTotpSecret(context, totpSecretSealed), candidate.code, now, user.totpLastAcceptedStep);
  // A right code of a step already accepted (T5) stays refused; `replayed` lets the answer say so.
  return check.ok ? { ok: true, step: check.step } : { ok: false, secretSealed: null, replayed: check.reason === 'replayed' };
}

/**
 * A submitted code; a recovery code with its look-up hashes, computed before the transaction. A
 * six- or seven-digit code's texted-code hashes are computed only if it is not the authenticator's
 * (the common right code needs none).
 */
type Candidate = { method: 'one_time_code'; code: string } | { method: 'recovery_code'; codeHashes: string[] };

function candidateOf(context: AppContext, userId: string, code: string): Candidate | undefined {
  const submitted = classifySubmittedCode(code);
  if (!submitted) return undefined;
  return submitted.method === 'one_time_code'
    ? { method: 'one_time_code', code: submitted.code }
    : { method: 'recovery_code', codeHashes: recoveryCodeHashes(context, userId, submitted.code) };
}

/** What became of a submitted code: used (its method), or why not. */
type CodeUse = { ok: true; method: SecondFactorMethod } | { ok: false; reason: 'invalid_code' | 'code_already_used' };

/** Uses the code if it is right (one conditional UPDATE each, T5 R2 S2); else why not (wrong, or an authenticator step already accepted). */
async function useCode(
  trx: Kysely<Database>,
  context: AppContext,
  userId: string,
  candidate: Candidate,
  totpLastAcceptedStep: number | null,
  now: number,
  knownTotpSecretSealed: string | null | undefined,
): Promise<CodeUse> {
  switch (candidate.method) {
    case 'one_time_code': {
      // S2: six digits may be the authenticator's or a texted code; either may match.
      let isReplayedTotp = false;
      if (candidate.code.length === 6) {
        const sealed = knownTotpSecretSealed === undefined ? await findTotpSecretSealed(trx, userId) : knownTotpSecretSealed;
        if (sealed) {
          const check = verifyTotp(nodeHmac, openTotpSecret(context, sealed), candidate.code, now, totpLastAcceptedStep);
          if (check.ok && (await claimTotpStep(trx, userId, check.step))) return { ok: true, method: 'totp' };
          // A right code whose step was accepted already (T5), or claimed by a concurrent check an instant ago.
          isReplayedTotp = check.ok || check.reason === 'replayed';
        }
      }
      if (await consumeSmsCode(trx, userId, 'sign_in', smsCodeHashes(context, userId, 'sign_in', candidate.code), now)) return { ok: true, method: 'sms' };
      return { ok: false, reason: isReplayedTotp ? 'code_already_used' : 'invalid_code' };
    }
    case 'recovery_code':
      return (await consumeRecoveryCode(trx, userId, candidate.codeHashes, now)) ? { ok: true, method: 'recovery_code' } : { ok: false, reason: 'invalid_code' };
  }
}

/** S2: a texted code is kept only as a keyed hash, bound to its member and purpose. */
export function smsCodeHash(context: AppContext, userId: string, purpose: SmsCodePurpose, code: string): string {
  return context.keyedHasher.hash(smsCodeHashInput(userId, purpose, code));
}

/** N5: the same under every loaded server key, the newest first (for look-ups). */
export function smsCodeHashes(context: AppContext, userId: string, purpose: SmsCodePurpose, code: string): string[] {
  return context.keyedHasher.hashAll(smsCodeHashInput(userId, purpose, code));
}

function smsCodeHashInput(userId: string, purpose: SmsCodePurpose, code: string): string {
  return `sms:${userId}:${purpose}:${code}`;
}

/**
 * L3: while locked, every try is refused, a right code included. A quick check on the member as
 * read with the request, for refusing early (e.g. sending no code while locked); checking a code
 * goes through attemptSecondFactorCode, which checks the lock again under the row lock.
 */
export function refuseWhileLocked(user: User, nowInMs: number): Failure | undefined {
  if (!isSecondFactorLocked(user.secondFactorLockedUntil, nowInMs)) return undefined;
  return fail('rate_limited', { retryAfterInMs: user.secondFactorLockedUntil! - nowInMs });
}
