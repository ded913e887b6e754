// O1–O7: Tessera as an OpenID Connect provider, driven by openid-client (a certified relying
// party) over real HTTP, through Tessera's own sign-in with an authenticator app.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { runCli, type CliIo } from '../../src/cli/main.js';
import { buildApp } from '../../src/http/app.js';
import { retiredKeyPublishedForInMs, rotateSigningKeys } from '../../src/oidc/signing-keys.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser } from '../support/agent.js';
import { createListeningTestApp, follow, oidcMember, redirectUri, registerApplication, relyingParty, signInWithTotp, startAuthorization, type ListeningTestApp } from '../support/oidc.js';

let t: ListeningTestApp;
beforeEach(async () => {
  t = await createListeningTestApp();
});
afterEach(async () => {
  await t.close();
});

describe('O2 discovery', () => {
  it('O2 publishes the issuer, the endpoints under /oauth and an ES256 key; code flow with S256 only', async () => {
    const response = await fetch(`${t.baseUrl}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: t.baseUrl,
      authorization_endpoint: `${t.baseUrl}/oauth/authorize`,
      token_endpoint: `${t.baseUrl}/oauth/token`,
      jwks_uri: `${t.baseUrl}/oauth/jwks`,
      userinfo_endpoint: `${t.baseUrl}/oauth/userinfo`,
      revocation_endpoint: `${t.baseUrl}/oauth/revoke`,
      introspection_endpoint: `${t.baseUrl}/oauth/introspect`,
      end_session_endpoint: `${t.baseUrl}/oauth/end-session`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['ES256'],
    });
    expect(metadata.acr_values_supported).toEqual(['urn:tessera:acr:password', 'urn:tessera:acr:mfa', 'urn:tessera:acr:phishing-resistant']);
    expect(metadata.backchannel_logout_supported).toBe(true);
    const jwks = (await (await fetch(String(metadata.jwks_uri))).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(jwks.keys[0]!.d).toBeUndefined();
  });
});

describe('O3 O4 authorization code with PKCE through Tessera’s sign-in', () => {
  it('O3 O4 signs in with password and authenticator, then issues tokens whose claims say who and how; refresh tokens rotate; revocation and introspection work', async () => {
    const ada = await oidcMember(t, { email: 'ada@example.com', totp: true });
    const application = await registerApplication(ada);
    expect(application.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const config = await relyingParty(t, application);

    const browser = new Browser(t.app);
    const started = await startAuthorization(config);
    const toLogin = await follow(t, browser, started.url.href);
    expect(toLogin.path).toMatch(/^\/login\?interaction=[A-Za-z0-9_-]+$/);
    const uid = new URLSearchParams(toLogin.path.split('?')[1]).get('interaction')!;

    await signInWithTotp(t, browser, ada.email, ada.secret!);
    const back = await follow(t, browser, `/oauth/interaction/${uid}`);
    expect(back.location?.origin).toBe('http://localhost:4999');

    const tokens = await client.authorizationCodeGrant(config, back.location!, { pkceCodeVerifier: started.verifier, expectedState: started.state });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({
      iss: t.baseUrl,
      aud: application.clientId,
      sub: ada.userId,
      email: 'ada@example.com',
      email_verified: true,
      name: 'Ada Lovelace',
      org_id: ada.organizationId,
      org_name: 'Org of ada@example.com',
      role: 'admin',
      acr: 'urn:tessera:acr:mfa',
      amr: ['pwd', 'otp', 'mfa'],
    });
    expect(typeof claims.auth_time).toBe('number');

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, ada.userId);
    expect(userinfo).toMatchObject({ sub: ada.userId, email: 'ada@example.com', org_id: ada.organizationId, role: 'admin', amr: ['pwd', 'otp', 'mfa'], acr: 'urn:tessera:acr:mfa' });

    // Refresh tokens rotate: the new one works, the old one is refused.
    expect(tokens.refresh_token).toBeTruthy();
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    const active = await client.tokenIntrospection(config, refreshed.access_token);
    expect(active).toMatchObject({ active: true, sub: ada.userId, client_id: application.clientId });
    expect((await client.tokenIntrospection(config, refreshed.refresh_token!)).active).toBe(true);

    // Reusing a rotated refresh token is refused and ends what the grant issued (a stolen token).
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await client.tokenIntrospection(config, refreshed.refresh_token!)).active).toBe(false);

    // Revocation (RFC 7009) of an access token ends the tokens of its grant.
    const again = await signedInTokens(t, browser, config);
    await client.tokenRevocation(config, again.access_token);
    expect((await client.tokenIntrospection(config, again.access_token)).active).toBe(false);
    expect((await client.tokenIntrospection(config, again.refresh_token!)).active).toBe(false);

    const audit = await t.context.db.selectFrom('auditEvents').select(['type', 'details']).where('type', '=', 'application.signed_in').execute();
    expect(audit).toHaveLength(2);
  });
});

/** A second authorization in a browser already signed in: straight back to the application. */
async function signedInTokens(t: ListeningTestApp, browser: Browser, config: client.Configuration, parameters: Record<string, string> = {}) {
  const started = await startAuthorization(config, parameters);
  const back = await follow(t, browser, started.url.href);
  expect(back.location?.origin, back.path).toBe('http://localhost:4999');
  return client.authorizationCodeGrant(config, back.location!, { pkceCodeVerifier: started.verifier, expectedState: started.state });
}

describe('O3 only the application’s organization', () => {
  it('O3 refuses a member of another organization with a clear page and issues nothing', async () => {
    const ada = await oidcMember(t, { email: 'ada@example.com' });
    const application = await registerApplication(ada);
    const config = await relyingParty(t, application);
    const bob = await oidcMember(t, { email: 'bob@example.com', organization: 'Other Org' });

    const started = await startAuthorization(config);
    const refused = await follow(t, bob.browser, started.url.href);
    expect(refused.response.statusCode).toBe(403);
    expect(refused.response.headers['content-type']).toMatch(/^text\/html/);
    expect(refused.response.body).toContain('This application belongs to another organization');
    expect(refused.response.body).toContain('bob@example.com');
    expect(await t.context.db.selectFrom('oidcPayloads').select('id').where('model', 'in', ['AuthorizationCode', 'AccessToken', 'Grant']).execute()).toEqual([]);
    expect(await t.context.db.selectFrom('auditEvents').select('id').where('type', '=', 'application.signed_in').execute()).toEqual([]);
  });
});

describe('O5 step-up', () => {
  it('O5 prompt=login and max_age make a signed-in member sign in again before anything is issued', async () => {
    const ada = await oidcMember(t, { email: 'ada@example.com', totp: true });
    const application = await registerApplication(ada);
    const config = await relyingParty(t, application);
    const browser = new Browser(t.app);
    await signInWithTotp(t, browser, ada.email, ada.secret!);
    await signedInTokens(t, browser, config);

    const forced = await startAuthorization(config, { prompt: 'login' });
    const toLogin = await follow(t, browser, forced.url.href);
    expect(toLogin.path).toMatch(/^\/login\?interaction=[A-Za-z0-9_-]+&reason=fresh_sign_in$/);
    const uid = new URLSearchParams(toLogin.path.split('?')[1]).get('interaction')!;
    // The same answer until the member has signed in again.
    expect((await follow(t, browser, `/oauth/interaction/${uid}`)).path).toBe(toLogin.path);
    t.clock.advance(1000);
    await signInWithTotp(t, browser, ada.email, ada.secret!);
    const back = await follow(t, browser, `/oauth/interaction/${uid}`);
    const tokens = await client.authorizationCodeGrant(config, back.location!, { pkceCodeVerifier: forced.verifier, expectedState: forced.state });
    expect(tokens.claims()!.amr).toEqual(['pwd', 'otp', 'mfa']);

    t.clock.advance(10 * 60 * 1000);
    const aged = await startAuthorization(config, { max_age: '300' });
    expect((await follow(t, browser, aged.url.href)).path).toMatch(/reason=fresh_sign_in$/);
    const recent = await startAuthorization(config, { max_age: '3600' });
    expect((await follow(t, browser, recent.url.href)).location?.origin).toBe('http://localhost:4999');
  });

  it('O5 acr_values=mfa: a member without a second factor gets an error at the application, not tokens', async () => {
    const ada = await oidcMember(t, { email: 'ada@example.com' });
    const application = await registerApplication(ada);
    const config = await relyingParty(t, application);
    const mfa = await startAuthorization(config, { acr_values: 'urn:tessera:acr:mfa' });
    const back = await follow(t, ada.browser, mfa.url.href);
    expect(back.location?.origin).toBe('http://localhost:4999');
    expect(back.location!.searchParams.get('error')).toBe('unmet_authentication_requirements');
    expect(back.location!.searchParams.get('code')).toBeNull();

    // Password alone is what it says when nothing more is asked.
    const plain = await signedInTokens(t, ada.browser, config);
    expect(plain.claims()).toMatchObject({ acr: 'urn:tessera:acr:password', amr: ['pwd'] });
  });
});

describe('O2 signing keys', () => {
  it('O2 keys are sealed in the database; a rotation signs with a new key and keeps the previous one published for a day', async () => {
    const ada = await oidcMember(t, { email: 'ada@example.com' });
    const application = await registerApplication(ada);
    const config = await relyingParty(t, application);
    const tokens = await signedInTokens(t, ada.browser, config);
    const [stored] = await t.context.db.selectFrom('oidcSigningKeys').selectAll().execute();
    expect(stored!.keySealed).not.toContain('"d"');
    const firstKid = stored!.id;

    const rotated = await rotateSigningKeys(t.context, t.clock.now().getTime());
    // Servers sign with the new key once restarted: an app built now publishes both, newest first.
    const restarted = await buildApp(t.context);
    try {
      const jwks = (await restarted.inject({ method: 'GET', url: '/oauth/jwks' })).json() as { keys: Array<{ kid: string }> };
      expect(jwks.keys.map((k) => k.kid)).toEqual([rotated.kid, firstKid]);
      // A token signed with the previous key still verifies against what is published.
      await jwtVerify(tokens.id_token!, createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]), { issuer: t.baseUrl });
    } finally {
      await restarted.close();
    }

    t.clock.advance(retiredKeyPublishedForInMs + 1000);
    const again = await rotateSigningKeys(t.context, t.clock.now().getTime());
    expect(again.removed).toBe(1);
    const later = await buildApp(t.context);
    try {
      const jwks = (await later.inject({ method: 'GET', url: '/oauth/jwks' })).json() as { keys: Array<{ kid: string }> };
      expect(jwks.keys.map((k) => k.kid)).toEqual([again.kid, rotated.kid]);
    } finally {
      await later.close();
    }
  });

  it('O2 `tessera oidc rotate-keys` adds a key', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    const output = { stdout: '', stderr: '' };
    const io: CliIo = { env: { DATABASE_URL: t.database.url, TESSERA_DATA_DIR: dataDir, NODE_ENV: 'development' }, readStdin: async () => '', stdout: (text) => void (output.stdout += text), stderr: (text) => void (output.stderr += text) };
    try {
      expect(await runCli(['oidc', 'rotate-keys'], io), output.stderr).toBe(0);
      expect(output.stdout).toMatch(/^New signing key [A-Za-z0-9_-]{16}; the previous keys stay published for 24 hours/);
      expect(await t.context.db.selectFrom('oidcSigningKeys').select('id').execute()).toHaveLength(2);
      expect(await runCli(['oidc', 'rotate'], io)).toBe(1);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('O2 what the provider refuses', () => {
  it('O2 a public client: PKCE is required, implicit and hybrid flows are refused, CORS only from its own origin', async () => {
    const ada = await oidcMember(t, { email: 'ada@example.com' });
    const created = await ada.browser.post('/api/v1/organization/applications', { name: 'Dashboard', type: 'public', redirectUris: [redirectUri] });
    const { clientId } = created.json();
    const config = await client.discovery(new URL(t.baseUrl), clientId, undefined, client.None(), { execute: [client.allowInsecureRequests] });

    const withoutPkce = new URL(`${t.baseUrl}/oauth/authorize`);
    withoutPkce.search = new URLSearchParams({ client_id: clientId, redirect_uri: redirectUri, response_type: 'code', scope: 'openid', state: 's' }).toString();
    const refused = await follow(t, ada.browser, withoutPkce.href);
    expect(refused.location!.searchParams.get('error')).toBe('invalid_request');
    expect(refused.location!.searchParams.get('error_description')).toMatch(/PKCE/);
    for (const responseType of ['id_token', 'code id_token', 'token']) {
      const implicit = new URL(withoutPkce);
      implicit.searchParams.set('response_type', responseType);
      implicit.searchParams.set('nonce', 'n');
      const answer = await follow(t, ada.browser, implicit.href);
      expect(answer.location?.href ?? answer.response.body, responseType).toMatch(/unsupported_response_type/);
    }

    const tokens = await signedInTokens(t, ada.browser, config);
    expect(tokens.claims()!.sub).toBe(ada.userId);
    const preflight = (origin: string) => fetch(`${t.baseUrl}/oauth/token`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    const refresh = (origin: string) => fetch(`${t.baseUrl}/oauth/token`, { method: 'POST', headers: { origin, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'unknown', client_id: clientId }) });
    expect((await preflight('http://localhost:4999')).status).toBe(204);
    expect((await refresh('http://localhost:4999')).headers.get('access-control-allow-origin')).toBe('http://localhost:4999');
    expect((await refresh('https://evil.example.com')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('O2 the provider’s own pages carry security headers', async () => {
    const response = await fetch(`${t.baseUrl}/oauth/end-session`);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});
