// E1–E5 and P2: single sign-on from an organization's own OpenID Connect provider (a real
// oidc-provider on 127.0.0.1, test/support/identity-provider.ts), on SQLite and PostgreSQL.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeyedHasher, createSecretBox, keyIdOf } from '../../src/security/secret-box.js';
import { rotateServerKey } from '../../src/services/key-rotation.js';
import { Browser, strongPassword } from '../support/agent.js';
import { startIdentityProvider, signInAtProvider, type TestIdentityProvider } from '../support/identity-provider.js';
import { callbackUrl, connect, connectionFor, signInThroughProvider } from '../support/single-sign-on.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { auditEventsOf, enrolTotp, expectProblem, inviteMember, mailTo, minute, nextStep, readUser, signUpMember, totpCode, type Member } from '../support/two-factor.js';

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

async function organizationEvents(type: string) {
  const rows = await t.store.db.selectFrom('auditEvents').selectAll().where('organizationId', '=', admin.organizationId).where('type', '=', type).orderBy('id').execute();
  return rows.map((row) => ({ ...row, details: JSON.parse(row.details) as Record<string, unknown> }));
}

/** A member of Acme with an account at the provider. */
async function acmeMember(email = 'grace@acme.example'): Promise<Member> {
  const member = await inviteMember(t, admin, { email, name: 'Grace' });
  idp.addAccount({ email });
  return member;
}

/** P1 with the administrator set up first (P5 would otherwise hold back their later changes). */
async function requireTwoFactor() {
  if (!(await readUser(t, admin.userId)).twoFactorEnabled) {
    await enrolTotp(t, admin.browser);
    nextStep(t);
  }
  const response = await admin.browser.patch('/api/v1/organization', { twoFactor: { requirement: 'required' } });
  expect(response.statusCode, response.body).toBe(200);
}

