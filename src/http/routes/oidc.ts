// O2/O3/O8: oidc-provider mounted under /oauth and /.well-known/openid-configuration, the
// interaction that hands each authorization request to Tessera's own sign-in, and the
// reverse-proxy check GET /api/v1/auth/verify.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type Provider from 'oidc-provider';
import { acrOf, amrOf, decideSession } from '../../core/authentication-context.js';
import { findBlockingAction } from '../../core/required-actions.js';
import { allowedReturnTo, recordApplicationSignIn } from '../../services/applications.js';
import type { AppContext } from '../../services/context.js';
import { requiredActionsOf, type Authenticated } from '../../services/sessions.js';
import { findApplicationByClientId } from '../../store/applications.js';
import { escapeHtml, page } from '../../oidc/pages.js';
import type { TesseraInteractionResult } from '../../oidc/provider.js';
import { sendProblem } from '../problem.js';
import { originOf } from '../request-origin.js';
import { objectSchema, problemResponses } from '../schemas.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** O2: the OpenID Connect provider (the back-channel logout job in main.ts uses it). */
    oidcProvider: Provider;
  }
  interface FastifyContextConfig {
    /** The request is oidc-provider's: handed to it before any other hook (CSRF, session guard). */
    oidcProvider?: boolean;
  }
}

const providerMethods = ['GET', 'POST', 'OPTIONS', 'HEAD'] as const;

/** Must be registered before the CSRF defence: the token endpoint takes forms from other origins. */
export function registerOidcMount(app: FastifyInstance, context: AppContext, provider: Provider): void {
  app.decorate('oidcProvider', provider);
  const callback = provider.callback();
  const forwardedProto = context.config.publicUrl.protocol.slice(0, -1);
  const forwardedHost = context.config.publicUrl.host;
  app.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.config?.oidcProvider !== true) return done();
    reply.hijack();
    // The issuer's URLs are PUBLIC_URL's, whatever the request claims (provider.proxy is on).
    request.raw.headers['x-forwarded-proto'] = forwardedProto;
    request.raw.headers['x-forwarded-host'] = forwardedHost;
    delete request.raw.headers['x-forwarded-for'];
    void callback(request.raw, reply.raw);
  });
  const handOver = { config: { access: 'public' as const, oidcProvider: true }, schema: { hide: true } };
  // The handler never runs: the hook above has handed the request over.
  const unreachable = async () => undefined;
  app.route({ method: [...providerMethods], url: '/oauth/*', ...handOver, handler: unreachable });
  app.route({ method: [...providerMethods], url: '/.well-known/openid-configuration', ...handOver, handler: unreachable });
}

function isComplete(auth: Authenticated | undefined, nowInMs: number): auth is Authenticated {
  return auth !== undefined && auth.apiKey === undefined && !findBlockingAction(requiredActionsOf(auth, nowInMs), []);
}

function sendPage(reply: FastifyReply, statusCode: number, title: string, body: string): FastifyReply {
  return reply.code(statusCode).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(page(title, body));
}

