// Checking a submitted code (authenticator or recovery) for a member, and using it up atomically:
// the TOTP step is claimed (T5) or the recovery code consumed (R2) in one conditional UPDATE.
import type { Kysely } from 'kysely';
import { decodeBase32 } from '../core/base32.js';
import type { SecondFactorMethod, SubmittedCode } from '../core/second-factor.js';
import { verifyTotp } from '../core/totp.js';
import { nodeHmac } from '../security/hmac.js';
import { consumeRecoveryCode } from '../store/recovery-codes.js';
import type { Database, User } from '../store/schema.js';
import { claimTotpStep, findTotpSecretSealed, markTotpUsed } from '../store/totp.js';
import { nowInMs, type AppContext } from './context.js';
import { recoveryCodeHash } from './recovery-codes.js';

export function openTotpSecret(context: AppContext, sealed: string): Uint8Array {
  const secret = decodeBase32(context.secretBox.open(sealed));
  if (!secret) throw new Error('A stored TOTP secret is not base32');
  return secret;
}

/** Uses the code if it is right; false for a wrong, replayed or already used code. */
export async function useSecondFactorCode(db: Kysely<Database>, context: AppContext, user: User, submitted: SubmittedCode): Promise<{ ok: true; method: SecondFactorMethod } | { ok: false }> {
  const now = nowInMs(context);
  switch (submitted.method) {
    case 'totp': {
      const sealed = await findTotpSecretSealed(db, user.id);
      if (!sealed) return { ok: false };
      const check = verifyTotp(nodeHmac, openTotpSecret(context, sealed), submitted.code, now, user.totpLastAcceptedStep);
      if (!check.ok || !(await claimTotpStep(db, user.id, check.step))) return { ok: false };
      await markTotpUsed(db, user.id, now);
      return { ok: true, method: 'totp' };
    }
    case 'recovery_code': {
      const used = await consumeRecoveryCode(db, user.id, recoveryCodeHash(context, user.id, submitted.code), now);
      return used ? { ok: true, method: 'recovery_code' } : { ok: false };
    }
  }
}
