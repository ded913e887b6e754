// K1: the organization's API keys, managed by administrators. Creating and revoking are
// sensitive (P5); keys themselves can never manage keys (no route here declares a grant).
import type { FastifyInstance } from 'fastify';
import { apiGrantDescriptions, apiGrants, type ApiGrant } from '../../core/api-grants.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../../services/api-keys.js';
import type { AppContext } from '../../services/context.js';
import type { ApiKeyWithCreator } from '../../store/api-keys.js';
import { sendProblem } from '../problem.js';
import { originOf } from '../request-origin.js';
import { requireAuth } from '../route-config.js';
import { idField, noContent, objectSchema, problemResponses, textField, timeField } from '../schemas.js';

const iso = (ms: number) => new Date(ms).toISOString();
const maxAllowedIps = 100;

const grantField = {
  type: 'string',
  enum: [...apiGrants],
  description: apiGrants.map((grant) => `\`${grant}\`: ${apiGrantDescriptions[grant]}`).join(' '),
} as const;

const apiKeySchema = objectSchema(
  {
    id: idField,
    name: { type: 'string' },
    keyPrefix: { type: 'string', description: 'The first 8 characters of the key, to tell keys apart.' },
    grants: { type: 'array', items: grantField },
    allowedIps: { type: 'array', items: { type: 'string' }, description: 'CIDR blocks the key may be used from; empty: any address.' },
    createdAt: timeField,
    createdBy: objectSchema({ id: idField, name: { type: 'string' } }, ['id', 'name']),
    lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
    lastUsedIp: { type: ['string', 'null'] },
  },
  ['id', 'name', 'keyPrefix', 'grants', 'allowedIps', 'createdAt', 'createdBy', 'lastUsedAt', 'lastUsedIp'],
);

function apiKeyView(key: ApiKeyWithCreator) {
  return {
    id: key.id,
    name: key.name,
    keyPrefix: key.keyPrefix,
    grants: key.grants,
    allowedIps: key.allowedIps,
    createdAt: iso(key.createdAt),
    createdBy: key.createdBy,
    lastUsedAt: key.lastUsedAt === null ? null : iso(key.lastUsedAt),
    lastUsedIp: key.lastUsedIp,
  };
}

export function registerApiKeyRoutes(app: FastifyInstance, context: AppContext): void {
  app.get(
    '/api/v1/api-keys',
    {
      config: { access: 'admin' },
      schema: { tags: ['api-keys'], summary: 'K1: the organization’s API keys (never the keys themselves), oldest first.', response: { 200: objectSchema({ apiKeys: { type: 'array', items: apiKeySchema } }, ['apiKeys']), ...problemResponses(401, 403) } },
    },
    async (request) => ({ apiKeys: (await listApiKeys(context, requireAuth(request.auth))).map(apiKeyView) }),
  );

  app.post<{ Body: { name: string; grants: ApiGrant[]; allowedIps?: string[] } }>(
    '/api/v1/api-keys',
    {
      config: { access: 'admin', sensitive: true, recentPassword: true },
      schema: {
        tags: ['api-keys'],
        summary: 'K1: create an API key with grants and an optional allow-list of source addresses. The key is in this answer only; store it now.',
        body: objectSchema(
          {
            name: textField(100, 'What the key is for.'),
            grants: { type: 'array', items: grantField, minItems: 1, maxItems: apiGrants.length, uniqueItems: true },
            allowedIps: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 64 }, maxItems: maxAllowedIps, description: 'IPv4 or IPv6 CIDR blocks (a bare address is one host); omitted or empty: any address.' },
          },
          ['name', 'grants'],
        ),
        response: {
          201: objectSchema({ id: idField, key: { type: 'string', description: '`tsk_` and 43 characters; send it as `Authorization: Bearer <key>`.' } }, ['id', 'key']),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const result = await createApiKey(context, requireAuth(request.auth), { name: request.body.name, grants: request.body.grants, allowedIps: request.body.allowedIps ?? [] }, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(201).send({ id: result.id, key: result.key });
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/api-keys/:id',
    {
      config: { access: 'admin', sensitive: true, recentPassword: true },
      schema: { tags: ['api-keys'], summary: 'K1: revoke an API key; it stops working at once.', params: objectSchema({ id: idField }, ['id']), response: { 204: noContent, ...problemResponses(400, 401, 403, 404) } },
    },
    async (request, reply) => {
      const result = await revokeApiKey(context, requireAuth(request.auth), request.params.id, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(204).send();
    },
  );
}
