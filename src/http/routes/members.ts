// One member, as an administrator sees and manages them (M2, M3, P4), and the organization's
// adoption overview (M4). Every route is `access: 'admin'` and finds members only in the caller's
// own organization: another organization's member ids answer 404, like unknown ones.
import type { FastifyInstance } from 'fastify';
import { listFactorMethods } from '../../store/user-directory.js';
import type { Role } from '../../core/roles.js';
import type { AppContext } from '../../services/context.js';
import { administratorScope, changeMember, readAdoption, readMemberDetail, resetMemberTwoFactor } from '../../services/member-administration.js';
import { sendProblem } from '../problem.js';
import { originOf } from '../request-origin.js';
import { requireAuth } from '../route-config.js';
import { idField, noContent, objectSchema, problemResponses, roleField, timeField } from '../schemas.js';
import { auditEventSchema, auditEventView, memberRowSchema, memberRowView } from '../views.js';

const iso = (ms: number) => new Date(ms).toISOString();
const memberParams = objectSchema({ id: idField }, ['id']);

const memberDetailSchema = objectSchema(
  {
    user: memberRowSchema,
    methods: {
      type: 'array',
      items: objectSchema(
        { type: { type: 'string', enum: ['totp', 'sms', 'webauthn'] }, createdAt: timeField, name: { type: 'string', description: 'W6: a security key’s or passkey’s name.' }, kind: { type: 'string', enum: ['passkey', 'security_key'] } },
        ['type', 'createdAt'],
      ),
    },
    recoveryCodes: objectSchema({ remaining: { type: 'integer' }, total: { type: 'integer' } }, ['remaining', 'total']),
    events: { type: 'array', items: auditEventSchema, description: 'The last 20 events about this member, newest first.' },
  },
  ['user', 'methods', 'recoveryCodes', 'events'],
);

const adoptionSchema = objectSchema(
  {
    members: { type: 'integer' },
    enabled: { type: 'integer', description: 'Members with two-factor authentication on.' },
    requiredNotSetUp: { type: 'integer', description: 'Members required to use it (by the organization or individually) who have not set it up.' },
    weekly: {
      type: 'array',
      description: 'The last 12 weeks, oldest first; counts as of the end of each week.',
      items: objectSchema({ weekStart: { type: 'string', format: 'date' }, enabled: { type: 'integer' }, members: { type: 'integer' } }, ['weekStart', 'enabled', 'members']),
    },
    methods: objectSchema({ totp: { type: 'integer' }, sms: { type: 'integer' }, webauthn: { type: 'integer' } }, ['totp', 'sms', 'webauthn']),
  },
  ['members', 'enabled', 'requiredNotSetUp', 'weekly', 'methods'],
);

export function registerMembersRoutes(app: FastifyInstance, context: AppContext): void {
  app.get<{ Params: { id: string } }>(
    '/api/v1/organization/users/:id',
    {
      config: { access: 'admin', grant: 'users:read' },
      schema: {
        tags: ['organization'],
        summary: 'M2: a member’s page — their grid row, methods, recovery codes left and recent security events.',
        params: memberParams,
        response: { 200: memberDetailSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request.auth);
      const result = await readMemberDetail(context, auth, request.params.id);
      if (!result.ok) return sendProblem(reply, result);
      const { member, methods, recoveryCodes, events } = result.detail;
      return {
        user: memberRowView(member, auth.organization),
        methods: methods.map((method) => ({ type: method.type, createdAt: iso(method.createdAt), ...(method.name !== undefined && { name: method.name, kind: method.kind }) })),
        recoveryCodes,
        events: events.map(auditEventView),
      };
    },
  );

  app.patch<{ Params: { id: string }; Body: { role?: Role; twoFactorRequired?: boolean } }>(
    '/api/v1/organization/users/:id',
    {
      config: { access: 'admin', sensitive: true, recentPassword: true, grant: 'users:write' },
      schema: {
        tags: ['organization'],
        summary: 'P4: change a member’s role or whether two-factor authentication is required of them (the member is e-mailed).',
        params: memberParams,
        body: objectSchema({ role: roleField, twoFactorRequired: { type: 'boolean' } }),
        response: { 200: memberRowSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request.auth);
      const result = await changeMember(context, auth, request.params.id, { role: request.body.role, twoFactorRequired: request.body.twoFactorRequired }, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      // W6: the row as the grid shows it, with the member's methods.
      const methods = (await listFactorMethods(context.db, [result.member.id])).get(result.member.id) ?? [];
      return memberRowView({ ...result.member, methods }, auth.organization);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/organization/users/:id/two-factor/reset',
    {
      config: { access: 'admin', sensitive: true, recentPassword: true, grant: 'users:write' },
      schema: {
        tags: ['organization'],
        summary: 'M3: remove every second factor and recovery code of a member; they stay signed in, the requirement is unchanged, and they are e-mailed.',
        params: memberParams,
        response: { 204: noContent, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const result = await resetMemberTwoFactor(context, administratorScope(requireAuth(request.auth), originOf(request)), request.params.id);
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/organization/two-factor/adoption',
    {
      config: { access: 'admin', grant: 'organization:read' },
      schema: { tags: ['organization'], summary: 'M4: how many members use two-factor authentication, who must but has not, and the last 12 weeks.', response: { 200: adoptionSchema, ...problemResponses(401, 403) } },
    },
    async (request) => readAdoption(context, requireAuth(request.auth)),
  );
}
