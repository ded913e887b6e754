// A6: administrators invite teammates by e-mail with a role; the invitee sets a password through
// the link (7 days, single use) and is signed in.
import { normaliseEmail } from '../core/email-address.js';
import { newId } from '../core/ids.js';
import { mustSetUpAtSignIn } from '../core/required-actions.js';
import type { Role } from '../core/roles.js';
import { throttleRules } from '../core/throttle-policy.js';
import { invitationForExistingAccountMessage, invitationMessage } from '../mail/templates.js';
import { hashToken, newOpaqueToken } from '../security/tokens.js';
import { isUniqueViolation } from '../store/errors.js';
import { deleteOpenInvitation, deleteOpenInvitationsForEmail, findOpenInvitationByTokenHash, insertInvitation, listOpenInvitations, markInvitationAccepted } from '../store/invitations.js';
import { findOrganizationById } from '../store/organizations.js';
import type { Invitation, Organization } from '../store/schema.js';
import { findUserByEmail, insertUser, isEmailRegistered, recordLogin } from '../store/users.js';
import { refuseUnverifiedEmail, refuseWithoutGrant } from './api-keys.js';
import { actorOf, memberActor, recordAudit } from './audit.js';
import { fail, linkWithToken, nowInMs, type AppContext, type Outcome, type RequestOrigin } from './context.js';
import { setupRequirementOf, startSession, type Authenticated, type StartedSession } from './sessions.js';
import { claimSend, type ThrottleSubject } from './throttled-sending.js';
import { validateNewPassword } from './validation.js';

export const invitationLifetimeInMs = 7 * 24 * 60 * 60 * 1000;
const emailTaken = fail('email_taken', { fieldErrors: [{ field: 'email', message: 'Someone with this e-mail address already has an account.' }] });

export interface InvitationInput {
  email: string;
  name: string;
  role: Role;
  twoFactorRequired: boolean;
}

/** Issue 10 item 7: an invitation e-mail is claimed against these counters before it goes out. */
function invitationSendCounters(context: AppContext, admin: Authenticated, emailNormalized: string): ThrottleSubject[] {
  // The address only as a keyed hash: counters are not a list of whom people invited.
  const recipient = context.keyedHasher.hash(`invitee:${emailNormalized}`);
  return [
    [throttleRules.invitationMailPerOrganizationAndRecipient, `${admin.organization.id}:${recipient}`],
    [throttleRules.invitationMailPerRecipient, recipient],
    [throttleRules.invitationMailPerMember, admin.user.id],
    [throttleRules.invitationMailPerOrganization, admin.organization.id],
  ];
}

/**
 * A6: stores the invitation and e-mails its link. An address with an account in ANOTHER
 * organization gets the same answer, and a stored invitation like any other (so the list shows
 * nothing different), but its mailbox receives a notice without a link instead (issue 10 item 5:
 * no enumeration of accounts, no second account for one address); the event of what happened
 * goes to that member's own organization. An address in the administrator's own organization is
 * refused: they can see their members anyway.
 */
export async function inviteMember(context: AppContext, admin: Authenticated, input: InvitationInput, origin: RequestOrigin): Promise<Outcome<{ invitation: Invitation }>> {
  // Issue 10: no invitations from an unverified address (item 5); an administrator's invitation
  // is admin-equivalent, so an API key needs `users:roles` for it (item 3).
  const refusal = refuseUnverifiedEmail(admin, 'invite teammates') ?? (input.role === 'admin' ? refuseWithoutGrant(admin, 'users:roles', 'inviting administrators') : undefined);
  if (refusal) return refusal;
  const emailNormalized = normaliseEmail(input.email);
  const registered = await findUserByEmail(context.db, emailNormalized);
  if (registered?.organizationId === admin.organization.id) return emailTaken;
  const refused = await claimSend(context, invitationSendCounters(context, admin, emailNormalized), 'Too many invitations were sent to this address or from this organization. Wait before sending more.');
  if (refused) return refused;
  const now = nowInMs(context);
  const token = newOpaqueToken();
  const invitation: Invitation = {
    id: newId(now, context.random),
    organizationId: admin.organization.id,
    email: input.email.trim(),
    emailNormalized,
    name: input.name,
    role: input.role,
    twoFactorRequired: input.twoFactorRequired ? 1 : 0,
    invitedByUserId: admin.user.id,
    tokenHash: hashToken(token),
    createdAt: now,
    expiresAt: now + invitationLifetimeInMs,
    acceptedAt: null,
    acceptedUserId: null,
  };
  await context.db.transaction().execute(async (trx) => {
    // Inviting the same address again replaces the earlier invitation and its link.
    await deleteOpenInvitationsForEmail(trx, admin.organization.id, emailNormalized);
    await insertInvitation(trx, invitation);
    await recordAudit(trx, context, {
      organizationId: admin.organization.id,
      type: 'invitation.created',
      actor: actorOf(admin),
      targetUserId: null,
      origin,
      details: { invitationId: invitation.id, email: invitation.email, name: invitation.name, role: invitation.role, twoFactorRequired: input.twoFactorRequired },
    });
    if (registered) {
      // Told to the member's own organization only: the inviting one must not learn of the account.
      await recordAudit(trx, context, {
        organizationId: registered.organizationId,
        type: 'invitation.existing_account_notified',
        actor: { type: 'system', userId: null },
        targetUserId: registered.id,
        origin: null,
        details: { invitingOrganizationId: admin.organization.id, invitingOrganizationName: admin.organization.name, invitationId: invitation.id },
      });
    }
  });
  const organizationName = admin.organization.brandName ?? admin.organization.name;
  if (registered) {
    // The token above is never sent, so this invitation cannot be accepted; acceptance also refuses registered addresses.
    context.mailer.send(invitationForExistingAccountMessage(registered.email, admin.user.name, organizationName), origin);
  } else {
    context.mailer.send(invitationMessage(invitation.email, admin.user.name, organizationName, linkWithToken(context, '/accept-invitation', token)), origin);
  }
  return { ok: true, invitation };
}


