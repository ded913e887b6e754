// Security headers on every response, API and pages alike (OWASP Secure Headers Project).
import type { FastifyInstance } from 'fastify';

export function securityHeadersFor(options: { isHttps: boolean }): Record<string, string> {
  const headers: Record<string, string> = {
    'content-security-policy':
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    // E-mailed links carry tokens in the query string; never pass them on as a Referer.
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  };
  if (options.isHttps) headers['strict-transport-security'] = 'max-age=31536000; includeSubDomains';
  return headers;
}

/**
 * JSON answers are never rendered as a document: they need no script, style or feature policy,
 * only to be neither framed, sniffed, cached nor read cross-origin (OWASP REST Security Cheat
 * Sheet). Fewer and shorter headers on the API, which the session check pays on every request.
 */
export function apiSecurityHeadersFrom(documentHeaders: Record<string, string>): Record<string, string> {
  const { 'content-security-policy': _csp, 'cross-origin-opener-policy': _coop, 'permissions-policy': _permissions, ...kept } = documentHeaders;
  return { 'content-security-policy': "default-src 'none'; frame-ancestors 'none'", ...kept, 'cache-control': 'no-store' };
}

export function registerSecurityHeaders(app: FastifyInstance, headers: Record<string, string>): void {
  const apiHeaders = apiSecurityHeadersFrom(headers);
  // A callback hook, not an async one: it runs on every request and needs no promise.
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.url.startsWith('/api/') ? apiHeaders : headers);
    reply.header('x-request-id', request.id);
    done();
  });
}
