// E1–E5: the organization's single-sign-on connection (administrators) and signing in through it.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { maximumClaimedDomains, ssoMfaRules } from '../../core/single-sign-on.js';
import type { AppContext } from '../../services/context.js';
import { completeSingleSignOn, startSingleSignOn } from '../../services/single-sign-on.js';
import { readSsoConnection, removeSsoConnection, saveSsoConnection, ssoRedirectUri, testSsoConnection, type SsoConnectionDetails, type SsoConnectionInput } from '../../services/sso-connections.js';
import { readCookie, serializeCookie } from '../cookies.js';
import { readBrowserCookie, setBrowserCookie } from '../known-browser-cookie.js';
import { setChallengeCookie, setSessionCookie } from '../plugins/authentication.js';
import { sendProblem } from '../problem.js';
import { originOf } from '../request-origin.js';
import { requireAuth } from '../route-config.js';
import { noContent, objectSchema, problemResponses, typedEmailField } from '../schemas.js';

/** E2: the flow of the browser that started a sign-in at the provider (sealed; 10 minutes). */
export const ssoFlowCookieName = 'tessera_sso_flow';

const printable = '^[\\x21-\\x7E]+$';
const connectionBody = objectSchema(
  {
    issuer: { type: 'string', minLength: 1, maxLength: 500, pattern: printable, description: 'The provider’s issuer URL; its discovery document is read from /.well-known/openid-configuration.' },
    clientId: { type: 'string', minLength: 1, maxLength: 255, pattern: printable },
    clientSecret: { type: 'string', minLength: 1, maxLength: 1000, pattern: printable, description: 'Sealed under the server key and never read back; omit it to keep the stored one.' },
    domains: { type: 'array', minItems: 1, maxItems: maximumClaimedDomains, items: { type: 'string', minLength: 1, maxLength: 253, pattern: printable }, description: 'E-mail domains routed to this provider; each belongs to one organization at most.' },
    enabled: { type: 'boolean' },
    mfa: { type: 'string', enum: [...ssoMfaRules], description: 'E3/E4: disable_with_requirement (turned off when the organization requires two-factor authentication), tessera_second_factor, or trust_provider_amr.' },
    createMembers: { type: 'boolean', description: 'Create a member at the first sign-in of an address of a claimed domain.' },
    passwordForRoutedMembers: { type: 'boolean', description: 'E5: members of claimed domains may also sign in with a password (administrators always may).' },
  },
  ['issuer', 'clientId', 'domains', 'enabled', 'mfa', 'createMembers', 'passwordForRoutedMembers'],
);

const connectionSchema = objectSchema(
  {
    issuer: { type: 'string' },
    clientId: { type: 'string' },
    hasClientSecret: { type: 'boolean', description: 'The secret itself is never read back.' },
    domains: { type: 'array', items: { type: 'string' } },
    enabled: { type: 'boolean' },
    mfa: { type: 'string', enum: [...ssoMfaRules] },
    createMembers: { type: 'boolean' },
    passwordForRoutedMembers: { type: 'boolean' },
    disabledReason: { type: ['string', 'null'], description: 'E3: "two_factor_required" when turning the requirement on disabled the connection.' },
    redirectUri: { type: 'string', description: 'The redirect URI to register at the provider.' },
  },
  ['issuer', 'clientId', 'hasClientSecret', 'domains', 'enabled', 'mfa', 'createMembers', 'passwordForRoutedMembers', 'disabledReason', 'redirectUri'],
);

