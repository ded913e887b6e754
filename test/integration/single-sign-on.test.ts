// E1–E5 and P2: single sign-on from an organization's own OpenID Connect provider (a real
// oidc-provider on 127.0.0.1), on SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser, strongPassword } from '../support/agent.js';
import { startIdentityProvider, signInAtProvider, type TestIdentityProvider } from '../support/identity-provider.js';
import { callbackUrl, connect, connectionFor, signInThroughProvider } from '../support/single-sign-on.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { auditEventsOf, expectProblem, inviteMember, readUser, signUpMember, type Member } from '../support/two-factor.js';

let t: TestApp;
let idp: TestIdentityProvider;
let admin: Member;

beforeEach(async () => {
  t = await createTestApp();
  idp = await startIdentityProvider({ redirectUri: callbackUrl });
  admin = await signUpMember(t, { email: 'admin@acme.example', organization: 'Acme' });
});
afterEach(async () => {
  await idp.close();
  await t.close();
});

describe('E1 connection', () => {
  it('E1 saves the connection, never reads the secret back, and audits it', async () => {
    const saved = await connect(admin, idp);
    expect(saved).toMatchObject({ issuer: idp.issuer, clientId: 'tessera', hasClientSecret: true, domains: ['acme.example'], enabled: true, mfa: 'disable_with_requirement', redirectUri: callbackUrl });
    const read = await admin.browser.get('/api/v1/organization/sso');
    expect(read.statusCode).toBe(200);
    expect(read.body).not.toContain(idp.clientSecret);
    const row = await t.store.db.selectFrom('ssoConnections').selectAll().executeTakeFirstOrThrow();
    expect(row.clientSecretSealed).not.toContain(idp.clientSecret);
    expect(t.context.secretBox.open(row.clientSecretSealed)).toBe(idp.clientSecret);
    const events = await t.store.db.selectFrom('auditEvents').selectAll().where('type', '=', 'sso.connection_saved').execute();
    expect(events).toHaveLength(1);
    expect(events[0]!.details).not.toContain(idp.clientSecret);
  });

  it('E1 test connection: discovery and the client accepted; a wrong secret is refused', async () => {
    await connect(admin, idp);
    const ok = await admin.browser.post('/api/v1/organization/sso/test');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().ok, ok.body).toBe(true);
    await connect(admin, idp, { clientSecret: 'the-wrong-secret' });
    const refused = await admin.browser.post('/api/v1/organization/sso/test');
    expect(refused.json()).toMatchObject({ ok: false });
    expect(refused.json().detail).toMatch(/invalid_client/);
  });
});

describe('E2 sign-in through the provider', () => {
  it('E2 routes a claimed domain, signs the member in with a new session, and audits amr/acr (L4)', async () => {
    await connect(admin, idp);
    const member = await inviteMember(t, admin, { email: 'grace@acme.example', name: 'Grace' });
    idp.addAccount({ email: 'grace@acme.example' });
    const browser = new Browser(t.app);
    const attempt = await signInThroughProvider(browser, 'grace@acme.example');
    expect(attempt.location).toBe('/');
    const session = await browser.get('/api/v1/session');
    expect(session.statusCode, session.body).toBe(200);
    expect(session.json().user.id).toBe(member.userId);
    const events = await auditEventsOf(t, member.userId, 'user.signed_in');
    expect(events.at(-1)!.details).toMatchObject({ method: 'sso', amr: ['pwd'], issuer: idp.issuer });
    expect((await readUser(t, member.userId)).lastLoginMethod).toBe('sso');
  });
});
