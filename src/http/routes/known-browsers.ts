// G1, B2: a member's known (and remembered) browsers, and an administrator's view of a member's.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../services/context.js';
import { forgetBrowsers, forgetMemberBrowsers, forgetOwnBrowser, listBrowsers, listMemberBrowsers, type KnownBrowserView } from '../../services/known-browsers.js';
import { readBrowserCookie } from '../known-browser-cookie.js';
import { sendProblem } from '../problem.js';
import { originOf } from '../request-origin.js';
import { requireAuth } from '../route-config.js';
import { idField, noContent, objectSchema, problemResponses } from '../schemas.js';

const nullableString = { type: ['string', 'null'] } as const;
const browserSchema = objectSchema(
  {
    id: { type: 'string' },
    current: { type: 'boolean', description: 'The browser making this request.' },
    browser: { ...nullableString, description: 'Browser name and major version, read from the user agent (ua-parser-js).' },
    os: { ...nullableString, description: 'Operating system, read from the user agent.' },
    userAgent: nullableString,
    ip: { ...nullableString, description: 'The address of its last sign-in.' },
    firstSeenAt: { type: 'string', format: 'date-time' },
    lastUsedAt: { type: 'string', format: 'date-time' },
    remembered: {
      anyOf: [objectSchema({ at: { type: 'string', format: 'date-time' }, until: { type: 'string', format: 'date-time' } }, ['at', 'until']), { type: 'null' }],
      description: 'B2: remembered at `at`, skips the second step until `until`.',
    },
  },
  ['id', 'current', 'browser', 'os', 'userAgent', 'ip', 'firstSeenAt', 'lastUsedAt', 'remembered'],
);
const browsersSchema = objectSchema({ browsers: { type: 'array', items: browserSchema } }, ['browsers']);

function browserView(browser: KnownBrowserView) {
  return {
    id: browser.id,
    current: browser.current,
    browser: browser.browser,
    os: browser.os,
    userAgent: browser.userAgent,
    ip: browser.ip,
    firstSeenAt: new Date(browser.firstSeenAt).toISOString(),
    lastUsedAt: new Date(browser.lastUsedAt).toISOString(),
    remembered: browser.rememberedUntil === null ? null : { at: new Date(browser.rememberedAt ?? browser.rememberedUntil).toISOString(), until: new Date(browser.rememberedUntil).toISOString() },
  };
}

export function registerKnownBrowserRoutes(app: FastifyInstance, context: AppContext): void {
  app.get(
    '/api/v1/me/known-browsers',
    {
      config: { access: 'member' },
      schema: { tags: ['me'], summary: 'G1, B2: the browsers the member has signed in with, and which of them skip the second step.', response: { 200: browsersSchema, ...problemResponses(401) } },
    },
    async (request) => {
      const auth = requireAuth(request.auth);
      return { browsers: (await listBrowsers(context, auth.user, readBrowserCookie(request))).map(browserView) };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/me/known-browsers/:id',
    {
      config: { access: 'member' },
      schema: { tags: ['me'], summary: 'G1, B2: forget one browser: no longer known, no longer remembered.', params: objectSchema({ id: idField }, ['id']), response: { 204: noContent, ...problemResponses(400, 401, 404) } },
    },
    async (request, reply) => {
      const result = await forgetOwnBrowser(context, requireAuth(request.auth), request.params.id, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(204).send();
    },
  );

  app.delete(
    '/api/v1/me/known-browsers',
    {
      config: { access: 'member' },
      schema: { tags: ['me'], summary: 'G1, B2: forget every browser but this one.', response: { 204: noContent, ...problemResponses(401) } },
    },
    async (request, reply) => {
      const auth = requireAuth(request.auth);
      await forgetBrowsers(context, auth, auth.user, readBrowserCookie(request), originOf(request));
      return reply.code(204).send();
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/organization/users/:id/known-browsers',
    {
      config: { access: 'admin', grant: 'users:read' },
      schema: { tags: ['organization'], summary: 'M2 with G1, B2: a member’s known and remembered browsers.', params: objectSchema({ id: idField }, ['id']), response: { 200: browsersSchema, ...problemResponses(400, 401, 403, 404) } },
    },
    async (request, reply) => {
      const result = await listMemberBrowsers(context, requireAuth(request.auth), request.params.id);
      if (!result.ok) return sendProblem(reply, result);
      return { browsers: result.browsers.map(browserView) };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/organization/users/:id/known-browsers',
    {
      config: { access: 'admin', sensitive: true, recentPassword: true, grant: 'users:write' },
      schema: { tags: ['organization'], summary: 'B2: forget all of a member’s browsers (they are asked for the second step again).', params: objectSchema({ id: idField }, ['id']), response: { 204: noContent, ...problemResponses(400, 401, 403, 404) } },
    },
    async (request, reply) => {
      const result = await forgetMemberBrowsers(context, requireAuth(request.auth), request.params.id, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(204).send();
    },
  );
}