async function sessionOf(browser: Browser) {
  const response = await browser.get('/api/v1/session');
  return { status: response.statusCode, body: response.statusCode === 200 ? response.json() : undefined };
}

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
    const events = await organizationEvents('sso.connection_saved');
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events[0]!.details)).not.toContain(idp.clientSecret);
    // Saving again without a secret keeps the stored one.
    await connect(admin, idp, { clientSecret: undefined, domains: ['acme.example', 'ACME.io'] });
    const kept = await t.store.db.selectFrom('ssoConnections').selectAll().executeTakeFirstOrThrow();
    expect(t.context.secretBox.open(kept.clientSecretSealed)).toBe(idp.clientSecret);
    expect((await admin.browser.get('/api/v1/organization/sso')).json().domains).toEqual(['acme.example', 'acme.io']);
  });

  it('E1 A5: every change needs a recent password and an administrator; GET/DELETE as the contract says', async () => {
    expectProblem(await admin.browser.get('/api/v1/organization/sso'), 404, 'sso_not_configured');
    expectProblem(await admin.browser.put('/api/v1/organization/sso', connectionFor(idp, { clientSecret: undefined })), 400, 'validation_failed', 'first save without a secret');
    await connect(admin, idp);
    const member = await acmeMember();
    expectProblem(await member.browser.get('/api/v1/organization/sso'), 403, 'forbidden');
    expectProblem(await member.browser.put('/api/v1/organization/sso', connectionFor(idp)), 403, 'forbidden');
    t.clock.advance(11 * minute);
    expectProblem(await admin.browser.put('/api/v1/organization/sso', connectionFor(idp, { enabled: false })), 403, 'reauthentication_required');
    expectProblem(await admin.browser.delete('/api/v1/organization/sso'), 403, 'reauthentication_required');
    expect((await admin.browser.get('/api/v1/organization/sso')).json().enabled).toBe(true);
    expect((await admin.browser.reauthenticate()).statusCode).toBe(204);
    expect((await admin.browser.delete('/api/v1/organization/sso')).statusCode).toBe(204);
    expect(await organizationEvents('sso.connection_deleted')).toHaveLength(1);
    expectProblem(await admin.browser.get('/api/v1/organization/sso'), 404, 'sso_not_configured');
    expectProblem(await new Browser(t.app).post('/api/v1/auth/sso', { email: 'grace@acme.example' }), 404, 'sso_not_configured');
  });

  it('E1 bad input of any shape is a 4xx and changes nothing', async () => {
    const bad: Array<[string, unknown]> = [
      ['issuer not https', connectionFor(idp, { issuer: 'http://idp.example.com' })],
      ['issuer not a URL', connectionFor(idp, { issuer: 'not a url' })],
      ['issuer with credentials', connectionFor(idp, { issuer: 'https://user:pw@idp.example.com' })],
      ['no domains', connectionFor(idp, { domains: [] })],
      ['not a domain', connectionFor(idp, { domains: ['acme'] })],
      ['domain with a path', connectionFor(idp, { domains: ['acme.example/x'] })],
      ['unknown rule', { ...connectionFor(idp), mfa: 'sometimes' }],
      ['missing fields', { issuer: idp.issuer }],
      ['wrong types', { ...connectionFor(idp), enabled: 'yes', domains: 'acme.example' }],
      ['control characters', connectionFor(idp, { clientId: 'a\u0000b' })],
    ];
    for (const [label, body] of bad) {
      const response = await admin.browser.put('/api/v1/organization/sso', body);
      expect(response.statusCode, `${label}: ${response.body}`).toBe(400);
    }
    expect(await t.store.db.selectFrom('ssoConnections').selectAll().execute()).toEqual([]);
  });

  it('E1 a claimed domain belongs to one organization: 409 sso_domain_taken, also for two claims at once', async () => {
    await connect(admin, idp);
    const other = await signUpMember(t, { email: 'admin@globex.example', organization: 'Globex' });
    expectProblem(await other.browser.put('/api/v1/organization/sso', connectionFor(idp, { domains: ['globex.example', 'ACME.example'] })), 409, 'sso_domain_taken');
    expect(await t.store.db.selectFrom('ssoConnections').selectAll().where('organizationId', '=', other.organizationId).execute()).toEqual([]);
    // Two organizations claiming one new domain at the same moment: exactly one wins.
    const third = await signUpMember(t, { email: 'admin@initech.example', organization: 'Initech' });
    const [a, b] = await Promise.all([
      other.browser.put('/api/v1/organization/sso', connectionFor(idp, { domains: ['shared.example'] })),
      third.browser.put('/api/v1/organization/sso', connectionFor(idp, { domains: ['shared.example'] })),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const owners = await t.store.db.selectFrom('ssoDomains').selectAll().where('domain', '=', 'shared.example').execute();
    expect(owners).toHaveLength(1);
  });

  it('E1 test connection: discovery and the client accepted; a wrong secret or an unreachable issuer is reported', async () => {
    await connect(admin, idp);
    const ok = await admin.browser.post('/api/v1/organization/sso/test');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().ok, ok.body).toBe(true);
    await connect(admin, idp, { clientSecret: 'the-wrong-secret' });
    const refused = await admin.browser.post('/api/v1/organization/sso/test');
    expect(refused.json()).toMatchObject({ ok: false });
    expect(refused.json().detail).toMatch(/invalid_client/);
    await connect(admin, idp, { issuer: 'http://127.0.0.1:9' });
    const unreachable = await admin.browser.post('/api/v1/organization/sso/test');
    expect(unreachable.json()).toMatchObject({ ok: false });
    expect(unreachable.json().detail).toMatch(/^Discovery failed/);
    expect(await organizationEvents('sso.connection_tested')).toHaveLength(3);
  });
});

