// O6: ending the Tessera session ends what applications were given in it: refresh tokens stop at
// once, and applications with a back-channel logout URI get a signed logout token (delivered in
// the background, retried). RP-initiated logout ends the Tessera session.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverBackchannelLogouts, logoutRetryDelayInMs } from '../../src/oidc/backchannel-logout.js';
import { purgeExpiredRecords } from '../../src/services/housekeeping.js';
import { Browser } from '../support/agent.js';
import { createListeningTestApp, follow, oidcMember, postLogoutRedirectUri, registerApplication, relyingParty, signInWithTotp, startAuthorization, type ListeningTestApp } from '../support/oidc.js';
import { expectProblem } from '../support/two-factor.js';

let t: ListeningTestApp;
let receiver: Server;
let received: string[];
let answerWith: number;
let receiverUrl: string;

beforeEach(async () => {
  t = await createListeningTestApp();
  received = [];
  answerWith = 200;
  receiver = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push(body);
      response.statusCode = answerWith;
      response.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/backchannel-logout`;
});
afterEach(async () => {
  await new Promise((resolve) => receiver.close(resolve));
  await t.close();
});

async function signedInWithTokens() {
  const ada = await oidcMember(t, { email: 'ada@example.com', totp: true });
  const application = await registerApplication(ada, { backchannelLogoutUri: receiverUrl });
  const config = await relyingParty(t, application);
  const browser = new Browser(t.app);
  await signInWithTotp(t, browser, ada.email, ada.secret!);
  const started = await startAuthorization(config);
  const back = await follow(t, browser, started.url.href);
  const tokens = await client.authorizationCodeGrant(config, back.location!, { pkceCodeVerifier: started.verifier, expectedState: started.state });
  return { ada, application, config, browser, tokens };
}

describe('O6 the Tessera session ends what was issued in it', () => {
  it('O6 signing out of Tessera stops the refresh token at once and sends a signed back-channel logout token, retried until delivered', async () => {
    const { ada, application, config, browser, tokens } = await signedInWithTokens();
    expect((await browser.post('/api/v1/auth/logout')).statusCode).toBe(204);
    // Refused before any job has run.
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });

    answerWith = 500;
    expect(await deliverBackchannelLogouts(t.context, t.app.oidcProvider)).toEqual({ revoked: 1, delivered: 0, failed: 1 });
    expect(received).toHaveLength(1);
    // Claimed for a minute: another pass (another instance) does not send it again meanwhile.
    expect(await deliverBackchannelLogouts(t.context, t.app.oidcProvider)).toEqual({ revoked: 0, delivered: 0, failed: 0 });
    answerWith = 200;
    t.clock.advance(logoutRetryDelayInMs);
    expect(await deliverBackchannelLogouts(t.context, t.app.oidcProvider)).toEqual({ revoked: 1, delivered: 1, failed: 0 });
    expect(received).toHaveLength(2);
    expect(await deliverBackchannelLogouts(t.context, t.app.oidcProvider)).toEqual({ revoked: 0, delivered: 0, failed: 0 });

    const logoutToken = new URLSearchParams(received[1]).get('logout_token')!;
    const { payload } = await jwtVerify(logoutToken, createRemoteJWKSet(new URL(`${t.baseUrl}/oauth/jwks`)), { issuer: t.baseUrl, audience: application.clientId });
    expect(payload.sub).toBe(ada.userId);
    expect(payload.events).toEqual({ 'http://schemas.openid.net/event/backchannel-logout': {} });
    expect(await t.context.db.selectFrom('oidcPayloads').select('model').where('model', 'in', ['AccessToken', 'RefreshToken', 'Grant']).execute()).toEqual([]);
  });

  it('O6 a session ended from the sessions list ends its grants too', async () => {
    const { ada, config, browser, tokens } = await signedInWithTokens();
    const sessions = (await ada.browser.get('/api/v1/me/sessions')).json().sessions as Array<{ id: string; current: boolean }>;
    const other = sessions.find((s) => !s.current)!;
    expect((await ada.browser.delete(`/api/v1/me/sessions/${other.id}`)).statusCode).toBe(204);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expectProblem(await browser.get('/api/v1/auth/verify'), 401, 'unauthenticated');
  });

  it('O6 RP-initiated logout ends the Tessera session after the member confirms', async () => {
    const { config, browser, tokens } = await signedInWithTokens();
    const url = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: postLogoutRedirectUri });
    const confirm = await browser.get(url.href.slice(t.baseUrl.length));
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Sign out of Tessera?');
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.body)![1]!;
    const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const done = await t.app.inject({ method: 'POST', url: '/oauth/end-session/confirm', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ xsrf, logout: 'yes' }).toString() });
    expect(done.statusCode, done.body).toBe(303);
    expect(String(done.headers.location)).toMatch(/^http:\/\/localhost:4999\/signed-out/);
    expect(String(done.headers['set-cookie'])).toContain('tessera_session=;');
    expectProblem(await browser.get('/api/v1/auth/verify'), 401, 'unauthenticated');
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    const signedOut = await t.context.db.selectFrom('auditEvents').select('type').where('type', '=', 'user.signed_out').execute();
    expect(signedOut).toHaveLength(1);
  });
});

describe('O2 housekeeping', () => {
  it('O2 the hourly job deletes expired codes, tokens and interactions, in batches, and keeps live ones (N: housekeeping)', async () => {
    const { tokens, config } = await signedInWithTokens();
    const before = await t.context.db.selectFrom('oidcPayloads').select(['model', 'expiresAt']).execute();
    // The code (60 s) and the interactions (1 h) expire first; the refresh token and grant last 14 days.
    t.clock.advance(2 * 60 * 60 * 1000);
    const now = t.clock.now().getTime();
    const expired = before.filter((row) => row.expiresAt !== null && row.expiresAt <= now).length;
    expect(expired).toBeGreaterThan(1);
    const counts = await purgeExpiredRecords(t.context, 1);
    expect(counts.oidcPayloads).toBe(expired);
    expect(counts.applicationGrants).toBe(0);
    const left = await t.context.db.selectFrom('oidcPayloads').select('model').execute();
    expect(left.map((row) => row.model).sort()).toEqual(before.filter((row) => row.expiresAt === null || row.expiresAt > now).map((row) => row.model).sort());
    expect((await client.refreshTokenGrant(config, tokens.refresh_token!)).access_token).toBeTruthy();
  });
});
