// The organization as administrators see it: settings and two-factor policy (P1, P3, P6),
// members, audit log.
import { forgetsRememberedBrowsers, type ForgetReason } from '../core/known-browsers.js';
import { checkRequirementChange } from '../core/policy.js';
import { forgetRememberedBrowsersOfOrganization } from '../store/known-browsers.js';
import { singleSignOnDisabledMessage, twoFactorRequiredMessage } from '../mail/templates.js';
import { listAdministratorContacts } from '../store/members.js';
import { disableConnectionForRequirement } from '../store/sso-connections.js';
import { findOrganizationById, setTwoFactorDeadline, turnTwoFactorRequirementOff, turnTwoFactorRequirementOn, updateOrganization } from '../store/organizations.js';
import { countUsersWithoutTwoFactor, listUsersWithoutTwoFactor, type MemberContact } from '../store/users.js';
import { listAuditEvents } from '../store/audit-events.js';
import type { AuditEvent, Organization, RecoveryCodePolicy, TwoFactorRequirement } from '../store/schema.js';
import { encodeDirectoryCursor, type DirectoryQuery } from '../core/user-directory.js';
import { listDirectory, sortValueOf, type UserWithFactors, listFactorMethods } from '../store/user-directory.js';
import { replaceAttestationRoots } from '../store/webauthn-attestation-roots.js';
import { describeRootCertificate } from './attestation-certificates.js';
import { memberActor, recordAudit } from './audit.js';
import { fail, nowInMs, type AppContext, type Outcome, type RequestOrigin } from './context.js';
import type { Authenticated } from './sessions.js';

export interface OrganizationChanges {
  name?: string;
  brandName?: string | null;
  recoveryCodePolicy?: RecoveryCodePolicy;
  /** S4: 1 while members may use text messages. */
  smsAllowed?: number;
  /** S2: 6 or 7 digits. */
  smsCodeLength?: number;
  /** Issue 10 item 6: "CH,DE" (encodeCountryList); null = every country. */
  smsAllowedCountries?: string | null;
  /** B2: 0 (off) to 30 days. */
  rememberBrowserDays?: number;
  /** W3: 1 while members may sign in with a passkey alone. */
  passkeySignIn?: number;
  /** W5: JSON array of the methods that count; null = all. */
  allowedMethods?: string | null;
  /** W5: 1 when only security keys and passkeys satisfy the requirement. */
  requirePhishingResistant?: number;
  /** W5: JSON array of allowed AAGUIDs; null = any model. */
  allowedAuthenticators?: string | null;
}

/** P1 P6: the requirement and its grace-period deadline (ms; null = at once), as asked for. */
export interface RequirementChange {
  requirement?: TwoFactorRequirement;
  requiredFrom?: number | null;
}

type PolicyStep = { kind: 'none' } | { kind: 'turn_on'; requiredFrom: number | null } | { kind: 'turn_off' } | { kind: 'move_deadline'; requiredFrom: number | null };