describe('N5 key rotation', () => {
  it('N5 the sealed client secret is re-sealed under the newest key and keeps working', async () => {
    await connect(admin, idp);
    const material = randomBytes(32);
    const newest = { id: keyIdOf(material), material };
    // A new first key (N5): its box seals; the app's own box still opens what was sealed before.
    const box = createSecretBox(newest);
    const both = { db: t.store.db, keyedHasher: createKeyedHasher(newest), secretBox: { seal: box.seal, open: (sealed: string) => (sealed.split('.')[1] === newest.id ? box.open(sealed) : t.context.secretBox.open(sealed)) } };
    const report = await rotateServerKey(both);
    expect(report.tables.find((table) => table.table === 'single-sign-on client secrets')).toMatchObject({ resealed: 1, remaining: 0 });
    const after = await t.store.db.selectFrom('ssoConnections').selectAll().executeTakeFirstOrThrow();
    expect(after.clientSecretSealed.startsWith(`v1.${newest.id}.`)).toBe(true);
    expect(box.open(after.clientSecretSealed)).toBe(idp.clientSecret);
  });
});

describe('E2 sign-in through the provider', () => {
  it('E2 routes a claimed domain, signs the member in with a new session id, and audits amr/acr (L4)', async () => {
    await connect(admin, idp);
    const member = await acmeMember();
    idp.amr = ['pwd', 'kba'];
    const browser = new Browser(t.app);
    const attempt = await signInThroughProvider(browser, 'grace@acme.example');
    expect(attempt.location).toBe('/login?sso=signed_in');
    const session = await sessionOf(browser);
    expect(session.body?.user.id).toBe(member.userId);
    const events = await auditEventsOf(t, member.userId, 'user.signed_in');
    expect(events.at(-1)!.details).toMatchObject({ method: 'sso', secondFactor: null, amr: ['pwd', 'kba'], issuer: idp.issuer });
    expect((await readUser(t, member.userId)).lastLoginMethod).toBe('sso');
    // A3: a browser signed in as someone else gets a new session; the old one ends.
    const before = admin.browser.sessionToken;
    await signInThroughProvider(admin.browser, 'grace@acme.example');
    expect(admin.browser.sessionToken).not.toBe(before);
    expect((await sessionOf(admin.browser)).body?.user.id).toBe(member.userId);
    expect(await t.store.db.selectFrom('sessions').selectAll().where('userId', '=', admin.userId).execute()).toEqual([]);
  });

  it('E2 an address whose domain is not routed, or a disabled connection, answers 404 sso_not_configured', async () => {
    await connect(admin, idp, { enabled: false });
    expectProblem(await new Browser(t.app).post('/api/v1/auth/sso', { email: 'grace@acme.example' }), 404, 'sso_not_configured');
    await connect(admin, idp);
    expectProblem(await new Browser(t.app).post('/api/v1/auth/sso', { email: 'someone@elsewhere.example' }), 404, 'sso_not_configured');
    expect((await new Browser(t.app).post('/api/v1/auth/sso', { email: 'not-an-address' })).statusCode).toBe(404);
    expect((await new Browser(t.app).post('/api/v1/auth/sso', { email: 42 })).statusCode).toBe(400);
  });

  it('E2 starting sign-ins reuses a recent discovery: strangers typing addresses do not make Tessera fetch it each time', async () => {
    await connect(admin, idp);
    for (let i = 0; i < 5; i++) expect((await new Browser(t.app).post('/api/v1/auth/sso', { email: `person${i}@acme.example` })).statusCode).toBe(200);
    expect(idp.discoveryRequests).toBe(1);
    t.clock.advance(6 * minute);
    expect((await new Browser(t.app).post('/api/v1/auth/sso', { email: 'late@acme.example' })).statusCode).toBe(200);
    expect(idp.discoveryRequests).toBe(2);
  });

  it('E2 starts and callbacks are throttled per client address, also when 70 arrive at once: the provider is not hammered', async () => {
    await connect(admin, idp);
    const member = await acmeMember();
    const starts = await Promise.all(Array.from({ length: 70 }, (_, i) => new Browser(t.app, { remoteAddress: '203.0.113.7' }).post('/api/v1/auth/sso', { email: `person${i}@acme.example` })));
    expect(starts.filter((response) => response.statusCode === 200)).toHaveLength(60);
    const refused = starts.filter((response) => response.statusCode === 429);
    expect(refused).toHaveLength(10);
    expectProblem(refused[0]!, 429, 'rate_limited');
    expect(Number(refused[0]!.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not held back.
    const starter = new Browser(t.app, { remoteAddress: '198.51.100.9' });
    const started = await starter.post('/api/v1/auth/sso', { email: member.email });
    expect(started.statusCode).toBe(200);

    // A flow cookie replayed at once: each callback would ask the provider for tokens.
    const callback = await signInAtProvider(started.json().redirectUrl, member.email);
    const flowCookie = [...starter.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const tokenRequestsBefore = idp.tokenRequests;
    const callbacks = await Promise.all(Array.from({ length: 40 }, () => t.app.inject({ method: 'GET', url: callback.pathname + callback.search, headers: { cookie: flowCookie }, remoteAddress: '198.51.100.9' })));
    const throttled = callbacks.filter((response) => response.headers.location === '/login?sso_error=rate_limited');
    expect(throttled).toHaveLength(10);
    // The provider sees its code replayed and may revoke what it issued: at most one sign-in.
    expect(callbacks.filter((response) => response.headers.location === '/login?sso=signed_in').length).toBeLessThanOrEqual(1);
    expect(idp.tokenRequests - tokenRequestsBefore).toBeLessThanOrEqual(30);
  });

  it('E2 a callback opened in another browser is refused before any token request', async () => {
    await connect(admin, idp);
    const member = await acmeMember();
    const starter = new Browser(t.app);
    const started = await starter.post('/api/v1/auth/sso', { email: member.email });
    const callback = await signInAtProvider(started.json().redirectUrl, member.email);
    const tokenRequestsBefore = idp.tokenRequests;
    const elsewhere = new Browser(t.app);
    const refused = await elsewhere.get(callback.pathname + callback.search);
    expect(refused.statusCode).toBe(303);
    expect(refused.headers.location).toBe('/login?sso_error=sso_sign_in_failed');
    expect(elsewhere.sessionToken).toBeUndefined();
    expect(idp.tokenRequests).toBe(tokenRequestsBefore);
    // The browser that started it still completes it.
    const completed = await starter.get(callback.pathname + callback.search);
    expect(completed.headers.location).toBe('/login?sso=signed_in');
    expect((await sessionOf(starter)).body?.user.id).toBe(member.userId);
    // …once: the flow cookie is gone, so a replay is refused.
    const replay = await starter.get(callback.pathname + callback.search);
    expect(replay.headers.location).toBe('/login?sso_error=sso_sign_in_failed');
  });

  it('E2 state or nonce tampering, a swapped flow cookie and an expired flow are refused', async () => {
    await connect(admin, idp);
    const member = await acmeMember();
    const refusedAt = async (browser: Browser, path: string) => {
      const response = await browser.get(path);
      expect(response.headers.location, response.body).toBe('/login?sso_error=sso_sign_in_failed');
      expect(browser.sessionToken).toBeUndefined();
    };
    // state changed in the address
    {
      const browser = new Browser(t.app);
      const started = await browser.post('/api/v1/auth/sso', { email: member.email });
      const callback = await signInAtProvider(started.json().redirectUrl, member.email);
      callback.searchParams.set('state', `${callback.searchParams.get('state')}x`);
      await refusedAt(browser, callback.pathname + callback.search);
    }
    // the flow cookie altered (authenticated encryption refuses it)
    {
      const browser = new Browser(t.app);
      const started = await browser.post('/api/v1/auth/sso', { email: member.email });
      const callback = await signInAtProvider(started.json().redirectUrl, member.email);
      const sealed = browser.cookies.get('tessera_sso_flow')!;
      browser.cookies.set('tessera_sso_flow', sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA'));
      await refusedAt(browser, callback.pathname + callback.search);
    }
    // a different nonce with the right state: the ID token's nonce does not match
    {
      const browser = new Browser(t.app);
      const started = await browser.post('/api/v1/auth/sso', { email: member.email });
      const callback = await signInAtProvider(started.json().redirectUrl, member.email);
      const flow = JSON.parse(t.context.secretBox.open(browser.cookies.get('tessera_sso_flow')!));
      browser.cookies.set('tessera_sso_flow', t.context.secretBox.seal(JSON.stringify({ ...flow, nonce: 'another-nonce' })));
      await refusedAt(browser, callback.pathname + callback.search);
      expect((await organizationEvents('sso.sign_in_failed')).at(-1)!.details.reason).toMatch(/unexpected JWT claim/);
    }
    // another browser's flow cookie with this callback (state mismatch)
    {
      const first = new Browser(t.app);
      const second = new Browser(t.app);
      const startedFirst = await first.post('/api/v1/auth/sso', { email: member.email });
      await second.post('/api/v1/auth/sso', { email: member.email });
      const callback = await signInAtProvider(startedFirst.json().redirectUrl, member.email);
      await refusedAt(second, callback.pathname + callback.search);
    }
    // expired: more than 10 minutes between the start and the callback
    {
      const browser = new Browser(t.app);
      const started = await browser.post('/api/v1/auth/sso', { email: member.email });
      const callback = await signInAtProvider(started.json().redirectUrl, member.email);
      t.clock.advance(11 * minute);
      await refusedAt(browser, callback.pathname + callback.search);
    }
    // a callback with nothing, or with the provider's error
    await refusedAt(new Browser(t.app), '/api/v1/auth/sso/callback');
    await refusedAt(new Browser(t.app), '/api/v1/auth/sso/callback?error=access_denied&state=x');
  });

  it('E2 a member of another organization is never reachable, even with member creation on', async () => {
    const globex = await signUpMember(t, { email: 'admin@globex.example', organization: 'Globex' });
    // Eve joined Globex with an acme.example address before Acme claimed the domain.
    const eve = await inviteMember(t, globex, { email: 'eve@acme.example', name: 'Eve' });
    await connect(admin, idp, { createMembers: true });
    idp.addAccount({ email: 'eve@acme.example' });
    const browser = new Browser(t.app);
    const attempt = await signInThroughProvider(browser, 'eve@acme.example');
    expect(attempt.location).toBe('/login?sso_error=sso_account_not_found');
    expect(browser.sessionToken).toBeUndefined();
    expect(await auditEventsOf(t, eve.userId, 'user.signed_in')).toHaveLength(1); // only her own sign-up session, from the invitation
    expect((await readUser(t, eve.userId)).organizationId).toBe(globex.organizationId);
    expect((await organizationEvents('sso.sign_in_failed')).at(-1)!.details.reason).toBe('account_in_another_organization');
  });

  it('E2 creates a member on first sign-in only when allowed, and only for a verified address of a claimed domain', async () => {
    await connect(admin, idp);
    idp.addAccount({ email: 'new@acme.example', name: 'New Person' });
    const refused = await signInThroughProvider(new Browser(t.app), 'new@acme.example');
    expect(refused.location).toBe('/login?sso_error=sso_account_not_found');
    await connect(admin, idp, { createMembers: true });
    const browser = new Browser(t.app);
    const created = await signInThroughProvider(browser, 'new@acme.example');
    expect(created.location).toBe('/login?sso=signed_in');
    const session = (await sessionOf(browser)).body;
    expect(session.user).toMatchObject({ email: 'new@acme.example', name: 'New Person', role: 'member' });
    expect(session.organization.id).toBe(admin.organizationId);
    expect(await organizationEvents('sso.member_created')).toHaveLength(1);
    // Unverified at the provider, or an address outside the claimed domains: refused, nobody created.
    idp.addAccount({ email: 'unverified@acme.example', emailVerified: false });
    expect((await signInThroughProvider(new Browser(t.app), 'unverified@acme.example')).location).toBe('/login?sso_error=sso_email_not_verified');
    idp.addAccount({ email: 'someone@elsewhere.example' });
    expect((await signInThroughProvider(new Browser(t.app), 'grace@acme.example', 'someone@elsewhere.example')).location).toBe('/login?sso_error=sso_email_not_verified');
    // What the provider says is not trusted as text: control characters never reach the database.
    idp.addAccount({ email: 'odd@acme.example', name: 'Odd\u0000\u001b Name' });
    const odd = new Browser(t.app);
    expect((await signInThroughProvider(odd, 'odd@acme.example')).location).toBe('/login?sso=signed_in');
    expect((await sessionOf(odd)).body.user.name).toBe('Odd Name');
    const users = await t.store.db.selectFrom('users').select('emailNormalized').where('organizationId', '=', admin.organizationId).execute();
    expect(users.map((u) => u.emailNormalized).sort()).toEqual(['admin@acme.example', 'new@acme.example', 'odd@acme.example']);
  });
});

describe('E5 passwords of routed members', () => {
  it('E5 a routed member’s right password answers sso_required; a wrong one stays invalid_credentials', async () => {
    const member = await acmeMember();
    await connect(admin, idp);
    expectProblem(await new Browser(t.app).login(member.email), 403, 'sso_required');
    expectProblem(await new Browser(t.app).login(member.email, 'wrong password here'), 401, 'invalid_credentials');
    // HTTP Basic (K2) is refused alike.
    const basic = await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { authorization: `Basic ${Buffer.from(`${member.email}:${strongPassword}`).toString('base64')}` } });
    expectProblem(basic, 403, 'sso_required');
  });

  it('E5 administrators keep their password; an allowed password and a disabled connection work', async () => {
    const member = await acmeMember();
    await connect(admin, idp);
    expect((await new Browser(t.app).login(admin.email)).json().status).toBe('signed_in');
    await connect(admin, idp, { passwordForRoutedMembers: true });
    expect((await new Browser(t.app).login(member.email)).json().status).toBe('signed_in');
    await connect(admin, idp, { enabled: false });
    expect((await new Browser(t.app).login(member.email)).json().status).toBe('signed_in');
  });
});

describe('E3/P2 the requirement and the seed’s rule', () => {
  it('E3 P2 turning the requirement on disables the connection, audits it and e-mails administrators', async () => {
    const secondAdmin = await inviteMember(t, admin, { email: 'ops@acme.example', name: 'Ops', role: 'admin' });
    const member = await acmeMember();
    await connect(admin, idp);
    await requireTwoFactor();
    const read = (await admin.browser.get('/api/v1/organization/sso')).json();
    expect(read).toMatchObject({ enabled: false, disabledReason: 'two_factor_required' });
    expect(await organizationEvents('sso.connection_disabled')).toHaveLength(1);
    expect(await mailTo(t, admin.email, 'Single sign-on was turned off')).toHaveLength(1);
    expect(await mailTo(t, secondAdmin.email, 'Single sign-on was turned off')).toHaveLength(1);
    expect(await mailTo(t, member.email, 'Single sign-on was turned off')).toHaveLength(0);
    expectProblem(await new Browser(t.app).post('/api/v1/auth/sso', { email: member.email }), 404, 'sso_not_configured');
    // Routed members may use their password again (E5 applies only while it is on).
    expect((await new Browser(t.app).login(member.email)).json().status).toBe('two_factor_setup_required');
  });

  it('E3 while the requirement is on, enabling the seed’s rule is refused; the E4 rules may be enabled', async () => {
    await connect(admin, idp, { enabled: false });
    await requireTwoFactor();
    expectProblem(await admin.browser.put('/api/v1/organization/sso', connectionFor(idp)), 409, 'sso_conflicts_with_requirement');
    expect((await admin.browser.get('/api/v1/organization/sso')).json().enabled).toBe(false);
    expect((await connect(admin, idp, { mfa: 'tessera_second_factor' })).enabled).toBe(true);
    expect((await connect(admin, idp, { mfa: 'trust_provider_amr' })).enabled).toBe(true);
  });

  it('E3 a connection enabled and the requirement turned on at the same moment never end both on', async () => {
    await connect(admin, idp, { enabled: false });
    const [saved, required] = await Promise.all([admin.browser.put('/api/v1/organization/sso', connectionFor(idp)), admin.browser.patch('/api/v1/organization', { twoFactor: { requirement: 'required' } })]);
    expect(required.statusCode, required.body).toBe(200);
    expect([200, 409]).toContain(saved.statusCode);
    expect((await admin.browser.get('/api/v1/organization/sso')).json().enabled).toBe(false);
  });

  it('E4 rules keep the connection on when the requirement is turned on', async () => {
    await connect(admin, idp, { mfa: 'tessera_second_factor' });
    await requireTwoFactor();
    expect((await admin.browser.get('/api/v1/organization/sso')).json()).toMatchObject({ enabled: true, disabledReason: null });
    expect(await organizationEvents('sso.connection_disabled')).toHaveLength(0);
  });
});

describe('E4 the second factor after single sign-on', () => {
  it('E4 tessera_second_factor: a member with an authenticator passes Tessera’s second step before the session is complete', async () => {
    const member = await acmeMember();
    const { secret } = await enrolTotp(t, member.browser);
    nextStep(t);
    await connect(admin, idp, { mfa: 'tessera_second_factor' });
    await requireTwoFactor();
    idp.amr = ['pwd', 'mfa'];
    const browser = new Browser(t.app);
    const attempt = await signInThroughProvider(browser, member.email);
    expect(attempt.location).toBe('/login/two-factor?methods=totp%2Crecovery_code');
    expect(browser.sessionToken).toBeUndefined();
    expect(browser.challengeToken).toBeDefined();
    expect((await sessionOf(browser)).status).toBe(401);
    const second = await browser.submitCode(totpCode(t, secret));
    expect(second.statusCode, second.body).toBe(200);
    expect((await sessionOf(browser)).body?.requiredActions).toEqual([]);
    expect((await auditEventsOf(t, member.userId, 'user.signed_in')).at(-1)!.details).toMatchObject({ method: 'sso', secondFactor: 'totp' });
  });

  it('E4 tessera_second_factor: a member without a factor goes into the forced setup', async () => {
    const member = await acmeMember();
    await connect(admin, idp, { mfa: 'tessera_second_factor' });
    await requireTwoFactor();
    const browser = new Browser(t.app);
    await signInThroughProvider(browser, member.email);
    const session = (await sessionOf(browser)).body;
    expect(session.requiredActions).toEqual([{ action: 'two_factor_setup_required', blocking: true }]);
    expectProblem(await browser.get('/api/v1/me/sessions'), 403, 'two_factor_setup_required');
  });

  it('E4 trust_provider_amr: the provider’s multi-factor sign-in completes it; without it, Tessera’s second step or setup', async () => {
    const member = await acmeMember();
    const withAuthenticator = await acmeMember('kim@acme.example');
    await enrolTotp(t, withAuthenticator.browser);
    nextStep(t);
    await connect(admin, idp, { mfa: 'trust_provider_amr' });
    await requireTwoFactor();

    idp.amr = ['pwd', 'hwk'];
    const trusted = new Browser(t.app);
    expect((await signInThroughProvider(trusted, member.email)).location).toBe('/login?sso=signed_in');
    expect((await sessionOf(trusted)).body?.requiredActions).toEqual([]);
    expect((await readUser(t, member.userId)).lastLoginMethod).toBe('sso_mfa');
    expect((await auditEventsOf(t, member.userId, 'user.signed_in')).at(-1)!.details).toMatchObject({ method: 'sso', secondFactor: 'provider', amr: ['pwd', 'hwk'] });
    const users = (await admin.browser.get('/api/v1/organization/users')).json().users as Array<{ id: string; lastLogin: { withTwoFactor: boolean } | null }>;
    expect(users.find((u) => u.id === member.userId)?.lastLogin?.withTwoFactor).toBe(true);

    idp.amr = ['pwd'];
    const passwordOnly = new Browser(t.app);
    await signInThroughProvider(passwordOnly, member.email);
    expect((await sessionOf(passwordOnly)).body?.requiredActions).toEqual([{ action: 'two_factor_setup_required', blocking: true }]);
    const challenged = new Browser(t.app);
    expect((await signInThroughProvider(challenged, withAuthenticator.email)).location).toMatch(/^\/login\/two-factor\?methods=totp/);
    expect(challenged.sessionToken).toBeUndefined();
  });
});
