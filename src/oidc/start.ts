// Builds the provider for a server: its signing keys from the database (the first one generated
// on first start, O2), then the configured oidc-provider instance and its end-session hook (O6).
import type Provider from 'oidc-provider';
import type { AppContext } from '../services/context.js';
import { deliverBackchannelLogouts } from './backchannel-logout.js';
import { endTesseraSessionOnLogout } from './end-session.js';
import { createOidcProvider } from './provider.js';
import { loadSigningKeys } from './signing-keys.js';

/** Its pages carry inline styles and forms (logout, form_post), so not the UI's CSP: no framing, no sniffing, no referrer. */
const providerSecurityHeaders = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'; object-src 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
};

export async function startOidcProvider(context: AppContext): Promise<Provider> {
  const keys = await loadSigningKeys(context, context.clock.now().getTime());
  const provider = createOidcProvider(context, { keys });
  // The provider answers outside Fastify (its pages and JSON), so it gets the headers here.
  provider.use(async (ctx, next) => {
    await next();
    ctx.set(providerSecurityHeaders);
    if (context.config.publicUrl.protocol === 'https:') ctx.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
  });
  // After an RP-initiated logout the other applications hear of it at once, not at the next tick.
  endTesseraSessionOnLogout(context, provider, () => void deliverBackchannelLogouts(context, provider).catch(() => undefined));
  return provider;
}
