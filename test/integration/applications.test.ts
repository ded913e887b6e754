// O1 O7 O8: applications registered by administrators (the API, its guards and audit events),
// client secrets (hashed, replaced, old one refused), deletion revoking tokens, the
// reverse-proxy check and the return_to allow-list.
import * as client from 'openid-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser, strongPassword } from '../support/agent.js';
import { createListeningTestApp, follow, inviteOidcMember, oidcMember, redirectUri, registerApplication, relyingParty, signInWithTotp, startAuthorization, type ListeningTestApp } from '../support/oidc.js';
import { expectProblem } from '../support/two-factor.js';

let t: ListeningTestApp;
beforeEach(async () => {
  t = await createListeningTestApp();
});
afterEach(async () => {
  await t.close();
});

async function tokensFor(browser: Browser, config: client.Configuration) {
  const started = await startAuthorization(config);
  const back = await follow(t, browser, started.url.href);
  expect(back.location?.origin, back.path).toBe('http://localhost:4999');
  return client.authorizationCodeGrant(config, back.location!, { pkceCodeVerifier: started.verifier, expectedState: started.state });
}

describe('O1 registering applications', () => {
  it('O1 validates addresses, shows a confidential secret once and stores only its keyed hash; public applications have none', async () => {
    const ada = await oidcMember(t, { email: 'ada@example.com' });
    const bad = await ada.browser.post('/api/v1/organization/applications', { name: 'Wiki', type: 'confidential', redirectUris: ['http://wiki.example.com/cb', 'https://wiki.example.com/cb#x'], backchannelLogoutUri: 'ftp://x' });
    expectProblem(bad, 400, 'validation_failed');
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual(['redirectUris.0', 'redirectUris.1', 'backchannelLogoutUri']);
    expectProblem(await ada.browser.post('/api/v1/organization/applications', { name: 'Wiki', type: 'other', redirectUris: [redirectUri] }), 400, 'validation_failed');

    const created = await registerApplication(ada);
    const row = await t.context.db.selectFrom('applications').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.secretHash).toBe(t.context.keyedHasher.hash(created.clientSecret));
    expect(JSON.stringify(row)).not.toContain(created.clientSecret);

    t.clock.advance(1000);
    const spa = await ada.browser.post('/api/v1/organization/applications', { name: 'Dashboard', type: 'public', redirectUris: ['https://dash.example.com/cb'] });
    expect(spa.statusCode).toBe(201);
    expect(spa.json().clientSecret).toBeUndefined();

    const listed = await ada.browser.get('/api/v1/organization/applications');
    expect(listed.json().applications.map((a: { name: string; type: string }) => [a.name, a.type])).toEqual([['Wiki', 'confidential'], ['Dashboard', 'public']]);
    expect(listed.body).not.toContain(created.clientSecret);

    const renamed = await ada.browser.patch(`/api/v1/organization/applications/${created.id}`, { name: 'Team wiki', backchannelLogoutUri: 'https://wiki.example.com/logout' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Team wiki', backchannelLogoutUri: 'https://wiki.example.com/logout' });
    expectProblem(await ada.browser.post(`/api/v1/organization/applications/${spa.json().id}/secret`), 400, 'validation_failed');

    const types = (await t.context.db.selectFrom('auditEvents').select('type').where('type', 'like', 'application.%').orderBy('id').execute()).map((e) => e.type);
    expect(types).toEqual(['application.created', 'application.created', 'application.updated']);
  });

  it('O1 only administrators with a recent password; members and other organizations see nothing', async () => {
    const ada = await oidcMember(t, { email: 'ada@example.com' });
    const created = await registerApplication(ada);
    const grace = await inviteOidcMember(t, ada, { email: 'grace@example.com', name: 'Grace Hopper' });
    expectProblem(await grace.browser.get('/api/v1/organization/applications'), 403, 'forbidden');
    expectProblem(await grace.browser.post('/api/v1/organization/applications', { name: 'X', type: 'public', redirectUris: [redirectUri] }), 403, 'forbidden');

    const bob = await oidcMember(t, { email: 'bob@example.com', organization: 'Other' });
    expect((await bob.browser.get('/api/v1/organization/applications')).json().applications).toEqual([]);
    expectProblem(await bob.browser.delete(`/api/v1/organization/applications/${created.id}`), 404, 'not_found');

    t.clock.advance(11 * 60 * 1000);
    expectProblem(await ada.browser.post('/api/v1/organization/applications', { name: 'X', type: 'public', redirectUris: [redirectUri] }), 403, 'reauthentication_required');
    expectProblem(await ada.browser.delete(`/api/v1/organization/applications/${created.id}`), 403, 'reauthentication_required');
    expect((await ada.browser.reauthenticate(strongPassword)).statusCode).toBe(204);
    expect((await ada.browser.delete(`/api/v1/organization/applications/${created.id}`)).statusCode).toBe(204);
  });

  it('O1 a new client secret replaces the old one at once; deleting the application revokes its tokens', async () => {
    const ada = await oidcMember(t, { email: 'ada@example.com', totp: true });
    const application = await registerApplication(ada);
    const config = await relyingParty(t, application);
    const browser = new Browser(t.app);
    await signInWithTotp(t, browser, ada.email, ada.secret!);
    const tokens = await tokensFor(browser, config);

    const replaced = await ada.browser.post(`/api/v1/organization/applications/${application.id}/secret`);
    expect(replaced.statusCode, replaced.body).toBe(200);
    const { clientSecret } = replaced.json();
    expect(clientSecret).not.toBe(application.clientSecret);
    // 401 invalid_client, in the WWW-Authenticate challenge.
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ status: 401, cause: [{ parameters: { error: 'invalid_client' } }] });
    const renewed = await relyingParty(t, { ...application, clientSecret });
    const refreshed = await client.refreshTokenGrant(renewed, tokens.refresh_token!);
    expect((await client.fetchUserInfo(renewed, refreshed.access_token, ada.userId)).sub).toBe(ada.userId);

    expect((await ada.browser.delete(`/api/v1/organization/applications/${application.id}`)).statusCode).toBe(204);
    await expect(client.fetchUserInfo(renewed, refreshed.access_token, ada.userId)).rejects.toBeDefined();
    expect(await t.context.db.selectFrom('oidcPayloads').select('model').where('model', 'in', ['AccessToken', 'RefreshToken', 'Grant']).execute()).toEqual([]);
    const deleted = await t.context.db.selectFrom('auditEvents').select('details').where('type', '=', 'application.deleted').executeTakeFirstOrThrow();
    expect(JSON.parse(deleted.details)).toMatchObject({ applicationId: application.id, revokedGrants: 1 });
  });

  it('O1 API keys need applications:read or applications:write', async () => {
    const ada = await oidcMember(t, { email: 'ada@example.com' });
    await registerApplication(ada);
    const readKey = (await ada.browser.post('/api/v1/api-keys', { name: 'Reader', grants: ['applications:read'] })).json().key;
    const otherKey = (await ada.browser.post('/api/v1/api-keys', { name: 'Other', grants: ['users:read'] })).json().key;
    const withKey = (key: string, method: 'GET' | 'POST', body?: unknown) =>
      t.app.inject({ method, url: '/api/v1/organization/applications', headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { payload: JSON.stringify(body) } : {}) });
    expect((await withKey(readKey, 'GET')).json().applications).toHaveLength(1);
    expectProblem(await withKey(otherKey, 'GET'), 403, 'forbidden');
    expectProblem(await withKey(readKey, 'POST', { name: 'X', type: 'public', redirectUris: [redirectUri] }), 403, 'forbidden');
  });
});

