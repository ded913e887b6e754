// The organization as administrators see it: settings, members, audit log.
import { updateOrganization, findOrganizationById } from '../store/organizations.js';
import { listAuditEvents } from '../store/audit-events.js';
import type { AuditEvent, Organization, RecoveryCodePolicy } from '../store/schema.js';
import { encodeDirectoryCursor, type DirectoryQuery } from '../core/user-directory.js';
import { listDirectory, sortValueOf, type UserWithFactors } from '../store/user-directory.js';
import { memberActor, recordAudit } from './audit.js';
import { fail, type AppContext, type Outcome, type RequestOrigin } from './context.js';
import type { Authenticated } from './sessions.js';

export interface OrganizationChanges {
  name?: string;
  brandName?: string | null;
  recoveryCodePolicy?: RecoveryCodePolicy;
}

export async function updateOrganizationSettings(context: AppContext, admin: Authenticated, changes: OrganizationChanges, origin: RequestOrigin): Promise<Outcome<{ organization: Organization }>> {
  const organization = await context.db.transaction().execute(async (trx) => {
    await updateOrganization(trx, admin.organization.id, changes);
    if (Object.keys(changes).length > 0) {
      await recordAudit(trx, context, { organizationId: admin.organization.id, type: 'organization.updated', actor: memberActor(admin.user.id), targetUserId: null, origin, details: { changes } });
    }
    return findOrganizationById(trx, admin.organization.id);
  });
  return organization ? { ok: true, organization } : fail('not_found');
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** M1: one page of the users grid, only ever of the administrator's own organization. */
export async function listMembers(context: AppContext, admin: Authenticated, query: DirectoryQuery): Promise<Page<UserWithFactors>> {
  const organization = { id: admin.organization.id, requiresTwoFactor: admin.organization.twoFactorRequirement === 'required' };
  const rows = await listDirectory(context.db, organization, { ...query, limit: query.limit + 1 });
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > query.limit && last ? encodeDirectoryCursor({ value: sortValueOf(last, query.sort), id: last.id }) : null;
  return { items, nextCursor };
}

export async function listOrganizationAuditEvents(context: AppContext, admin: Authenticated, query: { userId?: string; type?: string; cursor?: string; limit: number }): Promise<Page<AuditEvent>> {
  const rows = await listAuditEvents(context.db, { organizationId: admin.organization.id, targetUserId: query.userId, type: query.type, beforeId: query.cursor, limit: query.limit + 1 });
  const items = rows.slice(0, query.limit);
  return { items, nextCursor: rows.length > query.limit ? items[items.length - 1]!.id : null };
}
