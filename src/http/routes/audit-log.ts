// M5: the organization's audit log — a filtered, cursor-paged list and a JSON-lines export with
// the same filters and the same event shape. `access: 'admin'`, own organization only.
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../../services/context.js';
import { exportOrganizationAuditEvents, listOrganizationAuditEvents, type AuditFilters } from '../../services/organization.js';
import { sendProblem } from '../problem.js';
import { requireAuth } from '../route-config.js';
import { idField, objectSchema, problemResponses } from '../schemas.js';
import { auditEventSchema, auditEventView } from '../views.js';

const pageSize = 50;
const cursorField = { type: 'string', maxLength: 64, pattern: '^[0-9a-f-]*$' } as const;

interface FilterParams {
  userId?: string;
  type?: string;
  from?: string;
  to?: string;
}

const filterFields = {
  userId: idField,
  type: { type: 'string', maxLength: 100, pattern: '^[a-z0-9_.]*$' },
  from: { type: 'string', format: 'date-time', maxLength: 40, description: 'Events at or after this time (inclusive).' },
  to: { type: 'string', format: 'date-time', maxLength: 40, description: 'Events before this time (exclusive).' },
} as const;

/** Meaning the schema cannot check: a real instant, and `from` not after `to`. */
function filtersOf(params: FilterParams, reply: FastifyReply): AuditFilters | undefined {
  const fromInMs = params.from === undefined ? undefined : Date.parse(params.from);
  const toInMs = params.to === undefined ? undefined : Date.parse(params.to);
  for (const [field, value] of [['from', fromInMs], ['to', toInMs]] as const) {
    if (value !== undefined && !Number.isFinite(value)) {
      sendProblem(reply, { code: 'validation_failed', fieldErrors: [{ field, message: 'Enter a date and time such as 2026-11-23T09:00:00Z.' }] });
      return undefined;
    }
  }
  if (fromInMs !== undefined && toInMs !== undefined && fromInMs > toInMs) {
    sendProblem(reply, { code: 'validation_failed', fieldErrors: [{ field: 'to', message: 'The end must not be before the start.' }] });
    return undefined;
  }
  return { userId: params.userId, type: params.type || undefined, fromInMs, toInMs };
}

export function registerAuditLogRoutes(app: FastifyInstance, context: AppContext): void {
  app.get<{ Querystring: FilterParams & { cursor?: string } }>(
    '/api/v1/organization/audit-events',
    {
      config: { access: 'admin', grant: 'audit:read' },
      schema: {
        tags: ['organization'],
        summary: 'Security events of the organization, newest first (M5), by member, type and time.',
        querystring: objectSchema({ ...filterFields, cursor: cursorField }),
        response: { 200: objectSchema({ events: { type: 'array', items: auditEventSchema }, nextCursor: { type: ['string', 'null'] } }, ['events', 'nextCursor']), ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const filters = filtersOf(request.query, reply);
      if (!filters) return reply;
      const page = await listOrganizationAuditEvents(context, requireAuth(request.auth), { ...filters, cursor: request.query.cursor || undefined, limit: pageSize });
      return { events: page.items.map(auditEventView), nextCursor: page.nextCursor };
    },
  );

  app.get<{ Querystring: FilterParams }>(
    '/api/v1/organization/audit-events/export',
    {
      config: { access: 'admin', grant: 'audit:read' },
      schema: {
        tags: ['organization'],
        summary: 'M5: the matching events as JSON lines (one event per line, newest first), as a download.',
        querystring: objectSchema(filterFields),
        response: {
          200: { description: 'One event per line, shaped like the items of GET /api/v1/organization/audit-events.', content: { 'application/x-ndjson': { schema: { type: 'string' } } } },
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const filters = filtersOf(request.query, reply);
      if (!filters) return reply;
      const events = exportOrganizationAuditEvents(context, requireAuth(request.auth), filters);
      const lines = Readable.from(
        (async function* () {
          for await (const event of events) yield JSON.stringify(auditEventView(event)) + '\n';
        })(),
      );
      const day = context.clock.now().toISOString().slice(0, 10);
      return reply
        .type('application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="tessera-audit-${day}.jsonl"`)
        .send(lines);
    },
  );
}