export function registerOidcRoutes(app: FastifyInstance, context: AppContext, provider: Provider): void {
  app.get<{ Params: { uid: string } }>(
    '/oauth/interaction/:uid',
    { config: { access: 'public' }, schema: { hide: true, params: { type: 'object', properties: { uid: { type: 'string', maxLength: 100 } }, required: ['uid'] } } },
    async (request, reply) => {
      let details: Awaited<ReturnType<Provider['interactionDetails']>>;
      try {
        details = await provider.interactionDetails(request.raw, reply.raw);
      } catch {
        return sendPage(reply, 400, 'This sign-in has expired', '<p>Go back to the application and sign in again.</p>');
      }
      if (details.uid !== request.params.uid) return sendPage(reply, 400, 'This sign-in has expired', '<p>Go back to the application and sign in again.</p>');
      const application = await findApplicationByClientId(context.db, String(details.params.client_id));
      if (!application) return sendPage(reply, 400, 'Unknown application', '<p>This application is no longer registered with Tessera.</p>');
      const now = context.clock.now().getTime();
      const loginPage = (reason?: string) => `/login?interaction=${encodeURIComponent(details.uid)}${reason ? `&reason=${reason}` : ''}`;
      const auth = request.auth;
      if (!isComplete(auth, now)) return reply.redirect(loginPage());
      // O3: only members of the application's organization; nothing is issued to anyone else.
      if (auth.organization.id !== application.organizationId) {
        return sendPage(
          reply,
          403,
          'This application belongs to another organization',
          `<p>You are signed in to Tessera as <strong>${escapeHtml(auth.user.email)}</strong> of <strong>${escapeHtml(auth.organization.name)}</strong>. <strong>${escapeHtml(application.name)}</strong> accepts only members of its own organization.</p><p><a class="button" href="${escapeHtml(loginPage('switch_account'))}">Sign in with another account</a></p>`,
        );
      }
      const maxAge = details.params.max_age;
      const decision = decideSession(
        { authenticatedAtInMs: auth.session.createdAt, secondFactor: auth.session.secondFactor, hasTwoFactor: auth.hasTwoFactor },
        {
          promptLogin: String(details.params.prompt ?? '').split(' ').includes('login'),
          // `iat` is in whole seconds: a sign-in counts as later only from the next second on.
          requestedAtInMs: (Number(details.iat ?? 0) + 1) * 1000,
          maxAgeInSeconds: maxAge === undefined ? undefined : Number(maxAge),
          acrValues: String(details.params.acr_values ?? '').split(' ').filter(Boolean),
        },
        now,
      );
      if (!decision.ok && decision.reason !== 'unmet') return reply.redirect(loginPage(decision.reason));
      reply.hijack();
      if (!decision.ok) {
        await provider.interactionFinished(request.raw, reply.raw, { error: 'unmet_authentication_requirements', error_description: 'The application asks for a kind of sign-in this member cannot give.' }, { mergeWithLastSubmission: false });
        return reply;
      }
      const tessera: TesseraInteractionResult = { sessionId: auth.session.id };
      await recordApplicationSignIn(context, auth, application, originOf(request));
      await provider.interactionFinished(
        request.raw,
        reply.raw,
        {
          login: { accountId: auth.user.id, acr: acrOf(auth.session.secondFactor), amr: amrOf(auth.session.secondFactor), ts: Math.floor(auth.session.createdAt / 1000), remember: false },
          tessera,
        },
        { mergeWithLastSubmission: false },
      );
      return reply;
    },
  );

  // O8: as cheap as GET /api/v1/session: the guard's one session lookup, no other query.
  app.get<{ Querystring: { redirect?: 'true' } }>(
    '/api/v1/auth/verify',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary:
          'O8: for reverse proxies: 200 with X-Tessera-* headers for a complete session, 401 otherwise (nginx auth_request). With `?redirect=true` (Traefik ForwardAuth, Caddy forward_auth, which pass a refusal on to the browser) the refusal is a 302 to the sign-in page, returning to the address the proxy names in X-Forwarded-Proto/-Host/-Uri when it is allowed.',
        querystring: objectSchema({ redirect: { type: 'string', enum: ['true'] } }),
        response: { 200: { type: 'null' }, 302: { type: 'null', description: 'To the sign-in page (with `?redirect=true`).' }, ...problemResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const auth = request.auth;
      if (!isComplete(auth, context.clock.now().getTime())) {
        if (request.query.redirect !== 'true') return sendProblem(reply, { code: 'unauthenticated' });
        return reply.code(302).header('location', await signInLocation(context, forwardedAddress(request.headers))).send();
      }
      return reply
        .code(200)
        .headers({
          'x-tessera-user': auth.user.id,
          'x-tessera-email': headerSafe(auth.user.email),
          'x-tessera-org': auth.organization.id,
          'x-tessera-amr': amrOf(auth.session.secondFactor).join(' '),
        })
        .send();
    },
  );
}

/** The address a proxy asked about (Traefik and Caddy send these headers to the check). */
function forwardedAddress(headers: Record<string, string | string[] | undefined>): string | undefined {
  const single = (name: string) => {
    const value = headers[name];
    return typeof value === 'string' && value !== '' ? value.split(',')[0]!.trim() : undefined;
  };
  const proto = single('x-forwarded-proto');
  const host = single('x-forwarded-host');
  if ((proto !== 'http' && proto !== 'https') || host === undefined) return undefined;
  const uri = single('x-forwarded-uri') ?? '/';
  return uri.startsWith('/') ? `${proto}://${host}${uri}` : undefined;
}

/** The sign-in page, returning to `address` only where return_to may go (the same rule as /login's). */
async function signInLocation(context: AppContext, address: string | undefined): Promise<string> {
  const login = new URL('/login', context.config.publicUrl);
  const returnTo = address === undefined ? null : await allowedReturnTo(context, address);
  if (returnTo !== null) login.searchParams.set('return_to', returnTo);
  return login.toString();
}

/** Header values are Latin-1: anything else (an internationalised address) is percent-encoded. */
function headerSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, (c) => encodeURIComponent(c));
}
