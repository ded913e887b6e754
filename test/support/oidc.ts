// Helpers for the OpenID Connect provider tests (O1–O8): a Tessera listening on a real
// 127.0.0.1 port (openid-client speaks real HTTP), an application registered by an
// administrator, and a browser that follows the provider's redirects through Tessera's sign-in.
import { createServer, type AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import * as client from 'openid-client';
import { expect, vi } from 'vitest';
import { Browser, strongPassword, tokenFromLink } from './agent.js';
import { createTestApp, TestClock, type TestApp, type TestAppOptions } from './test-app.js';
import { enrolTotp, signUpMember, totpCode, nextStep, type Member } from './two-factor.js';

export interface ListeningTestApp extends TestApp {
  baseUrl: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * oidc-provider and openid-client read the process's Date; this clock moves it (vitest's fake
 * Date, still advancing with real time), so Tessera, the provider and the relying party agree.
 */
export class ProcessClock extends TestClock {
  constructor() {
    super();
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  }
  override now(): Date {
    return new Date();
  }
  override advance(milliseconds: number): void {
    vi.setSystemTime(Date.now() + milliseconds);
  }
}

/** PUBLIC_URL is the address it listens on; the clock is the process's (ProcessClock). */
export async function createListeningTestApp(options: TestAppOptions = {}): Promise<ListeningTestApp> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const t = await createTestApp({ publicUrl: new URL(baseUrl) }, { clock: new ProcessClock(), ...options });
  await t.app.listen({ port, host: '127.0.0.1' });
  const close = t.close.bind(t);
  return Object.assign(t, {
    baseUrl,
    async close() {
      await close();
      vi.useRealTimers();
    },
  });
}

/** An administrator of a new organization with a verified address (and an authenticator when asked). */
export async function oidcMember(t: ListeningTestApp, input: { email: string; organization?: string; totp?: boolean }): Promise<Member & { secret?: string }> {
  const member = await signUpMember(t, { email: input.email, organization: input.organization, verify: false });
  const mail = (await t.mail()).find((m) => m.to === input.email && m.subject === 'Verify your e-mail address');
  const token = tokenFromLink(mail!.text, `${t.baseUrl}/verify-email`);
  expect((await new Browser(t.app).post('/api/v1/auth/verify-email', { token })).statusCode).toBe(204);
  if (!input.totp) return member;
  const { secret } = await enrolTotp(t, member.browser);
  return { ...member, secret };
}

/** A6 with this app's PUBLIC_URL in the link. */
export async function inviteOidcMember(t: ListeningTestApp, admin: Member, input: { email: string; name: string; twoFactorRequired?: boolean }): Promise<Member> {
  const invited = await admin.browser.post('/api/v1/organization/users', { email: input.email, name: input.name, role: 'member', twoFactorRequired: input.twoFactorRequired ?? false });
  expect(invited.statusCode, invited.body).toBe(201);
  const mail = (await t.mail()).find((m) => m.to === input.email && m.subject.includes('invited you'));
  const token = tokenFromLink(mail!.text, `${t.baseUrl}/accept-invitation`);
  const browser = new Browser(t.app);
  const accepted = await browser.post('/api/v1/invitations/accept', { token, name: input.name, password: strongPassword });
  expect(accepted.statusCode, accepted.body).toBe(201);
  const session = accepted.json();
  return { browser, email: input.email, name: input.name, userId: session.user.id, organizationId: session.organization.id };
}

export const redirectUri = 'http://localhost:4999/callback';
export const postLogoutRedirectUri = 'http://localhost:4999/signed-out';

export interface RegisteredApplication {
  id: string;
  clientId: string;
  clientSecret: string;
}

export async function registerApplication(admin: Member, input: { name?: string; type?: 'confidential' | 'public'; backchannelLogoutUri?: string } = {}): Promise<RegisteredApplication> {
  const response = await admin.browser.post('/api/v1/organization/applications', {
    name: input.name ?? 'Wiki',
    type: input.type ?? 'confidential',
    redirectUris: [redirectUri],
    postLogoutRedirectUris: [postLogoutRedirectUri],
    ...(input.backchannelLogoutUri ? { backchannelLogoutUri: input.backchannelLogoutUri } : {}),
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

export async function relyingParty(t: ListeningTestApp, application: RegisteredApplication): Promise<client.Configuration> {
  return client.discovery(new URL(t.baseUrl), application.clientId, application.clientSecret, client.ClientSecretBasic(application.clientSecret), { execute: [client.allowInsecureRequests] });
}

export interface StartedAuthorization {
  url: URL;
  verifier: string;
  state: string;
}

export async function startAuthorization(config: client.Configuration, parameters: Record<string, string> = {}): Promise<StartedAuthorization> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid email profile offline_access',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...parameters,
  });
  return { url, verifier, state };
}

/**
 * Follows redirects within Tessera (through app.inject, keeping cookies) until an answer that is
 * not a redirect, or a redirect to another origin (the application's callback).
 */
export async function follow(t: ListeningTestApp, browser: Browser, start: string): Promise<{ location?: URL; response: LightMyRequestResponse; path: string }> {
  let path = start.startsWith(t.baseUrl) ? start.slice(t.baseUrl.length) : start;
  for (let hops = 0; hops < 10; hops++) {
    const response = await browser.get(path);
    if (response.statusCode < 300 || response.statusCode >= 400) return { response, path };
    const location = new URL(String(response.headers.location), t.baseUrl + path);
    if (location.origin !== t.baseUrl) return { location, response, path };
    path = location.pathname + location.search;
    if (path.startsWith('/login')) return { location, response, path };
  }
  throw new Error('too many redirects');
}

/** Signs in on Tessera's own API as the sign-in page does: password, then the authenticator's code. */
export async function signInWithTotp(t: TestApp, browser: Browser, email: string, secret: string): Promise<void> {
  const password = await browser.login(email);
  expect(password.json().status, password.body).toBe('two_factor_required');
  nextStep(t);
  const second = await browser.submitCode(totpCode(t, secret));
  expect(second.statusCode, second.body).toBe(200);
}
