// A1: the address is verified by an e-mailed single-use link (24 hours).
import type { Kysely } from 'kysely';
import { newId } from '../core/ids.js';
import { throttleRules } from '../core/throttle-policy.js';
import { verifyEmailMessage } from '../mail/templates.js';
import { hashToken, newOpaqueToken } from '../security/tokens.js';
import { consumeEmailToken, findEmailTokenOwner, insertEmailToken, retireEmailTokens } from '../store/email-tokens.js';
import type { Database } from '../store/schema.js';
import { findUserById, markEmailVerified } from '../store/users.js';
import { memberActor, recordAudit } from './audit.js';
import { fail, linkWithToken, nowInMs, type AppContext, type Outcome, type RequestOrigin } from './context.js';
import type { Authenticated } from './sessions.js';
import { claimSend } from './throttled-sending.js';

const verificationLifetimeInMs = 24 * 60 * 60 * 1000;

/** Stores a new verification token (retiring older ones) and returns the link to e-mail. */
export async function issueVerificationLink(db: Kysely<Database>, context: AppContext, userId: string): Promise<string> {
  const now = nowInMs(context);
  const token = newOpaqueToken();
  await retireEmailTokens(db, userId, 'verify_email', now);
  await insertEmailToken(db, { id: newId(now, context.random), tokenHash: hashToken(token), purpose: 'verify_email', userId, createdAt: now, expiresAt: now + verificationLifetimeInMs });
  return linkWithToken(context, '/verify-email', token);
}

/** Issue 10 item 7: a new link (and e-mail) per request, within the member's send counters. */
export async function resendVerification(context: AppContext, auth: Authenticated, origin?: RequestOrigin): Promise<Outcome> {
  if (auth.user.emailVerifiedAt !== null) return { ok: true };
  const refused = await claimSend(
    context,
    [
      [throttleRules.verificationMailPerMember, auth.user.id],
      [throttleRules.verificationMailPerMemberDaily, auth.user.id],
    ],
    'A verification e-mail was sent a moment ago. Check your inbox (and spam folder), or wait before asking for another.',
  );
  if (refused) return refused;
  const link = await context.db.transaction().execute((trx) => issueVerificationLink(trx, context, auth.user.id));
  context.mailer.send(verifyEmailMessage(auth.user.email, link), origin);
  return { ok: true };
}

/**
 * A1. A link opened again after it worked (or an older link of an account verified since) answers
 * 409 `email_already_verified`, so the page can say so instead of "invalid" (issue 17 item 8);
 * only the holder of the e-mailed token learns it.
 */
export async function verifyEmail(context: AppContext, token: string, origin: RequestOrigin): Promise<Outcome> {
  const now = nowInMs(context);
  const tokenHash = hashToken(token);
  return context.db.transaction().execute(async (trx) => {
    const userId = await consumeEmailToken(trx, tokenHash, 'verify_email', now);
    const user = userId ? await findUserById(trx, userId) : undefined;
    if (!user) {
      const ownerId = await findEmailTokenOwner(trx, tokenHash, 'verify_email');
      const owner = ownerId ? await findUserById(trx, ownerId) : undefined;
      return fail(owner?.emailVerifiedAt != null ? 'email_already_verified' : 'invalid_token');
    }
    await markEmailVerified(trx, user.id, now);
    await recordAudit(trx, context, { organizationId: user.organizationId, type: 'user.email_verified', actor: memberActor(user.id), targetUserId: user.id, origin });
    return { ok: true } as const;
  });
}
