// Builds the Fastify application from an AppContext: plugins in order, then every route.
import { randomUUID } from 'node:crypto';
import fastifySwagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { startOidcProvider } from '../oidc/start.js';
import type { AppContext } from '../services/context.js';
import { registerAuthentication } from './plugins/authentication.js';
import { registerCsrfDefence } from './plugins/csrf.js';
import { registerErrorHandler } from './plugins/error-handler.js';
import { apiSecurityHeadersFrom, registerSecurityHeaders, securityHeadersFor } from './plugins/security-headers.js';
import { problemSchema, sendProblem } from './problem.js';
import './route-config.js';
import { registerApiKeyRoutes } from './routes/api-keys.js';
import { registerAuditLogRoutes } from './routes/audit-log.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerInvitationRoutes } from './routes/invitations.js';
import { registerKnownBrowserRoutes } from './routes/known-browsers.js';
import { registerMembersRoutes } from './routes/members.js';
import { registerMeRoutes } from './routes/me.js';
import { registerApplicationRoutes } from './routes/applications.js';
import { registerOidcMount, registerOidcRoutes } from './routes/oidc.js';
import { registerOrganizationRoutes } from './routes/organization.js';
import { registerHttpMetrics } from '../metrics/instrumentation.js';
import { registerProbeRoutes } from './routes/probes.js';
import { registerSystemRoutes } from './routes/system.js';
import { registerTextMessageRoutes } from './routes/text-messages.js';
import { registerTwoFactorRoutes } from './routes/two-factor.js';
import { registerSingleSignOnRoutes } from './routes/single-sign-on.js';
import { registerWebAuthnRoutes } from './routes/webauthn.js';
import { registerWebUi } from './web.js';

export interface AppOptions {
  /** Folder with the built web UI; omitted in API-only tests. */
  webRoot?: string;
  logger?: boolean | { level: string };
  /** N1/N3: readiness answers 503 while the server drains for a shutdown. */
  isShuttingDown?: () => boolean;
}

const bodyLimitInBytes = 64 * 1024;

/** N4: an `X-Request-Id` from a proxy is kept when it is plainly an id; otherwise one is made. */
const wellFormedRequestId = /^[A-Za-z0-9._:+=/-]{1,128}$/;

function requestIdOf(request: { headers: Record<string, string | string[] | undefined> }): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && wellFormedRequestId.test(given) ? given : randomUUID();
}

function isVerbose(logger: AppOptions['logger']): boolean {
  return typeof logger === 'object' && (logger.level === 'debug' || logger.level === 'trace');
}

/** Keeps e-mailed tokens (`?token=`) out of request logs. */
function redactUrl(url: string): string {
  return url.replace(/([?&]token=)[^&]*/g, '$1[redacted]');
}

export async function buildApp(context: AppContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const securityHeaders = securityHeadersFor({ isHttps: context.config.publicUrl.protocol === 'https:' });
  const apiSecurityHeaders = apiSecurityHeadersFrom(securityHeaders);
  const app = Fastify({
    logger:
      options.logger === false || options.logger === undefined
        ? false
        : {
            ...(typeof options.logger === 'object' ? options.logger : {}),
            redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
            serializers: { req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url), ip: req.ip }) },
          },
    // N4: every line logged for a request carries its id, returned as X-Request-Id (security-headers.ts).
    genReqId: requestIdOf,
    // Per-request log lines cost throughput on the sign-in path: only at LOG_LEVEL debug or trace;
    // errors are always logged.
    logController: new LogController({ disableRequestLogging: !isVerbose(options.logger), requestIdLogLabel: 'requestId' }),
    bodyLimit: bodyLimitInBytes,
    // N3: while draining, requests already on a connection are answered, not refused with 503;
    // main.ts closes the connections itself (after a grace period for requests still arriving).
    return503OnClosing: false,
    forceCloseConnections: false,
    // G2: the client address comes from X-Forwarded-For only through a listed proxy (TRUST_PROXY);
    // request.ip is then that client, for throttles, audit events, sessions, known browsers and K1 allow-lists.
    trustProxy: context.config.trustProxy.length > 0 ? context.config.trustProxy : false,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    routerOptions: { maxParamLength: 200 },
    // The router refuses bad URL encoding and overlong parameters before any hook runs, so
    // these answers get their headers and problem body here.
    frameworkErrors: (_error, request, reply) => {
      reply.headers(request.url.startsWith('/api/') ? apiSecurityHeaders : { ...securityHeaders, 'cache-control': 'no-store' });
      return sendProblem(reply, { code: 'validation_failed', detail: 'The request URL is not valid.' });
    },
  });

  app.addSchema(problemSchema);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Tessera API', version: '1', description: 'Account security for multi-tenant SaaS: sign-in, second factors, organization policy. Errors are application/problem+json with a stable `code`.' },
      servers: [{ url: context.config.publicUrl.origin }],
      components: {
        securitySchemes: {
          sessionCookie: { type: 'apiKey', in: 'cookie', name: 'tessera_session', description: 'The session of a signed-in member (A3).' },
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'K1: an API key (`tsk_…`) created by an administrator; works on the endpoints that name a grant the key holds.' },
          basicAuth: { type: 'http', scheme: 'basic', description: 'K2: e-mail and password; refused (401 two_factor_enabled_use_api_key) for members with two-factor authentication on.' },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });

  documentSecurity(app);
  registerErrorHandler(app);
  // O2: oidc-provider's endpoints are handed over before CSRF and the session guard run.
  const oidcProvider = await startOidcProvider(context);
  registerOidcMount(app, context, oidcProvider);
  registerSecurityHeaders(app, securityHeaders);
  registerCsrfDefence(app, { publicUrl: context.config.publicUrl, isProduction: context.config.isProduction });
  registerAuthentication(app, context);
  if (context.metrics) registerHttpMetrics(app, context.metrics);

  registerSystemRoutes(app, context);
  registerProbeRoutes(app, context, { isShuttingDown: options.isShuttingDown });
  registerAuthRoutes(app, context);
  registerMeRoutes(app, context);
  registerTwoFactorRoutes(app, context);
  registerTextMessageRoutes(app, context);
  registerInvitationRoutes(app, context);
  registerOrganizationRoutes(app, context);
  registerMembersRoutes(app, context);
  registerAuditLogRoutes(app, context);
  registerApiKeyRoutes(app, context);
  registerKnownBrowserRoutes(app, context);
  registerOidcRoutes(app, context, oidcProvider);
  registerApplicationRoutes(app, context);
  registerSingleSignOnRoutes(app, context);
  registerWebAuthnRoutes(app, context);
  await registerWebUi(app, { webRoot: options.webRoot ?? '', hasDevMailbox: context.mailer.mailbox !== undefined || context.sms.outbox !== undefined, trustProxy: context.config.trustProxy });
  return app;
}

/** The OpenAPI document says how each route may be called: session or Basic, and a key with its grant (K1, K2). */
function documentSecurity(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const config = route.config as { access?: string; grant?: string } | undefined;
    if (!route.schema || config?.access === 'public') return;
    // K2: Basic never stands in for the sign-in steps themselves.
    const security: Array<Record<string, string[]>> = route.url.startsWith('/api/v1/auth/') ? [{ sessionCookie: [] }] : [{ sessionCookie: [] }, { basicAuth: [] }];
    if (config?.grant) security.push({ bearerAuth: [config.grant] });
    route.schema = { ...route.schema, security, ...(config?.grant ? { description: `API keys need the grant \`${config.grant}\`.` } : {}) } as typeof route.schema;
  });
}
