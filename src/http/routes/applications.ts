// O1/O7: the organization's applications (OpenID Connect clients), managed by administrators.
// Every change needs a recent password (A5) and is sensitive (P5); the client secret appears
// only in the answer that creates or replaces it.
import type { FastifyInstance } from 'fastify';
import { allowedReturnTo, createApplication, deleteApplication, listApplications, replaceClientSecret, updateApplication, type ApplicationChangesInput, type ApplicationInput } from '../../services/applications.js';
import type { AppContext } from '../../services/context.js';
import type { Application } from '../../store/applications.js';
import { sendProblem } from '../problem.js';
import { originOf } from '../request-origin.js';
import { requireAuth } from '../route-config.js';
import { idField, noContent, objectSchema, problemResponses, textField, timeField } from '../schemas.js';

const iso = (ms: number) => new Date(ms).toISOString();
const uriField = { type: 'string', minLength: 1, maxLength: 2000 } as const;
const uriList = { type: 'array', items: uriField, maxItems: 20 } as const;

const applicationSchema = objectSchema(
  {
    id: idField,
    clientId: { type: 'string' },
    name: { type: 'string' },
    type: { type: 'string', enum: ['confidential', 'public'] },
    redirectUris: { type: 'array', items: { type: 'string' } },
    postLogoutRedirectUris: { type: 'array', items: { type: 'string' } },
    backchannelLogoutUri: { type: ['string', 'null'] },
    createdAt: timeField,
    updatedAt: timeField,
  },
  ['id', 'clientId', 'name', 'type', 'redirectUris', 'postLogoutRedirectUris', 'backchannelLogoutUri', 'createdAt', 'updatedAt'],
);

function applicationView(application: Application) {
  return {
    id: application.id,
    clientId: application.clientId,
    name: application.name,
    type: application.type,
    redirectUris: application.redirectUris,
    postLogoutRedirectUris: application.postLogoutRedirectUris,
    backchannelLogoutUri: application.backchannelLogoutUri,
    createdAt: iso(application.createdAt),
    updatedAt: iso(application.updatedAt),
  };
}

const changeConfig = { access: 'admin', recentPassword: true, sensitive: true, grant: 'applications:write' } as const;
const idParams = objectSchema({ id: idField }, ['id']);

export function registerApplicationRoutes(app: FastifyInstance, context: AppContext): void {
  app.get(
    '/api/v1/organization/applications',
    {
      config: { access: 'admin', grant: 'applications:read' },
      schema: { tags: ['applications'], summary: 'O1: the applications that sign in through Tessera, oldest first.', response: { 200: objectSchema({ applications: { type: 'array', items: applicationSchema } }, ['applications']), ...problemResponses(401, 403) } },
    },
    async (request) => ({ applications: (await listApplications(context, requireAuth(request.auth))).map(applicationView) }),
  );

  app.post<{ Body: ApplicationInput }>(
    '/api/v1/organization/applications',
    {
      config: changeConfig,
      schema: {
        tags: ['applications'],
        summary: 'O1: register an application. A confidential one gets a client secret, in this answer only.',
        body: objectSchema(
          {
            name: textField(100, 'Shown to administrators and in the audit log.'),
            type: { type: 'string', enum: ['confidential', 'public'], description: '`confidential`: a server that keeps a client secret; `public`: a browser or native app (PKCE only).' },
            redirectUris: { ...uriList, minItems: 1, description: 'Matched exactly. https://, or http:// on localhost and 127.0.0.1.' },
            postLogoutRedirectUris: uriList,
            backchannelLogoutUri: { type: ['string', 'null'], maxLength: 2000 },
          },
          ['name', 'type', 'redirectUris'],
        ),
        response: { 201: objectSchema({ id: idField, clientId: { type: 'string' }, clientSecret: { type: 'string' }, application: applicationSchema }, ['id', 'clientId', 'application']), ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const result = await createApplication(context, requireAuth(request.auth), request.body, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(201).send({ id: result.application.id, clientId: result.application.clientId, ...(result.clientSecret ? { clientSecret: result.clientSecret } : {}), application: applicationView(result.application) });
    },
  );

  app.patch<{ Params: { id: string }; Body: ApplicationChangesInput }>(
    '/api/v1/organization/applications/:id',
    {
      config: changeConfig,
      schema: {
        tags: ['applications'],
        summary: 'O1: change an application’s name or addresses.',
        params: idParams,
        body: { ...objectSchema({ name: textField(100), redirectUris: { ...uriList, minItems: 1 }, postLogoutRedirectUris: uriList, backchannelLogoutUri: { type: ['string', 'null'], maxLength: 2000 } }), minProperties: 1, additionalProperties: false },
        response: { 200: applicationSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const result = await updateApplication(context, requireAuth(request.auth), request.params.id, request.body, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return applicationView(result.application);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/organization/applications/:id/secret',
    {
      config: changeConfig,
      schema: { tags: ['applications'], summary: 'O1: a new client secret, in this answer only; the old one stops working at once.', params: idParams, response: { 200: objectSchema({ clientSecret: { type: 'string' } }, ['clientSecret']), ...problemResponses(400, 401, 403, 404) } },
    },
    async (request, reply) => {
      const result = await replaceClientSecret(context, requireAuth(request.auth), request.params.id, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return { clientSecret: result.clientSecret };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/organization/applications/:id',
    {
      config: changeConfig,
      schema: { tags: ['applications'], summary: 'O1: delete an application; every token issued to it is revoked.', params: idParams, response: { 204: noContent, ...problemResponses(400, 401, 403, 404) } },
    },
    async (request, reply) => {
      const result = await deleteApplication(context, requireAuth(request.auth), request.params.id, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(204).send();
    },
  );

  app.get<{ Querystring: { url: string } }>(
    '/api/v1/auth/return-to',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'O8: whether the sign-in page may return to this address (PUBLIC_URL’s host on any port, or a registered application’s origin).',
        querystring: objectSchema({ url: { type: 'string', minLength: 1, maxLength: 4000 } }, ['url']),
        response: { 200: objectSchema({ returnTo: { type: ['string', 'null'] } }, ['returnTo']), ...problemResponses(400) },
      },
    },
    async (request) => ({ returnTo: await allowedReturnTo(context, request.query.url) }),
  );
}