export async function listInvitations(context: AppContext, admin: Authenticated): Promise<Invitation[]> {
  return listOpenInvitations(context.db, admin.organization.id, nowInMs(context));
}

export async function revokeInvitation(context: AppContext, admin: Authenticated, invitationId: string, origin: RequestOrigin): Promise<Outcome> {
  const revoked = await context.db.transaction().execute(async (trx) => {
    const deleted = await deleteOpenInvitation(trx, admin.organization.id, invitationId);
    if (deleted) {
      await recordAudit(trx, context, { organizationId: admin.organization.id, type: 'invitation.revoked', actor: actorOf(admin), targetUserId: null, origin, details: { invitationId, email: deleted.email } });
    }
    return deleted !== undefined;
  });
  return revoked ? { ok: true } : fail('not_found');
}

export async function previewInvitation(context: AppContext, token: string): Promise<Outcome<{ invitation: Invitation; organization: Organization }>> {
  const invitation = await findOpenInvitationByTokenHash(context.db, hashToken(token), nowInMs(context));
  const organization = invitation ? await findOrganizationById(context.db, invitation.organizationId) : undefined;
  if (!invitation || !organization) return fail('invalid_token');
  return { ok: true, invitation, organization };
}

class InvitationNoLongerOpen extends Error {}

export interface AcceptInput {
  token: string;
  name: string;
  password: string;
}

export async function acceptInvitation(context: AppContext, input: AcceptInput, origin: RequestOrigin): Promise<Outcome<{ session: StartedSession }>> {
  const passwordProblem = validateNewPassword(input.password);
  if (passwordProblem) return passwordProblem;
  const now = nowInMs(context);
  const invitation = await findOpenInvitationByTokenHash(context.db, hashToken(input.token), now);
  if (!invitation) return fail('invalid_token');
  if (await isEmailRegistered(context.db, invitation.emailNormalized)) return emailTaken;
  const passwordHash = await context.passwords.hash(input.password);
  const userId = newId(now, context.random);
  try {
    const session = await context.db.transaction().execute(async (trx) => {
      await insertUser(trx, {
        id: userId,
        organizationId: invitation.organizationId,
        email: invitation.email,
        emailNormalized: invitation.emailNormalized,
        name: input.name,
        role: invitation.role,
        passwordHash,
        // The link reached this mailbox, which verifies the address.
        emailVerifiedAt: now,
        twoFactorRequired: invitation.twoFactorRequired,
        createdAt: now,
        lastLoginAt: null,
        lastLoginMethod: null,
      });
      // Revoked or accepted meanwhile: throwing rolls the new member back with it.
      if (!(await markInvitationAccepted(trx, invitation.id, userId, now))) throw new InvitationNoLongerOpen();
      await recordLogin(trx, userId, now, 'password');
      const actor = memberActor(userId);
      await recordAudit(trx, context, { organizationId: invitation.organizationId, type: 'invitation.accepted', actor, targetUserId: userId, origin, details: { invitationId: invitation.id, role: invitation.role } });
      // P5: a member required to use a second factor from day one goes straight into setup.
      const organization = await findOrganizationById(trx, invitation.organizationId);
      const setupOnly = organization !== undefined && mustSetUpAtSignIn(setupRequirementOf({ twoFactorRequired: invitation.twoFactorRequired }, organization), false, now);
      const started = await startSession(trx, context, userId, origin, { setupOnly });
      await recordAudit(trx, context, { organizationId: invitation.organizationId, type: 'user.signed_in', actor, targetUserId: userId, origin, details: { method: 'password', secondFactor: null } });
      return started;
    });
    return { ok: true, session };
  } catch (error) {
    if (error instanceof InvitationNoLongerOpen) return fail('invalid_token');
    if (isUniqueViolation(error)) return emailTaken;
    throw error;
  }
}
