// O6: RP-initiated logout ends the Tessera session too. oidc-provider runs the end-session
// confirmation; once the member has confirmed, this middleware signs them out of Tessera (the
// same use case as POST /api/v1/auth/logout, audited) and clears its cookie, and the grants of
// that session are revoked and announced by the back-channel job.
import type Provider from 'oidc-provider';
import { sessionCookieName } from '../http/plugins/authentication.js';
import { readCookie, serializeCookie } from '../http/cookies.js';
import { signOut } from '../services/account.js';
import type { AppContext } from '../services/context.js';
import { resolveSession } from '../services/sessions.js';

export function endTesseraSessionOnLogout(context: AppContext, provider: Provider, afterSignOut: () => void): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== 'end_session_confirm' || ctx.status !== 303) return;
    const body = ctx.oidc.body as { logout?: string } | undefined;
    if (!body?.logout) return;
    const token = readCookie(ctx.get('cookie'), sessionCookieName);
    const auth = token ? await resolveSession(context, token) : undefined;
    if (auth) {
      await signOut(context, auth, { ip: ctx.ip ?? null, userAgent: ctx.get('user-agent').slice(0, 512) || null });
      afterSignOut();
    }
    ctx.append('set-cookie', serializeCookie(sessionCookieName, '', { maxAgeInSeconds: 0, secure: context.config.publicUrl.protocol === 'https:' }));
  });
}