describe('O8 reverse-proxy sign-in', () => {
  it('O8 answers 200 with X-Tessera-* headers for a complete session and 401 otherwise', async () => {
    const ada = await oidcMember(t, { email: 'ada@example.com', totp: true });
    expectProblem(await new Browser(t.app).get('/api/v1/auth/verify'), 401, 'unauthenticated');
    // Half-way (the password given, the code not yet): still 401.
    const halfway = new Browser(t.app);
    expect((await halfway.login(ada.email)).json().status).toBe('two_factor_required');
    expectProblem(await halfway.get('/api/v1/auth/verify'), 401, 'unauthenticated');

    const browser = new Browser(t.app);
    await signInWithTotp(t, browser, ada.email, ada.secret!);
    const ok = await browser.get('/api/v1/auth/verify');
    expect(ok.statusCode).toBe(200);
    expect(ok.headers).toMatchObject({ 'x-tessera-user': ada.userId, 'x-tessera-email': 'ada@example.com', 'x-tessera-org': ada.organizationId, 'x-tessera-amr': 'pwd otp mfa' });
    expect((await browser.post('/api/v1/auth/logout')).statusCode).toBe(204);
    expectProblem(await browser.get('/api/v1/auth/verify'), 401, 'unauthenticated');
  });

  it('O8 a member who must still set up a second factor is not signed in for the proxy', async () => {
    const ada = await oidcMember(t, { email: 'ada@example.com' });
    const grace = await inviteOidcMember(t, ada, { email: 'grace@example.com', name: 'Grace Hopper', twoFactorRequired: true });
    const browser = new Browser(t.app);
    expect((await browser.login(grace.email)).json().status).toBe('two_factor_setup_required');
    expectProblem(await browser.get('/api/v1/auth/verify'), 401, 'unauthenticated');
  });

  it('O8 return_to: PUBLIC_URL’s host on any port or a registered origin, nothing else', async () => {
    const ada = await oidcMember(t, { email: 'ada@example.com' });
    await registerApplication(ada);
    const check = async (url: string) => (await new Browser(t.app).get(`/api/v1/auth/return-to?url=${encodeURIComponent(url)}`)).json().returnTo;
    expect(await check('http://127.0.0.1:8080/wiki')).toBe('http://127.0.0.1:8080/wiki');
    expect(await check('http://localhost:4999/anything')).toBe('http://localhost:4999/anything');
    expect(await check('https://evil.example.com/')).toBeNull();
    expect(await check('http://localhost:5000/')).toBeNull();
    expect(await check('javascript:alert(1)')).toBeNull();
  });
});