/** What the change asks of the current policy; a deadline must be in the future unless it stays as it is. */
function planPolicyStep(current: Organization, change: RequirementChange, nowInMs: number): Outcome<{ step: PolicyStep }> {
  const requirement = change.requirement ?? current.twoFactorRequirement;
  const isUnchangedDeadline = change.requiredFrom === undefined || (requirement === 'required' && current.twoFactorRequirement === 'required' && change.requiredFrom === current.twoFactorRequiredFrom);
  if (!isUnchangedDeadline) {
    const check = checkRequirementChange({ requirement, requiredFromInMs: change.requiredFrom ?? null }, nowInMs);
    if (!check.ok) {
      const message = check.reason === 'deadline_not_in_future' ? 'Choose a date and time in the future.' : 'A deadline goes only with the requirement turned on.';
      return fail('validation_failed', { fieldErrors: [{ field: 'twoFactor.requiredFrom', message }] });
    }
  }
  if (requirement === 'optional') return { ok: true, step: current.twoFactorRequirement === 'required' ? { kind: 'turn_off' } : { kind: 'none' } };
  if (current.twoFactorRequirement === 'optional') return { ok: true, step: { kind: 'turn_on', requiredFrom: change.requiredFrom ?? null } };
  if (isUnchangedDeadline) return { ok: true, step: { kind: 'none' } };
  return { ok: true, step: { kind: 'move_deadline', requiredFrom: change.requiredFrom ?? null } };
}

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function updateOrganizationSettings(
  context: AppContext,
  admin: Authenticated,
  changes: OrganizationChanges,
  origin: RequestOrigin,
  requirementChange: RequirementChange = {},
  /** W5: the allowed models' attestation root certificates (PEM) replacing the stored ones. */
  attestationRoots?: ReadonlyMap<string, readonly string[]>,
): Promise<Outcome<{ organization: Organization }>> {
  const now = nowInMs(context);
  // Checked against the organization as this request found it; the updates below are conditional,
  // so a concurrent change cannot make one administrator's "turn on" announce twice.
  const plan = planPolicyStep(admin.organization, requirementChange, now);
  if (!plan.ok) return plan;
  const organizationId = admin.organization.id;
  const actor = memberActor(admin.user.id);
  const done = await context.db.transaction().execute(async (trx) => {
    const previousRememberDays = changes.rememberBrowserDays === undefined ? undefined : (await findOrganizationById(trx, organizationId))?.rememberBrowserDays;
    await updateOrganization(trx, organizationId, changes);
    if (attestationRoots !== undefined) await replaceAttestationRoots(trx, organizationId, attestationRoots);
    // B2: a shorter promise (or none) than members were given: every remembered browser asks again.
    if (previousRememberDays !== undefined && changes.rememberBrowserDays !== undefined && forgetsRememberedBrowsers(previousRememberDays, changes.rememberBrowserDays)) {
      const count = await forgetRememberedBrowsersOfOrganization(trx, organizationId);
      if (count > 0) await recordAudit(trx, context, { organizationId, type: 'browser.remembered_forgotten', actor, targetUserId: null, origin, details: { reason: 'organization_policy' satisfies ForgetReason, count } });
    }
    // B2 W5: requiring phishing-resistant sign-in forgets every remembered browser.
    if (changes.requirePhishingResistant === 1 && admin.organization.requirePhishingResistant !== 1) {
      const count = await forgetRememberedBrowsersOfOrganization(trx, organizationId);
      if (count > 0) await recordAudit(trx, context, { organizationId, type: 'browser.remembered_forgotten', actor, targetUserId: null, origin, details: { reason: 'phishing_resistant_required' satisfies ForgetReason, count } });
    }
    if (Object.keys(changes).length > 0) {
      // W5: the roots by fingerprint (SHA-256), not the certificates themselves.
      const rootFingerprints = attestationRoots && Object.fromEntries([...attestationRoots].map(([aaguid, pems]) => [aaguid, pems.map((pem) => describeRootCertificate(pem)?.sha256 ?? null)]));
      await recordAudit(trx, context, { organizationId, type: 'organization.updated', actor, targetUserId: null, origin, details: { changes, ...(rootFingerprints && { attestationRoots: rootFingerprints }) } });
    }
    let toNotify: MemberContact[] = [];
    let administratorsToTell: MemberContact[] = [];
    const step = plan.step;
    switch (step.kind) {
      case 'none':
        break;
      case 'turn_on':
        if (await turnTwoFactorRequirementOn(trx, organizationId, step.requiredFrom)) {
          await recordAudit(trx, context, { organizationId, type: 'organization.two_factor_required', actor, targetUserId: null, origin, details: { requiredFrom: isoOrNull(step.requiredFrom) } });
          toNotify = await listUsersWithoutTwoFactor(trx, organizationId);
          // E3/P2: a connection following the seed's rule gives way to the requirement.
          const disabledConnectionId = await disableConnectionForRequirement(trx, organizationId, now);
          if (disabledConnectionId !== undefined) {
            await recordAudit(trx, context, { organizationId, type: 'sso.connection_disabled', actor, targetUserId: null, origin, details: { reason: 'two_factor_required' } });
            administratorsToTell = await listAdministratorContacts(trx, organizationId);
          }
        }
        break;
      case 'turn_off':
        // P3: only the organization's row changes; members keep their factors and own requirement.
        if (await turnTwoFactorRequirementOff(trx, organizationId)) {
          await recordAudit(trx, context, { organizationId, type: 'organization.two_factor_optional', actor, targetUserId: null, origin });
        }
        break;
      case 'move_deadline':
        if (await setTwoFactorDeadline(trx, organizationId, step.requiredFrom)) {
          await recordAudit(trx, context, {
            organizationId,
            type: 'organization.two_factor_required',
            actor,
            targetUserId: null,
            origin,
            details: { requiredFrom: isoOrNull(step.requiredFrom), previousRequiredFrom: isoOrNull(admin.organization.twoFactorRequiredFrom) },
          });
        }
        break;
      default:
        step satisfies never;
    }
    return { organization: await findOrganizationById(trx, organizationId), toNotify, administratorsToTell };
  });
  const organization = done.organization;
  if (!organization) return fail('not_found');
  // P1, after the commit: everyone not set up yet, administrators included.
  if (done.toNotify.length > 0) {
    const organizationName = organization.brandName ?? organization.name;
    const deadline = organization.twoFactorRequiredFrom === null ? null : new Date(organization.twoFactorRequiredFrom);
    const link = new URL('/settings', context.config.publicUrl).toString();
    for (const member of done.toNotify) context.mailer.send(twoFactorRequiredMessage(member.email, organizationName, deadline, link), origin);
  }
  // E3, after the commit: every administrator learns that single sign-on is off.
  if (done.administratorsToTell.length > 0) {
    const settingsLink = new URL('/admin/settings', context.config.publicUrl).toString();
    for (const administrator of done.administratorsToTell) context.mailer.send(singleSignOnDisabledMessage(administrator.email, organization.brandName ?? organization.name, settingsLink), origin);
  }
  return { ok: true, organization };
}

