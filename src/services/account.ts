// A member's own account: re-authentication (A5), password change, profile, sessions, sign-out.
import type { Kysely } from 'kysely';
import type { SecondFactorMethod } from '../core/second-factor.js';
import { passwordChangedMessage } from '../mail/templates.js';
import { deleteSession, deleteSessionOfUser, deleteSessionsOfUser, listSessionsOfUser, setReauthenticatedAt } from '../store/sessions.js';
import type { Database, Session } from '../store/schema.js';
import { findUserById, updatePasswordHash, updateUserName } from '../store/users.js';
import { memberActor, recordAudit } from './audit.js';
import { fail, nowInMs, type AppContext, type Outcome, type RequestOrigin } from './context.js';
import { forgetRememberedBrowsers, identifyKnownBrowser } from './known-browsers.js';
import { verifyPasswordGuarded } from './password-check.js';
import { attemptSecondFactorCode } from './second-factor-codes.js';
import type { Authenticated } from './sessions.js';
import { validateNewPassword } from './validation.js';

/**
 * A5: confirms the password for the next 10 minutes. With a current code (authenticator, texted or
 * recovery) of a member who has a second factor, the session also counts as having proved it; a
 * wrong code is refused like D1's (counted towards the L3 lock) and confirms nothing, the password
 * included. A member without a second factor has nothing to prove: a code is ignored.
 * `browserToken`: the device cookie of this browser (G2: the member's known browser is counted apart).
 */
export async function reauthenticate(context: AppContext, auth: Authenticated, password: string, origin: RequestOrigin, options: { code?: string; browserToken?: string } = {}): Promise<Outcome> {
  const { code, browserToken } = options;
  const knownBrowser = await identifyKnownBrowser(context, browserToken, auth.user.id);
  const check = await verifyPasswordGuarded(context, auth.user.emailNormalized, auth.user, password, origin, { knownBrowserId: knownBrowser?.id });
  if (!check.ok) return check.code === 'invalid_credentials' ? fail('invalid_credentials', { fieldErrors: [{ field: 'password', message: 'The password is not correct.' }] }) : check;
  const now = nowInMs(context);
  const audit = (trx: Kysely<Database>, details?: Record<string, unknown>) =>
    recordAudit(trx, context, { organizationId: auth.organization.id, type: 'user.reauthenticated', actor: memberActor(auth.user.id), targetUserId: auth.user.id, origin, ...(details ? { details } : {}) });
  if (code !== undefined && auth.hasTwoFactor) {
    return useCurrentCode(context, auth, code, origin, async (trx, method) => {
      await setReauthenticatedAt(trx, auth.session.id, now, { secondFactor: true });
      await audit(trx, { secondFactor: method });
    });
  }
  await context.db.transaction().execute(async (trx) => {
    await setReauthenticatedAt(trx, auth.session.id, now);
    await audit(trx);
  });
  return { ok: true };
}

/** A current code of the member, checked as everywhere (L3: lock, use and count in one unit), `apply` committed with its use. */
async function useCurrentCode(context: AppContext, auth: Authenticated, code: string, origin: RequestOrigin, apply: (trx: Kysely<Database>, method: SecondFactorMethod) => Promise<void>): Promise<Outcome> {
  const attempt = await attemptSecondFactorCode(context, auth.user, code, origin, memberActor(auth.user.id), apply);
  return attempt.ok ? { ok: true } : attempt;
}

export async function changePassword(context: AppContext, auth: Authenticated, currentPassword: string, newPassword: string, origin: RequestOrigin): Promise<Outcome> {
  const passwordProblem = validateNewPassword(newPassword, 'newPassword');
  if (passwordProblem) return passwordProblem;
  const check = await verifyPasswordGuarded(context, auth.user.emailNormalized, auth.user, currentPassword, origin);
  if (!check.ok) return check.code === 'invalid_credentials' ? fail('invalid_credentials', { fieldErrors: [{ field: 'currentPassword', message: 'The current password is not correct.' }] }) : check;
  const passwordHash = await context.passwords.hash(newPassword);
  await context.db.transaction().execute(async (trx) => {
    await updatePasswordHash(trx, auth.user.id, passwordHash);
    await deleteSessionsOfUser(trx, auth.user.id, auth.session.id);
    await setReauthenticatedAt(trx, auth.session.id, nowInMs(context));
    await recordAudit(trx, context, { organizationId: auth.organization.id, type: 'user.password_changed', actor: memberActor(auth.user.id), targetUserId: auth.user.id, origin });
    await forgetRememberedBrowsers(trx, context, auth.user, 'password_changed', memberActor(auth.user.id), origin);
  });
  context.mailer.send(passwordChangedMessage(auth.user.email), origin);
  return { ok: true };
}

export async function updateProfile(context: AppContext, auth: Authenticated, name: string, origin: RequestOrigin): Promise<Outcome<{ name: string }>> {
  await context.db.transaction().execute(async (trx) => {
    await updateUserName(trx, auth.user.id, name);
    await recordAudit(trx, context, { organizationId: auth.organization.id, type: 'user.profile_updated', actor: memberActor(auth.user.id), targetUserId: auth.user.id, origin, details: { fields: ['name'] } });
  });
  const user = await findUserById(context.db, auth.user.id);
  return { ok: true, name: user?.name ?? name };
}

export async function listOwnSessions(context: AppContext, auth: Authenticated): Promise<Session[]> {
  return listSessionsOfUser(context.db, auth.user.id);
}

export async function revokeOwnSession(context: AppContext, auth: Authenticated, sessionId: string, origin: RequestOrigin): Promise<Outcome> {
  const revoked = await context.db.transaction().execute(async (trx) => {
    const deleted = await deleteSessionOfUser(trx, auth.user.id, sessionId);
    if (deleted) await recordAudit(trx, context, { organizationId: auth.organization.id, type: 'session.revoked', actor: memberActor(auth.user.id), targetUserId: auth.user.id, origin, details: { sessionId } });
    return deleted;
  });
  return revoked ? { ok: true } : fail('not_found');
}

export async function signOut(context: AppContext, auth: Authenticated, origin: RequestOrigin): Promise<void> {
  await context.db.transaction().execute(async (trx) => {
    await deleteSession(trx, auth.session.id);
    await recordAudit(trx, context, { organizationId: auth.organization.id, type: 'user.signed_out', actor: memberActor(auth.user.id), targetUserId: auth.user.id, origin });
  });
}
