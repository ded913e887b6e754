import type { Kysely } from 'kysely';
import { prepareStatement } from './prepared.js';
import type { AuditEvent, AuditEventTable, Database } from './schema.js';

/** A row to insert: the table's columns, with `details` as an object (stored as JSON text). */
export type NewAuditEvent = Omit<AuditEventTable, 'details'> & { details?: Record<string, unknown> };

const insertAuditEventStatement = prepareStatement<AuditEventTable, never>(
  ['id', 'organizationId', 'actorType', 'actorUserId', 'type', 'targetUserId', 'ip', 'createdAt', 'details'],
  (db, event) => db.insertInto('auditEvents').values(event),
);

export async function insertAuditEvent(db: Kysely<Database>, event: NewAuditEvent): Promise<void> {
  // Every sign-in and every wrong code writes one (prepared once: see prepared.ts).
  await insertAuditEventStatement(db, {
    id: event.id,
    organizationId: event.organizationId ?? null,
    actorType: event.actorType,
    actorUserId: event.actorUserId ?? null,
    type: event.type,
    targetUserId: event.targetUserId ?? null,
    ip: event.ip ?? null,
    createdAt: event.createdAt,
    details: JSON.stringify(event.details ?? {}),
  });
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
