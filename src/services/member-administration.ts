// An administrator's (or an operator's) view of and changes to one member: the member's page
// (M2), resetting their two-factor authentication (M3), role and per-member requirement (P4),
// and the organization's adoption overview (M4). Always scoped to one organization: another
// organization's member is simply not found.
import { adoptionWeeks, requiredNotSetUp, weeklyAdoption, type WeeklyAdoption } from '../core/adoption.js';
import { twoFactorRequiredBy } from '../core/policy.js';
import type { Role } from '../core/roles.js';
import { memberTwoFactorRequirementMessage, twoFactorResetMessage } from '../mail/templates.js';
import { listAuditEvents } from '../store/audit-events.js';
import { countAdministrators, countAdoption, findMemberInOrganization, lockOrganizationRow, updateMemberRole, updateMemberTwoFactorRequired } from '../store/members.js';
import { findOrganizationById } from '../store/organizations.js';
import { countUnusedRecoveryCodes, deleteRecoveryCodes, setRecoveryCodesRegenerationRequired } from '../store/recovery-codes.js';
import type { AuditEvent, Organization } from '../store/schema.js';
import { deleteSmsFactor, findSmsNumber } from '../store/text-messages.js';
import { deleteTotpFactors, findTotpConfirmedAt } from '../store/totp.js';
import { deleteWebAuthnCredentials, listWebAuthnCredentials } from '../store/webauthn.js';
import { countMembersByMethod } from '../store/user-directory.js';
import type { FactorMethod } from '../core/webauthn.js';
import type { UserWithFactors } from '../store/user-directory.js';
import { isApiKeyActive } from '../store/api-keys.js';
import { refuseWithoutGrant, revokeApiKeysOfCreator } from './api-keys.js';
import { actorOf, recordAudit, type AuditEntry } from './audit.js';
import { fail, nowInMs, type AppContext, type Outcome, type RequestOrigin } from './context.js';
import { forgetRememberedBrowsers } from './known-browsers.js';
import type { Authenticated } from './sessions.js';

/** Who acts, for which organization, from where (an administrator's request or the CLI). */
export interface AdministrationScope {
  organizationId: string;
  actor: AuditEntry['actor'];
  origin: RequestOrigin | null;
}

export function administratorScope(admin: Authenticated, origin: RequestOrigin | null): AdministrationScope {
  return { organizationId: admin.organization.id, actor: actorOf(admin), origin };
}

const recentEventCount = 20;

export interface MemberMethod {
  type: 'totp' | 'sms' | 'webauthn';
  createdAt: number;
  /** W6: a security key's or passkey's name and kind. */
  name?: string;
  kind?: 'passkey' | 'security_key';
}

export interface MemberDetail {
  member: UserWithFactors;
  methods: MemberMethod[];
  recoveryCodes: { remaining: number; total: number };
  events: AuditEvent[];
}

/** M2: the member's row, methods, recovery codes left and the last events about them. */
export async function readMemberDetail(context: AppContext, admin: Authenticated, memberId: string): Promise<Outcome<{ detail: MemberDetail }>> {
  const member = await findMemberInOrganization(context.db, admin.organization.id, memberId);
  if (!member) return fail('not_found');
  const [confirmedAt, smsNumber, recoveryCodes, events, credentials] = await Promise.all([
    findTotpConfirmedAt(context.db, member.id),
    findSmsNumber(context.db, member.id),
    countUnusedRecoveryCodes(context.db, member.id),
    listAuditEvents(context.db, { organizationId: admin.organization.id, targetUserId: member.id, limit: recentEventCount }),
    listWebAuthnCredentials(context.db, member.id),
  ]);
  const methods: MemberMethod[] = confirmedAt === undefined ? [] : [{ type: 'totp', createdAt: confirmedAt }];
  if (smsNumber) methods.push({ type: 'sms', createdAt: Number(smsNumber.confirmedAt) });
  for (const credential of credentials) methods.push({ type: 'webauthn', createdAt: credential.createdAt, name: credential.name, kind: credential.kind });
  // W6: the page's row shows the methods as the grid's does.
  const methodTypes = [...new Set(methods.map((method) => method.type))];
  return { ok: true, detail: { member: { ...member, methods: methodTypes }, methods, recoveryCodes, events } };
}

