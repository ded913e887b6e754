import type { Kysely } from 'kysely';
import type { AuditEvent, AuditEventTable, Database } from './schema.js';

/** A row to insert: the table's columns, with `details` as an object (stored as JSON text). */
export type NewAuditEvent = Omit<AuditEventTable, 'details'> & { details?: Record<string, unknown> };

export async function insertAuditEvent(db: Kysely<Database>, event: NewAuditEvent): Promise<void> {
  await db
    .insertInto('auditEvents')
    .values({ ...event, details: JSON.stringify(event.details ?? {}) })
    .execute();
}

export interface AuditEventQuery {
  organizationId: string;
  targetUserId?: string;
  type?: string;
  /** M5: createdAt from (inclusive) and to (exclusive), in ms. */
  fromInMs?: number;
  toInMs?: number;
  beforeId?: string;
  limit: number;
}

/** Newest first; ids are time-ordered, so `beforeId` pages backwards in time. */
export async function listAuditEvents(db: Kysely<Database>, query: AuditEventQuery): Promise<AuditEvent[]> {
  let select = db.selectFrom('auditEvents').selectAll().where('organizationId', '=', query.organizationId);
  if (query.targetUserId) select = select.where('targetUserId', '=', query.targetUserId);
  if (query.type) select = select.where('type', '=', query.type);
  if (query.fromInMs !== undefined) select = select.where('createdAt', '>=', query.fromInMs);
  if (query.toInMs !== undefined) select = select.where('createdAt', '<', query.toInMs);
  if (query.beforeId) select = select.where('id', '<', query.beforeId);
  return select.orderBy('id', 'desc').limit(query.limit).execute();
}
