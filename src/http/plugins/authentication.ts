// Resolves the session cookie once per request and enforces each route's declared access.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { findBlockingAction } from '../../core/required-actions.js';
import { isAdministrator } from '../../core/roles.js';
import { isReauthenticationRecent } from '../../core/session-policy.js';
import type { AppContext } from '../../services/context.js';
import type { IssuedChallenge } from '../../services/second-step.js';
import { requiredActionsOf, resolveSession, type StartedSession } from '../../services/sessions.js';
import { readCookie, serializeCookie } from '../cookies.js';
import { sendProblem } from '../problem.js';

export const sessionCookieName = 'tessera_session';
export const challengeCookieName = 'tessera_challenge';
const noBlockingActionCompleted: readonly never[] = [];

export function registerAuthentication(app: FastifyInstance, context: AppContext): void {
  app.decorateRequest('auth', undefined);
  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config;
    // Unmatched URLs go to the not-found handler, which serves the web UI or a 404 problem.
    const access = request.is404 ? 'public' : (config?.access ?? 'member');
    const token = readCookie(request.headers.cookie, sessionCookieName);
    if (token) request.auth = await resolveSession(context, token);
    if (access === 'public') return;
    if (!request.auth) return sendProblem(reply, { code: 'unauthenticated' });
    // A blocking required action allows only what completes it (SPEC, HTTP API contract).
    const blocking = findBlockingAction(requiredActionsOf(request.auth), config?.completes ?? noBlockingActionCompleted);
    if (blocking) return sendProblem(reply, { code: blocking.action });
    if (access === 'admin' && !isAdministrator(request.auth.user.role)) {
      return sendProblem(reply, { code: 'forbidden', detail: 'Only administrators can do this.' });
    }
    if (config?.recentPassword && !isReauthenticationRecent(request.auth.session.reauthenticatedAt, context.clock.now().getTime())) {
      return sendProblem(reply, { code: 'reauthentication_required' });
    }
  });
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