/**
 * M3: removes every factor, the pending setup and all recovery codes in one transaction, with
 * its audit event. Sessions stay (the member stays signed in) and the requirement is unchanged,
 * so a required member sets it up again at the next sign-in. The time step of the last accepted
 * code is kept, so a code seen before the reset can never be replayed (T5). Resetting a member
 * who has nothing to remove changes nothing and writes nothing.
 */
export async function resetMemberTwoFactor(context: AppContext, scope: AdministrationScope, memberId: string): Promise<Outcome<{ member: UserWithFactors; changed: boolean }>> {
  // D1 asks a member for a current code to turn their own off; the administrators' reset must not
  // be a way around it (a stolen administrator session would otherwise shed its second factor).
  // An API key acts with its creator's rights, so a key may not reset its creator's own either.
  if ((scope.actor.type === 'member' || scope.actor.type === 'api_key') && scope.actor.userId === memberId) {
    const detail =
      scope.actor.type === 'api_key'
        ? 'An API key cannot reset the two-factor authentication of the member who created it: ask another administrator.'
        : 'You cannot reset your own two-factor authentication here: turn it off in your security settings with a current code, or ask another administrator.';
    return fail('forbidden', { detail });
  }
  const outcome = await context.db.transaction().execute(async (trx) => {
    const member = await findMemberInOrganization(trx, scope.organizationId, memberId);
    if (!member) return undefined;
    const factors = await deleteTotpFactors(trx, member.id);
    const texts = await deleteSmsFactor(trx, member.id);
    const securityKeys = await deleteWebAuthnCredentials(trx, member.id);
    const recoveryCodesRemoved = await deleteRecoveryCodes(trx, member.id);
    const hadRegenerationFlag = member.recoveryCodesRegenerationRequired === 1;
    if (hadRegenerationFlag) await setRecoveryCodesRegenerationRequired(trx, member.id, false);
    const changed = factors.credentials + factors.pendingEnrollments + texts.numbers + texts.pendingEnrollments + securityKeys + recoveryCodesRemoved > 0 || hadRegenerationFlag;
    const methods = [...(factors.credentials > 0 ? ['totp'] : []), ...(texts.numbers > 0 ? ['sms'] : []), ...(securityKeys > 0 ? ['webauthn'] : [])];
    if (changed) {
      await recordAudit(trx, context, {
        organizationId: scope.organizationId,
        type: 'two_factor.reset',
        actor: scope.actor,
        targetUserId: member.id,
        origin: scope.origin,
        details: { methods, pendingSetupRemoved: factors.pendingEnrollments + texts.pendingEnrollments > 0, recoveryCodesRemoved },
      });
    }
    // B2: without a second factor there is nothing left to skip.
    await forgetRememberedBrowsers(trx, context, member, 'two_factor_reset', scope.actor, scope.origin);
    const organization = await findOrganizationById(trx, scope.organizationId);
    return { member, changed, organization };
  });
  if (!outcome) return fail('not_found');
  const { member, changed, organization } = outcome;
  if (changed) {
    const stillRequired = twoFactorRequiredBy({ organizationRequirement: organization?.twoFactorRequirement ?? 'optional', memberRequired: member.twoFactorRequired === 1 }) !== null;
    context.mailer.send(twoFactorResetMessage(member.email, { stillRequired }), scope.origin ?? undefined);
  }
  return { ok: true, member: { ...member, hasTwoFactor: false, twoFactorEnabled: 0, recoveryCodesRegenerationRequired: 0 }, changed };
}

export interface MemberChanges {
  role?: Role;
  twoFactorRequired?: boolean;
}

class RefusedChange extends Error {
  constructor(readonly failure: ReturnType<typeof fail>) {
    super(failure.code);
  }
}

/**
 * P4: role and the member's own requirement, each with its audit event; the member is e-mailed
 * when their requirement changes. The organization always keeps an administrator.
 */
