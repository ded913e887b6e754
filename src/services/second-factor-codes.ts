// Checking a submitted code (authenticator, text message or recovery) for a member, and using it up atomically:
// the TOTP step is claimed (T5) or the recovery code consumed (R2) in one conditional UPDATE.
// Wrong codes count towards one lock per member (L3), wherever they are tried.
import type { Kysely } from 'kysely';
import { decodeBase32 } from '../core/base32.js';
import { isSecondFactorLocked, secondFactorLockPolicy, type SecondFactorMethod, type SubmittedCode } from '../core/second-factor.js';
import { verifyTotp } from '../core/totp.js';
import { secondFactorLockedMessage } from '../mail/templates.js';
import { nodeHmac } from '../security/hmac.js';
import { consumeRecoveryCode } from '../store/recovery-codes.js';
import type { Database, SmsCodePurpose, User } from '../store/schema.js';
import { consumeSmsCode } from '../store/text-messages.js';
import { countSecondFactorFailure } from '../store/second-factor-throttle.js';
import { claimTotpStep, findTotpSecretSealed } from '../store/totp.js';
import { recordAudit, type AuditEntry } from './audit.js';
import { fail, nowInMs, type AppContext, type Failure, type RequestOrigin } from './context.js';
import { recoveryCodeHash } from './recovery-codes.js';

export function openTotpSecret(context: AppContext, sealed: string): Uint8Array {
  const secret = decodeBase32(context.secretBox.open(sealed));
  if (!secret) throw new Error('A stored TOTP secret is not base32');
  return secret;
}

/** Uses the code if it is right; false for a wrong, replayed or already used code. */
export async function useSecondFactorCode(
  db: Kysely<Database>,
  context: AppContext,
  user: User,
  submitted: SubmittedCode,
  /** The sealed secret when the caller already read it with the member (null: none). */
  knownTotpSecretSealed?: string | null,
): Promise<{ ok: true; method: SecondFactorMethod } | { ok: false }> {
  const now = nowInMs(context);
  switch (submitted.method) {
    case 'one_time_code': {
      // S2: six digits may be the authenticator's or a texted code; either may match.
      if (submitted.code.length === 6) {
        const sealed = knownTotpSecretSealed === undefined ? await findTotpSecretSealed(db, user.id) : knownTotpSecretSealed;
        if (sealed) {
          const check = verifyTotp(nodeHmac, openTotpSecret(context, sealed), submitted.code, now, user.totpLastAcceptedStep);
          if (check.ok && (await claimTotpStep(db, user.id, check.step))) return { ok: true, method: 'totp' };
        }
      }
      const texted = await consumeSmsCode(db, user.id, 'sign_in', smsCodeHash(context, user.id, 'sign_in', submitted.code), now);
      return texted ? { ok: true, method: 'sms' } : { ok: false };
    }
    case 'recovery_code': {
      const used = await consumeRecoveryCode(db, user.id, recoveryCodeHash(context, user.id, submitted.code), now);
      return used ? { ok: true, method: 'recovery_code' } : { ok: false };
    }
  }
}

/** S2: a texted code is kept only as a keyed hash, bound to its member and purpose. */
export function smsCodeHash(context: AppContext, userId: string, purpose: SmsCodePurpose, code: string): string {
  return context.keyedHasher.hash(`sms:${userId}:${purpose}:${code}`);
}

/** L3: while locked, every try is refused, a right code included. */
export function refuseWhileLocked(user: User, nowInMs: number): Failure | undefined {
  if (!isSecondFactorLocked(user.secondFactorLockedUntil, nowInMs)) return undefined;
  return fail('rate_limited', { retryAfterInMs: user.secondFactorLockedUntil! - nowInMs });
}

/**
 * L3: counts a wrong code with its audit event in one transaction; the tenth in a row locks the
 * member's second step and e-mails them (after the commit). Every wrong code gets the same answer,
 * whatever made it wrong, so it tells nothing about how close it was.
 */
export async function rejectSecondFactorCode(context: AppContext, user: User, actor: AuditEntry['actor'], origin: RequestOrigin): Promise<Failure> {
  const now = nowInMs(context);
  const { consecutiveFailureLimit, lockInMs } = secondFactorLockPolicy;
  const failure = await context.db.transaction().execute(async (trx) => {
    const counted = await countSecondFactorFailure(trx, user.id, now, consecutiveFailureLimit, lockInMs);
    if (counted.counted) {
      await recordAudit(trx, context, { organizationId: user.organizationId, type: counted.lockedNow ? 'two_factor.locked' : 'two_factor.code_rejected', actor, targetUserId: user.id, origin });
    }
    return counted;
  });
  if (!failure.counted) return fail('rate_limited', { retryAfterInMs: Math.max(0, (failure.lockedUntil ?? now) - now) });
  if (failure.lockedNow) context.mailer.send(secondFactorLockedMessage(user.email, new Date(failure.lockedUntil!)));
  return fail('invalid_code', { fieldErrors: [{ field: 'code', message: 'That code is not correct.' }] });
}
