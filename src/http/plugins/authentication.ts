// Resolves the session cookie once per request and enforces each route's declared access. An
// `Authorization` header (K1 API keys, K2 HTTP Basic) is read only when a request has one, so the
// cookie path stays as cheap as it was.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Failure } from '../../services/context.js';
import { findBlockingAction, findSensitiveRefusal } from '../../core/required-actions.js';
import { isAdministrator } from '../../core/roles.js';
import { isReauthenticationRecent } from '../../core/session-policy.js';
import type { AppContext } from '../../services/context.js';
import type { IssuedChallenge } from '../../services/second-step.js';
import { requiredActionsOf, resolveSession, type StartedSession } from '../../services/sessions.js';
import { hasGrant } from '../../core/api-grants.js';
import { authenticateApiKey, noteApiKeyUse } from '../../services/api-keys.js';
import { authenticateWithPassword, parseBasicCredentials } from '../../services/basic-authentication.js';
import { readCookie, serializeCookie } from '../cookies.js';
import { readBrowserCookie } from '../known-browser-cookie.js';
import { sendProblem } from '../problem.js';
import { originOf } from '../request-origin.js';
import type { RouteAccess } from '../route-config.js';

export const sessionCookieName = 'tessera_session';
export const challengeCookieName = 'tessera_challenge';
const noBlockingActionCompleted: readonly never[] = [];

export function registerAuthentication(app: FastifyInstance, context: AppContext): void {
  app.decorateRequest('auth', undefined);
  // A callback hook: requests without a session cookie (health checks, pages, sign-in) finish it
  // without a promise; with one, the lookup's promise decides.
  app.addHook('onRequest', (request, reply, done) => {
    // Public routes ignore the header (they may still read a session cookie, as before).
    const authorization = request.headers.authorization;
    if (authorization !== undefined && accessOf(request) !== 'public') {
      authenticateHeader(request, context, authorization).then((refusal) => {
        if (refusal) sendProblem(reply, refusal);
        else done();
      }, done);
      return;
    }
    const token = readCookie(request.headers.cookie, sessionCookieName);
    if (!token) {
      if (accessOf(request) === 'public') return done();
      sendProblem(reply, { code: 'unauthenticated' });
      return;
    }
    resolveSession(context, token).then((auth) => {
      request.auth = auth;
      const refusal = refusalFor(request, context);
      if (refusal) sendProblem(reply, refusal);
      else done();
    }, done);
  });
}

function accessOf(request: FastifyRequest): RouteAccess {
  // Unmatched URLs go to the not-found handler, which serves the web UI or a 404 problem.
  return request.is404 ? 'public' : (request.routeOptions.config?.access ?? 'member');
}

const bearerScheme = /^Bearer +(\S+) *$/i;
const basicScheme = /^Basic +(\S+) *$/i;

/** K1/K2: sets `request.auth` from the Authorization header, or says why the request is refused. */
async function authenticateHeader(request: FastifyRequest, context: AppContext, authorization: string): Promise<Omit<Failure, 'ok'> | undefined> {
  const origin = originOf(request);
  const bearer = bearerScheme.exec(authorization);
  if (bearer) {
    const found = await authenticateApiKey(context, bearer[1]!, origin.ip);
    if (!found.ok) return found;
    // Least privilege: only routes declaring a grant the key holds, and a key has no member's
    // required actions. The grant never stands in for the route's role: a key acts with its
    // creator's current rights (Security floor), so an administrator's route needs a creator who
    // is still one (issue 10 item 2: a demoted administrator's old key).
    if (!hasGrant(found.auth.apiKey.grants, request.routeOptions.config?.grant)) return { code: 'forbidden', detail: 'This API key does not grant access to this endpoint.' };
    if (accessOf(request) === 'admin' && !isAdministrator(found.auth.user.role)) return { code: 'forbidden', detail: 'The creator of this API key is no longer an administrator.' };
    request.auth = found.auth;
    await noteApiKeyUse(context, found.auth.apiKey.id, origin.ip);
    return undefined;
  }
  const basic = basicScheme.exec(authorization);
  // K2: the password never stands in for the sign-in itself (/api/v1/auth/*), which has its own steps.
  if (basic && !request.routeOptions.url?.startsWith('/api/v1/auth/')) {
    const credentials = parseBasicCredentials(basic[1]!);
    if (!credentials) return { code: 'invalid_credentials' };
    const result = await authenticateWithPassword(context, credentials, origin, readBrowserCookie(request));
    if (!result.ok) return result;
    request.auth = result.auth;
    return refusalFor(request, context);
  }
  return { code: 'unauthenticated', detail: 'Use an API key (Authorization: Bearer) or sign in.' };
}

/** Why this request may not reach its route, or undefined when it may. */
function refusalFor(request: FastifyRequest, context: AppContext): Omit<Failure, 'ok'> | undefined {
  if (accessOf(request) === 'public') return undefined;
  const auth = request.auth;
  if (!auth) return { code: 'unauthenticated' };
  const config = request.routeOptions.config;
  const now = context.clock.now().getTime();
  const actions = requiredActionsOf(auth, now);
  // A route the member may never use answers so first; what they must do comes after.
  if (config?.access === 'admin' && !isAdministrator(auth.user.role)) return { code: 'forbidden', detail: 'Only administrators can do this.' };
  // A blocking required action allows only what completes it (SPEC, HTTP API contract).
  const blocking = findBlockingAction(actions, config?.completes ?? noBlockingActionCompleted);
  if (blocking) return { code: blocking.action };
  // P5: sensitive actions wait until an enforced action (a second factor to set up) is done.
  const refusal = config?.sensitive ? findSensitiveRefusal(actions) : undefined;
  if (refusal) return { code: refusal.action };
  // A5: a stolen session plus a known password must not replace or reveal a second factor; this
  // refusal asks for both the password and a current code at once.
  if (config?.recentSecondFactor && auth.hasTwoFactor && !isReauthenticationRecent(auth.session.secondFactorVerifiedAt, now)) return { code: 'second_factor_reauthentication_required' };
  if (config?.recentPassword && !isReauthenticationRecent(auth.session.reauthenticatedAt, now)) return { code: 'reauthentication_required' };
  return undefined;
}

export function setSessionCookie(reply: FastifyReply, context: AppContext, session: StartedSession): void {
  reply.header(
    'set-cookie',
    serializeCookie(sessionCookieName, session.token, {
      maxAgeInSeconds: Math.floor(context.config.sessionLifetime.absoluteTimeoutInMs / 1000),
      secure: context.config.publicUrl.protocol === 'https:',
    }),
  );
}

export function setChallengeCookie(reply: FastifyReply, context: AppContext, challenge: IssuedChallenge): void {
  const maxAgeInSeconds = Math.max(1, Math.floor((challenge.expiresAt - context.clock.now().getTime()) / 1000));
  reply.header('set-cookie', serializeCookie(challengeCookieName, challenge.token, { maxAgeInSeconds, secure: context.config.publicUrl.protocol === 'https:' }));
}

export function clearChallengeCookie(reply: FastifyReply, context: AppContext): void {
  reply.header('set-cookie', serializeCookie(challengeCookieName, '', { maxAgeInSeconds: 0, secure: context.config.publicUrl.protocol === 'https:' }));
}

export function clearSessionCookie(reply: FastifyReply, context: AppContext): void {
  reply.header('set-cookie', serializeCookie(sessionCookieName, '', { maxAgeInSeconds: 0, secure: context.config.publicUrl.protocol === 'https:' }));
}
