// A4: password reset by a single-use e-mailed link valid for one hour. It never touches the
// second factor; it ends every session, since whoever had the old password may hold one. For the
// same reason (issue 10 item 5, pre-account hijacking: someone who signed up first with another
// person's address) it revokes the member's API keys and withdraws the invitations they sent,
// each audited in the same transaction.
import { normaliseEmail } from '../core/email-address.js';
import { newId } from '../core/ids.js';
import type { ThrottleClaim } from '../core/ports.js';
import { addressThrottleSubject, throttleKey, throttleRules } from '../core/throttle-policy.js';
import { passwordChangedMessage, passwordResetMessage } from '../mail/templates.js';
import { hashToken, newOpaqueToken } from '../security/tokens.js';
import { consumeEmailToken, insertEmailToken, restoreEmailToken, retireEmailTokens } from '../store/email-tokens.js';
import { deleteOpenInvitationsSentBy } from '../store/invitations.js';
import { deleteSessionsOfUser } from '../store/sessions.js';
import type { User } from '../store/schema.js';
import { findUserByEmail, findUserById, markEmailVerified, updatePasswordHash } from '../store/users.js';
import { revokeApiKeysOfCreator } from './api-keys.js';
import { memberActor, recordAudit } from './audit.js';
import { fail, linkWithToken, nowInMs, type AppContext, type Outcome, type RequestOrigin } from './context.js';
import { forgetRememberedBrowsers } from './known-browsers.js';
import { claimThrottles } from './password-check.js';
import { validateNewPassword } from './validation.js';

const resetLifetimeInMs = 60 * 60 * 1000;

/** Always the same outcome for known and unknown addresses (no enumeration). */
export async function requestPasswordReset(context: AppContext, email: string, origin: RequestOrigin): Promise<Outcome> {
  const emailNormalized = normaliseEmail(email);
  const claims: ThrottleClaim[] = [{ key: throttleKey(throttleRules.passwordResetPerAccount, emailNormalized), rule: throttleRules.passwordResetPerAccount }];
  if (origin.ip) claims.push({ key: throttleKey(throttleRules.passwordResetPerAddress, addressThrottleSubject(origin.ip)), rule: throttleRules.passwordResetPerAddress });
  // One atomic claim: concurrent requests cannot all pass a check made before any was counted.
  const allowed = await claimThrottles(context, claims, nowInMs(context));
  if (!allowed.ok) return allowed;

  const user = await findUserByEmail(context.db, emailNormalized);
  if (!user) return { ok: true };
  const now = nowInMs(context);
  const token = newOpaqueToken();
  await context.db.transaction().execute(async (trx) => {
    await retireEmailTokens(trx, user.id, 'password_reset', now);
    await insertEmailToken(trx, { id: newId(now, context.random), tokenHash: hashToken(token), purpose: 'password_reset', userId: user.id, createdAt: now, expiresAt: now + resetLifetimeInMs });
    await recordAudit(trx, context, { organizationId: user.organizationId, type: 'user.password_reset_requested', actor: { type: 'anonymous', userId: null }, targetUserId: user.id, origin });
  });
  context.mailer.send(passwordResetMessage(user.email, linkWithToken(context, '/reset-password', token)), origin);
  return { ok: true };
}

export async function confirmPasswordReset(context: AppContext, token: string, password: string, origin: RequestOrigin): Promise<Outcome> {
  const passwordProblem = validateNewPassword(password);
  if (passwordProblem) return passwordProblem;
  const now = nowInMs(context);
  // Hashing is earned: per address a bounded number of tries, and the token is used up (one
  // conditional UPDATE) before argon2 runs, so a wrong or replayed token costs no hash.
  if (origin.ip) {
    const allowed = await claimThrottles(context, [{ key: throttleKey(throttleRules.passwordResetConfirmPerAddress, addressThrottleSubject(origin.ip)), rule: throttleRules.passwordResetConfirmPerAddress }], now);
    if (!allowed.ok) return allowed;
  }
  const tokenHash = hashToken(token);
  const userId = await consumeEmailToken(context.db, tokenHash, 'password_reset', now);
  if (!userId) return fail('invalid_token');
  let user: User | undefined;
  try {
    const passwordHash = await context.passwords.hash(password);
    user = await context.db.transaction().execute(async (trx) => {
      const found = await findUserById(trx, userId);
      if (!found) return undefined;
      await updatePasswordHash(trx, found.id, passwordHash);
      await deleteSessionsOfUser(trx, found.id);
      // Following the link proved control of the mailbox.
      await markEmailVerified(trx, found.id, now);
      const actor = memberActor(found.id);
      await recordAudit(trx, context, { organizationId: found.organizationId, type: 'user.password_reset', actor, targetUserId: found.id, origin });
      await forgetRememberedBrowsers(trx, context, found, 'password_reset', actor, origin);
      // Issue 10 item 5: the real owner's reset ends what an earlier holder of the password set up.
      await revokeApiKeysOfCreator(trx, context, { organizationId: found.organizationId, creatorId: found.id, reason: 'creator_password_reset', actor, origin });
      for (const invitation of await deleteOpenInvitationsSentBy(trx, found.id)) {
        await recordAudit(trx, context, { organizationId: invitation.organizationId, type: 'invitation.revoked', actor, targetUserId: null, origin, details: { invitationId: invitation.id, email: invitation.email, reason: 'inviter_password_reset' } });
      }
      return found;
    });
  } catch (error) {
    // Too busy to hash, or the change could not be saved: the link stays usable for another try.
    await restoreEmailToken(context.db, tokenHash, now);
    throw error;
  }
  if (!user) return fail('invalid_token');
  context.mailer.send(passwordChangedMessage(user.email), origin);
  return { ok: true };
}