/** P1: who is not set up yet, for the confirmation before turning the requirement on. */
export async function listMembersNotSetUp(context: AppContext, admin: Authenticated, limit: number): Promise<{ users: MemberContact[]; total: number }> {
  const [users, total] = await Promise.all([listUsersWithoutTwoFactor(context.db, admin.organization.id, limit), countUsersWithoutTwoFactor(context.db, admin.organization.id)]);
  return { users, total };
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** M1: one page of the users grid, only ever of the administrator's own organization. */
export async function listMembers(context: AppContext, admin: Authenticated, query: DirectoryQuery): Promise<Page<UserWithFactors>> {
  const organization = { id: admin.organization.id, requiresTwoFactor: admin.organization.twoFactorRequirement === 'required' };
  const rows = await listDirectory(context.db, organization, { ...query, limit: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > query.limit && last ? encodeDirectoryCursor({ value: sortValueOf(last, query.sort), id: last.id }) : null;
  // W6: the methods of the members on this page only.
  const methods = await listFactorMethods(context.db, page.map((user) => user.id));
  const items = page.map((user) => ({ ...user, methods: methods.get(user.id) ?? [] }));
  return { items, nextCursor };
}

/** M5: by member, type and time (from inclusive, to exclusive). */
export interface AuditFilters {
  userId?: string;
  type?: string;
  fromInMs?: number;
  toInMs?: number;
}

export async function listOrganizationAuditEvents(context: AppContext, admin: Authenticated, query: AuditFilters & { cursor?: string; limit: number }): Promise<Page<AuditEvent>> {
  const rows = await listAuditEvents(context.db, { ...auditQueryOf(admin, query), beforeId: query.cursor, limit: query.limit + 1 });
  const items = rows.slice(0, query.limit);
  return { items, nextCursor: rows.length > query.limit ? items[items.length - 1]!.id : null };
}

const exportPageSize = 500;

/**
 * M5: every matching event, newest first, a page at a time, so an export of any size holds one
 * page in memory. Events written while it runs are newer than the first page and stay out.
 */
export async function* exportOrganizationAuditEvents(context: AppContext, admin: Authenticated, filters: AuditFilters): AsyncGenerator<AuditEvent> {
  let beforeId: string | undefined;
  for (;;) {
    const rows = await listAuditEvents(context.db, { ...auditQueryOf(admin, filters), beforeId, limit: exportPageSize });
    yield* rows;
    if (rows.length < exportPageSize) return;
    beforeId = rows[rows.length - 1]!.id;
  }
}

function auditQueryOf(admin: Authenticated, filters: AuditFilters) {
  return { organizationId: admin.organization.id, targetUserId: filters.userId, type: filters.type, fromInMs: filters.fromInMs, toInMs: filters.toInMs };
}
