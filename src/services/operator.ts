// M6: what an operator does through the `tessera` command, with shell access to the server and no
// session: create an organization with its first administrator, list its members, reset anyone's
// two-factor authentication. Each writes an audit event with actor type 'operator'.
import { normaliseEmail } from '../core/email-address.js';
import { newId } from '../core/ids.js';
import { verifyEmailMessage } from '../mail/templates.js';
import { hashToken, newOpaqueToken } from '../security/tokens.js';
import { isUniqueViolation } from '../store/errors.js';
import { insertInvitation } from '../store/invitations.js';
import { findOrganizationById, insertOrganization } from '../store/organizations.js';
import type { Organization } from '../store/schema.js';
import { listDirectory, type UserWithFactors } from '../store/user-directory.js';
import { findUserByEmail, insertUser, isEmailRegistered } from '../store/users.js';
import { operatorActor, recordAudit } from './audit.js';
import { fail, linkWithToken, nowInMs, type AppContext, type Outcome } from './context.js';
import { issueVerificationLink } from './email-verification.js';
import { invitationLifetimeInMs } from './invitations.js';
import { resetMemberTwoFactor } from './member-administration.js';
import { validateEmail, validateNewPassword } from './validation.js';

// The same rule as the HTTP schemas' textField: something visible, no control characters.
const visibleText = /^\s*[^\s\p{Cc}\p{Cs}][^\p{Cc}\p{Cs}]*$/u;
const maximumNameLength = 100;

function validateName(value: string, field: string) {
  const trimmed = value.trim();
  if (trimmed.length > 0 && trimmed.length <= maximumNameLength && visibleText.test(trimmed)) return undefined;
  return fail('validation_failed', { detail: `${field}: enter 1 to ${maximumNameLength} visible characters.`, fieldErrors: [{ field, message: `Enter 1 to ${maximumNameLength} visible characters.` }] });
}

export interface NewOrganizationInput {
  name: string;
  adminEmail: string;
  adminName: string;
  /** Sets the administrator's password at once; without it, an invitation link is returned instead. */
  adminPassword?: string;
}

export interface CreatedOrganization {
  organizationId: string;
  adminEmail: string;
  /** Set when the administrator was created with a password. */
  adminUserId?: string;
  /** Set when no password was given: a single-use link (7 days) for the administrator to accept. */
  invitationLink?: string;
}

const emailTaken = fail('email_taken', { fieldErrors: [{ field: 'admin-email', message: 'Someone with this e-mail address already has an account.' }] });

export async function createOrganizationAsOperator(context: AppContext, input: NewOrganizationInput): Promise<Outcome<{ created: CreatedOrganization }>> {
  const invalid = validateName(input.name, 'name') ?? validateName(input.adminName, 'admin-name') ?? validateEmail(input.adminEmail, 'admin-email') ?? (input.adminPassword === undefined ? undefined : validateNewPassword(input.adminPassword, 'admin-password'));
  if (invalid) return invalid;
  const email = input.adminEmail.trim();
  const emailNormalized = normaliseEmail(email);
  if (await isEmailRegistered(context.db, emailNormalized)) return emailTaken;
  const passwordHash = input.adminPassword === undefined ? undefined : await context.passwords.hash(input.adminPassword);
  const now = nowInMs(context);
  const organizationId = newId(now, context.random);
  const name = input.name.trim();
  const adminName = input.adminName.trim();
  const base = { organizationId, actor: operatorActor, origin: null } as const;
  try {
    const outcome = await context.db.transaction().execute(async (trx) => {
      await insertOrganization(trx, { id: organizationId, name, brandName: null, twoFactorRequirement: 'optional', twoFactorRequiredFrom: null, recoveryCodePolicy: 'deplete', createdAt: now });
      await recordAudit(trx, context, { ...base, type: 'organization.created', targetUserId: null, details: { name } });
      if (passwordHash !== undefined) {
        const userId = newId(now, context.random);
        await insertUser(trx, { id: userId, organizationId, email, emailNormalized, name: adminName, role: 'admin', passwordHash, emailVerifiedAt: null, twoFactorRequired: 0, createdAt: now, lastLoginAt: null, lastLoginMethod: null });
        await recordAudit(trx, context, { ...base, type: 'user.created', targetUserId: userId, details: { role: 'admin' } });
        return { kind: 'password' as const, userId, verificationLink: await issueVerificationLink(trx, context, userId) };
      }
      const token = newOpaqueToken();
      const invitationId = newId(now, context.random);
      await insertInvitation(trx, {
        id: invitationId,
        organizationId,
        email,
        emailNormalized,
        name: adminName,
        role: 'admin',
        twoFactorRequired: 0,
        invitedByUserId: null,
        tokenHash: hashToken(token),
        createdAt: now,
        expiresAt: now + invitationLifetimeInMs,
        acceptedAt: null,
        acceptedUserId: null,
      });
      await recordAudit(trx, context, { ...base, type: 'invitation.created', targetUserId: null, details: { invitationId, email, role: 'admin', twoFactorRequired: false } });
      return { kind: 'invitation' as const, invitationLink: linkWithToken(context, '/accept-invitation', token) };
    });
    if (outcome.kind === 'password') {
      context.mailer.send(verifyEmailMessage(email, outcome.verificationLink));
      return { ok: true, created: { organizationId, adminEmail: email, adminUserId: outcome.userId } };
    }
    return { ok: true, created: { organizationId, adminEmail: email, invitationLink: outcome.invitationLink } };
  } catch (error) {
    if (isUniqueViolation(error)) return emailTaken;
    throw error;
  }
}

const listPageSize = 500;

/**
 * M6: every member of an organization, oldest first, handed to `visit` a page at a time (an
 * organization may have 100,000 members). The listing itself is recorded.
 */
export async function listMembersAsOperator(
  context: AppContext,
  organizationId: string,
  visit: (members: UserWithFactors[], organization: Organization) => void | Promise<void>,
): Promise<Outcome<{ organization: Organization; count: number }>> {
  const organization = await findOrganizationById(context.db, organizationId);
  if (!organization) return fail('not_found', { detail: `There is no organization ${organizationId}.` });
  await context.db.transaction().execute((trx) => recordAudit(trx, context, { organizationId, actor: operatorActor, origin: null, type: 'organization.members_listed', targetUserId: null }));
  const scope = { id: organizationId, requiresTwoFactor: organization.twoFactorRequirement === 'required' };
  let count = 0;
  let after: { value: null; id: string } | undefined;
  for (;;) {
    const page = await listDirectory(context.db, scope, { sort: 'created', direction: 'asc', after, limit: listPageSize });
    if (page.length > 0) await visit(page, organization);
    count += page.length;
    if (page.length < listPageSize) return { ok: true, organization, count };
    after = { value: null, id: page[page.length - 1]!.id };
  }
}

/** M3 + M6: the member with this e-mail address, in whichever organization. */
export async function resetTwoFactorByEmailAsOperator(context: AppContext, email: string): Promise<Outcome<{ member: UserWithFactors; changed: boolean }>> {
  const user = await findUserByEmail(context.db, normaliseEmail(email));
  if (!user) return fail('not_found', { detail: `No member has the e-mail address ${email.trim()}.` });
  return resetMemberTwoFactor(context, { organizationId: user.organizationId, actor: operatorActor, origin: null }, user.id);
}
