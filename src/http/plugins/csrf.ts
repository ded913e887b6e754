// CSRF defence in depth (A3 cookies are SameSite=Lax already): state-changing requests carry JSON
// only (the JSON parser is the only one registered, so forms get 415), and an Origin header, when
// a browser sends one, must be our own.
import type { FastifyInstance } from 'fastify';
import { sendProblem } from '../problem.js';

const mutatingMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The origins we accept: PUBLIC_URL's, and outside production its loopback aliases. */
export function allowedOrigins(publicUrl: URL, isProduction: boolean): Set<string> {
  const origins = new Set([publicUrl.origin]);
  if (!isProduction && loopbackHosts.has(publicUrl.hostname)) {
    for (const host of loopbackHosts) origins.add(`${publicUrl.protocol}//${host}${publicUrl.port ? `:${publicUrl.port}` : ''}`);
  }
  return origins;
}

export function registerCsrfDefence(app: FastifyInstance, options: { publicUrl: URL; isProduction: boolean }): void {
  const origins = allowedOrigins(options.publicUrl, options.isProduction);
  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (mutatingMethods.has(request.method) && origin !== undefined && !origins.has(origin)) {
      sendProblem(reply, { code: 'forbidden', detail: 'Requests from other sites are not accepted.' });
      return;
    }
    done();
  });

  // Only JSON is parsed. An empty body counts as no body, so `Content-Type: application/json`
  // on a bodiless POST (logout) is fine; prototype-poisoning keys are refused.
  app.removeAllContentTypeParsers();
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    parseJson(request, text, done);
  });
}
