// A4: password reset by a single-use e-mailed link valid for one hour. It never touches the
// second factor; it ends every session, since whoever had the old password may hold one. For the
// same reason (issue 10 item 5, pre-account hijacking: someone who signed up first with another
// person's address) it revokes the member's API keys and withdraws the invitations they sent,
// each audited in the same transaction.
import { normaliseEmail } from '../core/email-address.js';
import { newId } from '../core/ids.js';
import { throttleRules, type ThrottleRule } from '../core/throttle-policy.js';
import { passwordChangedMessage, passwordResetMessage } from '../mail/templates.js';
import { hashToken, newOpaqueToken } from '../security/tokens.js';
import { consumeEmailToken, insertEmailToken, retireEmailTokens } from '../store/email-tokens.js';
import { deleteOpenInvitationsSentBy } from '../store/invitations.js';
import { deleteSessionsOfUser } from '../store/sessions.js';
import { findUserByEmail, findUserById, markEmailVerified, updatePasswordHash } from '../store/users.js';
import { revokeApiKeysOfCreator } from './api-keys.js';
import { memberActor, recordAudit } from './audit.js';
import { fail, linkWithToken, nowInMs, type AppContext, type Outcome, type RequestOrigin } from './context.js';
import { checkThrottles, countThrottleHits } from './password-check.js';
import { validateNewPassword } from './validation.js';

const resetLifetimeInMs = 60 * 60 * 1000;

/** Always the same outcome for known and unknown addresses (no enumeration). */
export async function requestPasswordReset(context: AppContext, email: string, origin: RequestOrigin): Promise<Outcome> {
  const emailNormalized = normaliseEmail(email);
  const counters: Array<[ThrottleRule, string]> = [[throttleRules.passwordResetPerAccount, emailNormalized]];
  if (origin.ip) counters.push([throttleRules.passwordResetPerAddress, origin.ip]);
  const allowed = await checkThrottles(context, counters);
  if (!allowed.ok) return allowed;
  await countThrottleHits(context, counters);

  const user = await findUserByEmail(context.db, emailNormalized);
  if (!user) return { ok: true };
  const now = nowInMs(context);
  const token = newOpaqueToken();
  await context.db.transaction().execute(async (trx) => {
    await retireEmailTokens(trx, user.id, 'password_reset', now);
    await insertEmailToken(trx, { id: newId(now, context.random), tokenHash: hashToken(token), purpose: 'password_reset', userId: user.id, createdAt: now, expiresAt: now + resetLifetimeInMs });
    await recordAudit(trx, context, { organizationId: user.organizationId, type: 'user.password_reset_requested', actor: { type: 'anonymous', userId: null }, targetUserId: user.id, origin });
  });
  context.mailer.send(passwordResetMessage(user.email, linkWithToken(context, '/reset-password', token)));
  return { ok: true };
}

export async function confirmPasswordReset(context: AppContext, token: string, password: string, origin: RequestOrigin): Promise<Outcome> {
  const passwordProblem = validateNewPassword(password);
  if (passwordProblem) return passwordProblem;
  const passwordHash = await context.passwords.hash(password);
  const now = nowInMs(context);
  const user = await context.db.transaction().execute(async (trx) => {
    const userId = await consumeEmailToken(trx, hashToken(token), 'password_reset', now);
    const found = userId ? await findUserById(trx, userId) : undefined;
    if (!found) return undefined;
    await updatePasswordHash(trx, found.id, passwordHash);
    await deleteSessionsOfUser(trx, found.id);
    // Following the link proved control of the mailbox.
    await markEmailVerified(trx, found.id, now);
    const actor = memberActor(found.id);
    await recordAudit(trx, context, { organizationId: found.organizationId, type: 'user.password_reset', actor, targetUserId: found.id, origin });
    await revokeApiKeysOfCreator(trx, context, { organizationId: found.organizationId, creatorId: found.id, reason: 'creator_password_reset', actor, origin });
    for (const invitation of await deleteOpenInvitationsSentBy(trx, found.id)) {
      await recordAudit(trx, context, { organizationId: invitation.organizationId, type: 'invitation.revoked', actor, targetUserId: null, origin, details: { invitationId: invitation.id, email: invitation.email, reason: 'inviter_password_reset' } });
    }
    return found;
  });
  if (!user) return fail('invalid_token');
  context.mailer.send(passwordChangedMessage(user.email));
  return { ok: true };
}