export function registerSingleSignOnRoutes(app: FastifyInstance, context: AppContext): void {
  const connectionView = ({ connection, domains }: SsoConnectionDetails) => ({
    issuer: connection.issuer,
    clientId: connection.clientId,
    hasClientSecret: true,
    domains,
    enabled: connection.enabled === 1,
    mfa: connection.mfaRule,
    createMembers: connection.createMembers === 1,
    passwordForRoutedMembers: connection.passwordForRoutedMembers === 1,
    disabledReason: connection.disabledReason,
    redirectUri: ssoRedirectUri(context),
  });
  const secure = context.config.publicUrl.protocol === 'https:';
  const clearFlowCookie = (reply: FastifyReply) => reply.header('set-cookie', serializeCookie(ssoFlowCookieName, '', { maxAgeInSeconds: 0, secure }));

  app.get(
    '/api/v1/organization/sso',
    {
      config: { access: 'admin' },
      schema: { tags: ['organization'], summary: 'The single-sign-on connection (E1); 404 sso_not_configured when there is none. The client secret is never read back.', response: { 200: connectionSchema, ...problemResponses(401, 403, 404) } },
    },
    async (request, reply) => {
      const result = await readSsoConnection(context, requireAuth(request.auth));
      if (!result.ok) return sendProblem(reply, result);
      return connectionView(result);
    },
  );

  app.put<{ Body: SsoConnectionInput }>(
    '/api/v1/organization/sso',
    {
      config: { access: 'admin', sensitive: true, recentPassword: true },
      schema: {
        tags: ['organization'],
        summary:
          'Create or replace the single-sign-on connection (E1, A5). 409 sso_domain_taken when another organization claims a domain; 409 sso_conflicts_with_requirement when enabling the rule disable_with_requirement while two-factor authentication is required (E3).',
        body: connectionBody,
        response: { 200: connectionSchema, ...problemResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const result = await saveSsoConnection(context, requireAuth(request.auth), request.body, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return connectionView(result);
    },
  );

  app.delete(
    '/api/v1/organization/sso',
    {
      config: { access: 'admin', sensitive: true, recentPassword: true },
      schema: { tags: ['organization'], summary: 'Remove the single-sign-on connection and its claimed domains (E1, A5).', response: { 204: noContent, ...problemResponses(401, 403, 404) } },
    },
    async (request, reply) => {
      const result = await removeSsoConnection(context, requireAuth(request.auth), originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/v1/organization/sso/test',
    {
      config: { access: 'admin', sensitive: true },
      schema: {
        tags: ['organization'],
        summary: 'Test the saved connection (E1): fetch discovery, and check the client id and secret at the token endpoint.',
        response: { 200: objectSchema({ ok: { type: 'boolean' }, detail: { type: 'string' } }, ['ok', 'detail']), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const result = await testSsoConnection(context, requireAuth(request.auth), originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return result.result;
    },
  );

  app.post<{ Body: { email: string } }>(
    '/api/v1/auth/sso',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'E2: where to sign in an address whose domain is routed to an identity provider ({redirectUrl}); 404 sso_not_configured otherwise. Sets the browser-bound flow cookie.',
        body: objectSchema({ email: typedEmailField }, ['email']),
        response: { 200: objectSchema({ redirectUrl: { type: 'string' } }, ['redirectUrl']), ...problemResponses(400, 404, 415, 429, 502) },
      },
    },
    async (request, reply) => {
      const result = await startSingleSignOn(context, request.body.email, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      reply.header('set-cookie', serializeCookie(ssoFlowCookieName, result.flowCookie, { maxAgeInSeconds: result.maxAgeInSeconds, secure }));
      return { redirectUrl: result.redirectUrl };
    },
  );

  app.get(
    '/api/v1/auth/sso/callback',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'E2: where the provider returns the browser. Redirects (303) to the app: signed in, to the second step or setup (E4), or to /login?sso_error=<code>.',
        querystring: { type: 'object', properties: { code: { type: 'string', maxLength: 4096 }, state: { type: 'string', maxLength: 1024 }, iss: { type: 'string', maxLength: 1024 }, error: { type: 'string', maxLength: 256 } } },
        response: { 303: noContent },
      },
    },
    async (request, reply) => {
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
      const result = await completeSingleSignOn(
        context,
        { query, flowCookie: readCookie(request.headers.cookie, ssoFlowCookieName), previousSessionId: request.auth?.session.id, browserToken: readBrowserCookie(request) },
        originOf(request),
      );
      // The flow is used once, whatever happened.
      clearFlowCookie(reply);
      if (!result.ok) {
        request.log.info({ code: result.code, detail: result.detail }, 'single sign-on refused');
        return reply.redirect(`/login?sso_error=${encodeURIComponent(result.code)}`, 303);
      }
      switch (result.status) {
        case 'signed_in':
        case 'two_factor_setup_required':
          setSessionCookie(reply, context, result.session);
          setBrowserCookie(reply, context, result.browser);
          // O3: through the sign-in page, which goes back to an application that sent the person
          // (remembered in the tab). P5: a setup-only session shows the setup in place of every page.
          return reply.redirect(result.status === 'signed_in' ? '/login?sso=signed_in' : '/', 303);
        case 'two_factor_required': {
          setChallengeCookie(reply, context, result.challenge);
          const search = new URLSearchParams({ methods: result.methods.join(',') });
          if (result.rememberBrowserDays > 0) search.set('remember', String(result.rememberBrowserDays));
          return reply.redirect(`/login/two-factor?${search.toString()}`, 303);
        }
      }
    },
  );
}
