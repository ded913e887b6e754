// G1: the device cookie of a known browser. HttpOnly, SameSite=Lax, Secure under HTTPS, for 180
// days from its last use (each use sets a new token and a new Max-Age).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../services/context.js';
import type { IssuedBrowserCookie } from '../services/known-browsers.js';
import { readCookie, serializeCookie } from './cookies.js';

export const browserCookieName = 'tessera_browser';

export function readBrowserCookie(request: FastifyRequest): string | undefined {
  return readCookie(request.headers.cookie, browserCookieName);
}

export function setBrowserCookie(reply: FastifyReply, context: AppContext, issued: IssuedBrowserCookie): void {
  const maxAgeInSeconds = Math.max(1, Math.floor((issued.expiresAt - context.clock.now().getTime()) / 1000));
  reply.header('set-cookie', serializeCookie(browserCookieName, issued.token, { maxAgeInSeconds, secure: context.config.publicUrl.protocol === 'https:' }));
}

export function clearBrowserCookie(reply: FastifyReply, context: AppContext): void {
  reply.header('set-cookie', serializeCookie(browserCookieName, '', { maxAgeInSeconds: 0, secure: context.config.publicUrl.protocol === 'https:' }));
}