export async function changeMember(context: AppContext, admin: Authenticated, memberId: string, changes: MemberChanges, origin: RequestOrigin): Promise<Outcome<{ member: UserWithFactors }>> {
  const organizationId = admin.organization.id;
  const actor = actorOf(admin);
  // Issue 10 item 3: a role change is admin-equivalent; `users:write` alone does not open it.
  const keyRefusal = changes.role === undefined ? undefined : refuseWithoutGrant(admin, 'users:roles', 'changing roles');
  if (keyRefusal) return keyRefusal;
  let result: { member: UserWithFactors; requirementChanged: boolean; organization: Organization | undefined } | undefined;
  try {
    result = await context.db.transaction().execute(async (trx) => {
      // Role changes queue up per organization, so the administrator count below stays true.
      if (changes.role !== undefined) await lockOrganizationRow(trx, organizationId);
      const before = await findMemberInOrganization(trx, organizationId, memberId);
      if (!before) return undefined;
      let requirementChanged = false;
      if (changes.role !== undefined && changes.role !== before.role) {
        // Someone may have demoted the caller meanwhile; the session (or key) was read before the
        // lock. An API key acts with its creator's current rights: the creator must still be an
        // administrator, and the key still in force (a demotion revokes it under this same lock).
        const caller = await findMemberInOrganization(trx, organizationId, admin.user.id);
        if (caller?.role !== 'admin') throw new RefusedChange(fail('forbidden', { detail: 'Only administrators can do this.' }));
        if (admin.apiKey && !(await isApiKeyActive(trx, admin.apiKey.id))) throw new RefusedChange(fail('unauthenticated', { detail: 'This API key is not valid.' }));
        if (before.role === 'admin' && (await countAdministrators(trx, organizationId)) <= 1) {
          throw new RefusedChange(fail('last_administrator', { detail: 'This is the only administrator. Make someone else an administrator first.' }));
        }
        await updateMemberRole(trx, before.id, changes.role);
        await recordAudit(trx, context, { organizationId, type: 'user.role_changed', actor, targetUserId: before.id, origin, details: { from: before.role, to: changes.role } });
        // Issue 10 item 2: keys act with their creator's rights; a demoted administrator's keys go.
        if (before.role === 'admin') await revokeApiKeysOfCreator(trx, context, { organizationId, creatorId: before.id, reason: 'creator_demoted', actor, origin });
      }
      const wasRequired = before.twoFactorRequired === 1;
      if (changes.twoFactorRequired !== undefined && changes.twoFactorRequired !== wasRequired) {
        await updateMemberTwoFactorRequired(trx, before.id, changes.twoFactorRequired);
        await recordAudit(trx, context, { organizationId, type: 'user.two_factor_requirement_changed', actor, targetUserId: before.id, origin, details: { from: wasRequired, to: changes.twoFactorRequired } });
        requirementChanged = true;
      }
      const member = await findMemberInOrganization(trx, organizationId, before.id);
      return member ? { member, requirementChanged, organization: await findOrganizationById(trx, organizationId) } : undefined;
    });
  } catch (error) {
    if (error instanceof RefusedChange) return error.failure;
    throw error;
  }
  if (!result) return fail('not_found');
  const { member, requirementChanged, organization } = result;
  if (requirementChanged) {
    context.mailer.send(
      memberTwoFactorRequirementMessage(member.email, { required: member.twoFactorRequired === 1, hasTwoFactor: member.hasTwoFactor, requiredByOrganization: organization?.twoFactorRequirement === 'required' }),
      origin,
    );
  }
  return { ok: true, member };
}

export interface Adoption {
  members: number;
  enabled: number;
  requiredNotSetUp: number;
  weekly: WeeklyAdoption[];
  /** W6: members per kind of second factor. */
  methods: Record<FactorMethod, number>;
}

/** M4: how many members use two-factor authentication, who must but has not, and the last 12 weeks. */
export async function readAdoption(context: AppContext, admin: Authenticated): Promise<Adoption> {
  const weeks = adoptionWeeks(nowInMs(context));
  const [totals, methods] = await Promise.all([countAdoption(context.db, admin.organization.id, weeks.map((week) => week.endsAt)), countMembersByMethod(context.db, admin.organization.id)]);
  return {
    members: totals.members,
    enabled: totals.enabled,
    requiredNotSetUp: requiredNotSetUp(totals, admin.organization.twoFactorRequirement),
    weekly: weeklyAdoption(weeks, totals.membersBefore, totals.enabledBefore),
    methods,
  };
}
