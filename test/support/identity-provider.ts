// E1–E5 tests: a real OpenID Connect identity provider (panva's oidc-provider) on a free
// 127.0.0.1 port, standing in for an organization's Okta or Keycloak. Its sign-in page is a plain
// HTML form (any address of `accounts`, no password) so both the integration tests (over fetch)
// and the e2e test (Chromium) go through it; the `amr` it reports is chosen by the test.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';

export interface ProviderAccount {
  email: string;
  emailVerified?: boolean;
  name?: string;
}

export interface TestIdentityProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** RFC 8176 values the next sign-ins report (default `['pwd']`). */
  amr: string[];
  /** Known accounts by address; others cannot sign in. */
  accounts: Map<string, ProviderAccount>;
  addAccount(account: ProviderAccount): void;
  /** Requests the token endpoint saw (tests of refused callbacks). */
  tokenRequests: number;
  /** Requests for the discovery document. */
  discoveryRequests: number;
  close(): Promise<void>;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Starts a provider whose one client returns to `redirectUri` (Tessera's /api/v1/auth/sso/callback). */
export async function startIdentityProvider(input: { redirectUri: string; clientId?: string; clientSecret?: string }): Promise<TestIdentityProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = input.clientId ?? 'tessera';
  // Fresh per provider: Tessera caches discovery per issuer, client and secret, and a port may be reused.
  const clientSecret = input.clientSecret ?? `client-secret-${randomUUID()}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };

  const state: TestIdentityProvider = {
    issuer,
    clientId,
    clientSecret,
    amr: ['pwd'],
    accounts: new Map(),
    tokenRequests: 0,
    discoveryRequests: 0,
    addAccount(account) {
      this.accounts.set(account.email.toLowerCase(), account);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const configuration: Configuration = {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [input.redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    jwks: { keys: [signingKey] },
    cookies: { keys: ['test-identity-provider-cookie-key'] },
    // amr and acr ride with the openid scope, so every ID token carries them.
    claims: { openid: ['sub', 'amr', 'acr'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // The organization's own applications: no consent screen.
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
      await grant.save();
      return grant;
    },
    findAccount: async (_ctx, sub) => {
      const account = state.accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: () => ({ sub, email: account.email, email_verified: account.emailVerified ?? true, ...(account.name ? { name: account.name } : {}) }) };
    },
  };
  const provider = new Provider(issuer, configuration);
  const handle = provider.callback();

  async function interaction(request: IncomingMessage, response: ServerResponse, path: string) {
    const details = await provider.interactionDetails(request, response);
    if (request.method === 'POST' && path.endsWith('/login')) {
      const form = await readForm(request);
      const login = (form.get('login') ?? '').trim().toLowerCase();
      if (!state.accounts.has(login)) {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(details.uid, 'Unknown account.'));
        return;
      }
      await provider.interactionFinished(request, response, { login: { accountId: login, amr: state.amr } }, { mergeWithLastSubmission: false });
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(details.uid, '', String(details.params.login_hint ?? '')));
  }

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', issuer).pathname;
    if (path === '/token' || path.endsWith('/token')) state.tokenRequests += 1;
    if (path === '/.well-known/openid-configuration') state.discoveryRequests += 1;
    if (path.startsWith('/interaction/')) {
      interaction(request, response, path).catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      });
      return;
    }
    void handle(request, response);
  });
  return state;
}

function loginPage(uid: string, error: string, loginHint = ''): string {
  return `<!doctype html><html lang="en"><head><title>Test identity provider</title></head><body>
<h1>Test identity provider</h1>${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>E-mail <input name="login" type="email" value="${escapeHtml(loginHint)}" autofocus></label>
<button type="submit">Sign in at the provider</button>
</form></body></html>`;
}

/**
 * A browser at the provider (over fetch with a cookie jar): follows the authorization request
 * through the sign-in form and returns the address the provider sends the browser back to.
 */
export async function signInAtProvider(authorizationUrl: string, login: string): Promise<URL> {
  const cookies = new Map<string, string>();
  const send = async (url: URL, init: RequestInit = {}) => {
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair!.indexOf('=');
      cookies.set(pair!.slice(0, index), pair!.slice(index + 1));
    }
    return response;
  };
  let url = new URL(authorizationUrl);
  const origin = url.origin;
  for (let hops = 0; hops < 10; hops++) {
    const response = await send(url);
    if (response.status >= 300 && response.status < 400) {
      url = new URL(response.headers.get('location')!, url);
      if (url.origin !== origin) return url;
      continue;
    }
    const html = await response.text();
    const action = /action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no sign-in form at ${url}: ${response.status} ${html.slice(0, 300)}`);
    const posted = await send(new URL(action, url), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ login }).toString() });
    if (posted.status < 300 || posted.status >= 400) throw new Error(`sign-in form refused: ${posted.status} ${(await posted.text()).slice(0, 300)}`);
    url = new URL(posted.headers.get('location')!, url);
    if (url.origin !== origin) return url;
  }
  throw new Error('too many redirects at the provider');
}
