// K1 API keys (grants, allowed addresses, shown once and stored hashed, last use) and K2 HTTP
// Basic on the API (refused once the member has a second factor), over HTTP on both databases.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/security/tokens.js';
import { strongPassword } from '../support/agent.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';
import { Browser, dumpAllTables, enrolTotp, expectProblem, inviteMember, nextStep, signUpMember, type Member } from '../support/two-factor.js';

const keysUrl = '/api/v1/api-keys';
const keyShape = /^tsk_[A-Za-z0-9_-]{43}$/;
const isoShape = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe(`API keys and Basic authentication (K1, K2) on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let ada: Member; // administrator of Acme
  let max: Member; // Acme member without a second factor
  let mia: Member; // Acme member with an authenticator
  let bea: Member; // administrator of Beta

  beforeAll(async () => {
    t = await createTestApp();
    ada = await signUpMember(t, { email: 'ada@acme.example', name: 'Ada Admin', organization: 'Acme' });
    bea = await signUpMember(t, { email: 'bea@beta.example', name: 'Bea Admin', organization: 'Beta' });
    max = await invite(ada, 'max@acme.example', 'Max Member');
    mia = await invite(ada, 'mia@acme.example', 'Mia Member');
    await verifyEmailOf(mia);
    await enrolTotp(t, mia.browser);
    nextStep(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const invite = (admin: Member, email: string, name: string) => inviteMember(t, admin, { email, name });

  /** Invitees' addresses count as verified when they accept by the e-mailed link; nothing to do then. */
  async function verifyEmailOf(member: Member): Promise<void> {
    const state = (await member.browser.get('/api/v1/session')).json();
    expect(state.user.emailVerified).toBe(true);
  }

  async function createKey(admin: Member, body: Record<string, unknown>): Promise<{ id: string; key: string }> {
    const response = await admin.browser.post(keysUrl, body);
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  }

  function withKey(key: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, options: { body?: unknown; remoteAddress?: string } = {}): Promise<LightMyRequestResponse> {
    return t.app.inject({
      method,
      url,
      ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
      headers: { authorization: `Bearer ${key}`, ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(options.body !== undefined ? { payload: JSON.stringify(options.body) } : {}),
    });
  }

  function withPassword(email: string, password: string, method: 'GET' | 'POST', url: string, remoteAddress?: string): Promise<LightMyRequestResponse> {
    return t.app.inject({ method, url, ...(remoteAddress ? { remoteAddress } : {}), headers: { authorization: `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}` } });
  }

  async function countRows(table: 'apiKeys' | 'auditEvents' | 'sessions'): Promise<number> {
    return Number((await t.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  }

  async function listKeys(admin: Member) {
    const response = await admin.browser.get(keysUrl);
    expect(response.statusCode, response.body).toBe(200);
    return response.json().apiKeys as Array<Record<string, unknown>>;
  }

  it('K1 creating shows the key once; only its SHA-256 is stored; the list never shows it', async () => {
    const created = await ada.browser.post(keysUrl, { name: 'Directory sync', grants: ['users:read', 'audit:read'], allowedIps: ['10.0.0.0/8'] });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json();
    expect(Object.keys(body).sort()).toEqual(['id', 'key']);
    expect(body.key).toMatch(keyShape);

    const dump = await dumpAllTables(t.store);
    for (const [table, text] of Object.entries(dump)) expect(text.includes(body.key), `key in ${table}`).toBe(false);
    expect(dump['api_keys']).toContain(hashToken(body.key));
    const row = await t.store.db.selectFrom('apiKeys').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
    expect(row.keyHash).toBe(hashToken(body.key));
    expect(row.keyPrefix).toBe(body.key.slice(0, 8));

    const listed = (await listKeys(ada)).find((k) => k.id === body.id)!;
    expect(listed).toEqual({
      id: body.id,
      name: 'Directory sync',
      keyPrefix: body.key.slice(0, 8),
      grants: ['users:read', 'audit:read'],
      allowedIps: ['10.0.0.0/8'],
      createdAt: expect.stringMatching(isoShape),
      createdBy: { id: ada.userId, name: 'Ada Admin' },
      lastUsedAt: null,
      lastUsedIp: null,
    });
    expect(JSON.stringify(await listKeys(ada))).not.toContain(body.key);

    const event = await t.store.db.selectFrom('auditEvents').selectAll().where('type', '=', 'api_key.created').where('organizationId', '=', ada.organizationId).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(event).toMatchObject({ actorType: 'member', actorUserId: ada.userId });
    expect(JSON.parse(event.details)).toEqual({ apiKeyId: body.id, name: 'Directory sync', keyPrefix: body.key.slice(0, 8), grants: ['users:read', 'audit:read'], allowedIps: ['10.0.0.0/8'] });
    expect(event.details).not.toContain(body.key);
  });

  it('K1 grants are enforced per route: 200 with the grant, 403 without', async () => {
    const reader = await createKey(ada, { name: 'Reader', grants: ['users:read'] });
    expect((await withKey(reader.key, 'GET', '/api/v1/organization/users')).statusCode).toBe(200);
    const users = (await withKey(reader.key, 'GET', '/api/v1/organization/users')).json().users as Array<{ email: string }>;
    expect(users.map((u) => u.email).sort()).toEqual(['ada@acme.example', 'max@acme.example', 'mia@acme.example']);
    const detail = await withKey(reader.key, 'GET', `/api/v1/organization/users/${max.userId}`);
    expect(detail.statusCode, detail.body).toBe(200);
    expect(detail.json().user.email).toBe('max@acme.example');
    for (const [method, url, body] of [
      ['GET', '/api/v1/organization/audit-events'],
      ['GET', '/api/v1/organization/audit-events/export'],
      ['GET', '/api/v1/organization'],
      ['GET', '/api/v1/organization/two-factor/adoption'],
      ['POST', '/api/v1/organization/users', { email: 'no@acme.example', name: 'No', role: 'member' }],
      ['PATCH', `/api/v1/organization/users/${max.userId}`, { twoFactorRequired: true }],
      ['POST', `/api/v1/organization/users/${max.userId}/two-factor/reset`],
      // Routes without any grant refuse every key.
      ['GET', '/api/v1/session'],
      ['GET', '/api/v1/me/sessions'],
      ['GET', keysUrl],
      ['POST', keysUrl, { name: 'Escalate', grants: ['users:write'] }],
      ['PATCH', '/api/v1/organization', { name: 'Hacked' }],
      ['GET', '/api/v1/organization/two-factor/pending'],
    ] as const) {
      expectProblem(await withKey(reader.key, method, url, { body }), 403, 'forbidden', `${method} ${url}`);
    }

    const all = await createKey(ada, { name: 'Everything', grants: ['users:read', 'users:write', 'users:roles', 'audit:read', 'organization:read'] });
    const organization = await withKey(all.key, 'GET', '/api/v1/organization');
    expect(organization.statusCode, organization.body).toBe(200);
    expect(organization.json().name).toBe('Acme');
    expect((await withKey(all.key, 'GET', '/api/v1/organization/two-factor/adoption')).json()).toMatchObject({ members: 3, enabled: 1 });
    expect((await withKey(all.key, 'GET', '/api/v1/organization/audit-events')).statusCode).toBe(200);
    const exported = await withKey(all.key, 'GET', '/api/v1/organization/audit-events/export');
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toMatch(/application\/x-ndjson/);

    // users:write (with users:roles for the role) — invite, change a member, reset their second
    // factor; audited as the key, acting for its creator.
    const invited = await withKey(all.key, 'POST', '/api/v1/organization/users', { body: { email: 'kim@acme.example', name: 'Kim Key', role: 'member' } });
    expect(invited.statusCode, invited.body).toBe(201);
    const changed = await withKey(all.key, 'PATCH', `/api/v1/organization/users/${max.userId}`, { body: { role: 'admin' } });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().role).toBe('admin');
    expect((await withKey(all.key, 'PATCH', `/api/v1/organization/users/${max.userId}`, { body: { role: 'member' } })).statusCode).toBe(200);
    expect((await withKey(all.key, 'POST', `/api/v1/organization/users/${max.userId}/two-factor/reset`)).statusCode).toBe(204);
    const roleEvents = await t.store.db.selectFrom('auditEvents').selectAll().where('type', '=', 'user.role_changed').where('targetUserId', '=', max.userId).execute();
    expect(roleEvents.every((e) => e.actorType === 'api_key' && e.actorUserId === ada.userId)).toBe(true);
    expect(roleEvents.map((e) => JSON.parse(e.details))).toEqual(
      expect.arrayContaining([
        { from: 'member', to: 'admin', apiKeyId: all.id, apiKeyName: 'Everything' },
        { from: 'admin', to: 'member', apiKeyId: all.id, apiKeyName: 'Everything' },
      ]),
    );
    const invitationEvent = await t.store.db.selectFrom('auditEvents').selectAll().where('type', '=', 'invitation.created').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(invitationEvent).toMatchObject({ actorType: 'api_key', actorUserId: ada.userId });
    expect(JSON.parse(invitationEvent.details)).toMatchObject({ apiKeyId: all.id, apiKeyName: 'Everything' });
  });

  it('K1 unknown, malformed or revoked keys answer 401 — a revoked key at once', async () => {
    const { id, key } = await createKey(ada, { name: 'Short-lived', grants: ['users:read'] });
    expect((await withKey(key, 'GET', '/api/v1/organization/users')).statusCode).toBe(200);
    const revoked = await ada.browser.delete(`${keysUrl}/${id}`);
    expect(revoked.statusCode, revoked.body).toBe(204);
    expectProblem(await withKey(key, 'GET', '/api/v1/organization/users'), 401, 'unauthenticated', 'revoked');
    expect((await listKeys(ada)).some((k) => k.id === id)).toBe(false);
    expectProblem(await ada.browser.delete(`${keysUrl}/${id}`), 404, 'not_found', 'revoked twice');
    const event = await t.store.db.selectFrom('auditEvents').selectAll().where('type', '=', 'api_key.revoked').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(event).toMatchObject({ actorType: 'member', actorUserId: ada.userId });
    expect(JSON.parse(event.details)).toEqual({ apiKeyId: id, name: 'Short-lived', keyPrefix: key.slice(0, 8) });

    for (const bad of [`tsk_${'A'.repeat(43)}`, 'tsk_short', key.slice(0, -1), `${key}x`, 'not-a-key']) {
      expectProblem(await withKey(bad, 'GET', '/api/v1/organization/users'), 401, 'unauthenticated', bad);
    }
    const malformed = await t.app.inject({ method: 'GET', url: '/api/v1/organization/users', headers: { authorization: 'Token abc' } });
    expectProblem(malformed, 401, 'unauthenticated', 'unknown scheme');
    // Public routes ignore the header.
    expect((await withKey('nonsense', 'GET', '/api/openapi.json')).statusCode).toBe(200);
  });

  it('K1 allowed addresses (IPv4 and IPv6 CIDR) are enforced: 403 from elsewhere', async () => {
    const { key, id } = await createKey(ada, { name: 'Office only', grants: ['users:read'], allowedIps: ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7'] });
    for (const address of ['203.0.113.9', '203.0.113.254', '::ffff:203.0.113.10', '2001:db8::5', '2001:db8:ffff::1', '198.51.100.7']) {
      const response = await withKey(key, 'GET', '/api/v1/organization/users', { remoteAddress: address });
      expect(response.statusCode, `${address} → ${response.body}`).toBe(200);
    }
    for (const address of ['203.0.114.1', '198.51.100.8', '10.0.0.1', '2001:db9::1', '::1', '127.0.0.1']) {
      expectProblem(await withKey(key, 'GET', '/api/v1/organization/users', { remoteAddress: address }), 403, 'forbidden', address);
    }
    // A refused address is not recorded as a use.
    expect((await listKeys(ada)).find((k) => k.id === id)!.lastUsedIp).toBe('203.0.113.9');
  });

  it('K1 last use (time and address) is recorded, at most once a minute', async () => {
    const { key, id } = await createKey(ada, { name: 'Tracked', grants: ['organization:read'] });
    const usedAt = t.clock.now().toISOString();
    expect((await withKey(key, 'GET', '/api/v1/organization', { remoteAddress: '192.0.2.10' })).statusCode).toBe(200);
    expect((await listKeys(ada)).find((k) => k.id === id)).toMatchObject({ lastUsedAt: usedAt, lastUsedIp: '192.0.2.10' });
    t.clock.advance(30_000);
    expect((await withKey(key, 'GET', '/api/v1/organization', { remoteAddress: '192.0.2.11' })).statusCode).toBe(200);
    expect((await listKeys(ada)).find((k) => k.id === id)).toMatchObject({ lastUsedAt: usedAt, lastUsedIp: '192.0.2.10' });
    t.clock.advance(31_000);
    const laterAt = t.clock.now().toISOString();
    expect((await withKey(key, 'GET', '/api/v1/organization', { remoteAddress: '2001:db8::42' })).statusCode).toBe(200);
    expect((await listKeys(ada)).find((k) => k.id === id)).toMatchObject({ lastUsedAt: laterAt, lastUsedIp: '2001:db8::42' });
  });

  it('K1 P5 creating and revoking are sensitive: 403 two_factor_setup_required for an administrator required but not set up', async () => {
    const gus = await signUpMember(t, { email: 'gus@gamma.example', name: 'Gus Admin', organization: 'Gamma' });
    const { id } = await createKey(gus, { name: 'Before the requirement', grants: ['users:read'] });
    const required = await gus.browser.patch('/api/v1/organization', { twoFactor: { requirement: 'required' } });
    expect(required.statusCode, required.body).toBe(200);
    const before = await countRows('apiKeys');
    expectProblem(await gus.browser.post(keysUrl, { name: 'After', grants: ['users:read'] }), 403, 'two_factor_setup_required', 'create');
    expectProblem(await gus.browser.delete(`${keysUrl}/${id}`), 403, 'two_factor_setup_required', 'revoke');
    expect(await countRows('apiKeys')).toBe(before);
    // Listing is not sensitive.
    expect((await listKeys(gus)).map((k) => k.id)).toEqual([id]);
  });

  it('K1 only administrators manage keys; another organization’s keys are not found', async () => {
    const { id } = await createKey(ada, { name: 'Acme only', grants: ['users:read'] });
    expectProblem(await max.browser.get(keysUrl), 403, 'forbidden', 'member list');
    expectProblem(await max.browser.post(keysUrl, { name: 'Mine', grants: ['users:read'] }), 403, 'forbidden', 'member create');
    expectProblem(await max.browser.delete(`${keysUrl}/${id}`), 403, 'forbidden', 'member revoke');
    expectProblem(await new Browser(t.app).get(keysUrl), 401, 'unauthenticated', 'signed out');

    expect((await listKeys(bea)).some((k) => k.id === id)).toBe(false);
    expectProblem(await bea.browser.delete(`${keysUrl}/${id}`), 404, 'not_found', 'other organization');
    expectProblem(await bea.browser.delete(`${keysUrl}/00000000-0000-7000-8000-000000000000`), 404, 'not_found', 'unknown id');
    expectProblem(await bea.browser.delete(`${keysUrl}/not-an-id`), 400, 'validation_failed', 'bad id');
    const row = await t.store.db.selectFrom('apiKeys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.revokedAt).toBeNull();

    // A Beta key sees Beta only, and Acme's members are not found through it.
    const beta = await createKey(bea, { name: 'Beta reader', grants: ['users:read'] });
    const users = (await withKey(beta.key, 'GET', '/api/v1/organization/users')).json().users as Array<{ email: string }>;
    expect(users.map((u) => u.email)).toEqual(['bea@beta.example']);
    expectProblem(await withKey(beta.key, 'GET', `/api/v1/organization/users/${max.userId}`), 404, 'not_found', 'cross-organization member');
  });

  it('K1 bad input of any shape answers 400 validation_failed and changes nothing', async () => {
    const cases: Array<[string, unknown]> = [
      ['unknown grant', { name: 'x', grants: ['users:delete'] }],
      ['no grants', { name: 'x', grants: [] }],
      ['missing grants', { name: 'x' }],
      ['duplicate grants', { name: 'x', grants: ['users:read', 'users:read'] }],
      ['grants not an array', { name: 'x', grants: 'users:read' }],
      ['grant not a string', { name: 'x', grants: [1] }],
      ['missing name', { grants: ['users:read'] }],
      ['empty name', { name: '', grants: ['users:read'] }],
      ['blank name', { name: '   ', grants: ['users:read'] }],
      ['long name', { name: 'n'.repeat(101), grants: ['users:read'] }],
      ['name not a string', { name: 5, grants: ['users:read'] }],
      ['control character', { name: 'a\u0000b', grants: ['users:read'] }],
      ['bad CIDR', { name: 'x', grants: ['users:read'], allowedIps: ['10.0.0.0/33'] }],
      ['not an address', { name: 'x', grants: ['users:read'], allowedIps: ['example.com'] }],
      ['bad IPv6', { name: 'x', grants: ['users:read'], allowedIps: ['2001:db8::/129'] }],
      ['one bad among good', { name: 'x', grants: ['users:read'], allowedIps: ['10.0.0.0/8', '1.2.3.4/'] }],
      ['allowedIps not an array', { name: 'x', grants: ['users:read'], allowedIps: '10.0.0.0/8' }],
      ['allowedIps entry not a string', { name: 'x', grants: ['users:read'], allowedIps: [10] }],
      ['long allowedIps entry', { name: 'x', grants: ['users:read'], allowedIps: ['1'.repeat(65)] }],
      ['too many allowedIps', { name: 'x', grants: ['users:read'], allowedIps: new Array(101).fill('10.0.0.1') }],
      ['body not an object', ['users:read']],
    ];
    for (const [label, body] of cases) {
      const before = { keys: await countRows('apiKeys'), events: await countRows('auditEvents') };
      expectProblem(await ada.browser.post(keysUrl, body), 400, 'validation_failed', label);
      expect({ keys: await countRows('apiKeys'), events: await countRows('auditEvents') }, label).toEqual(before);
    }
    const badCidr = (await ada.browser.post(keysUrl, { name: 'x', grants: ['users:read'], allowedIps: ['10.0.0.0/8', 'nope'] })).json();
    expect(badCidr.errors).toEqual([{ field: 'allowedIps.1', message: expect.stringContaining('nope') }]);
  });

  it('K2 Basic authentication works for a member without two-factor authentication, without creating a session', async () => {
    const sessionsBefore = await countRows('sessions');
    const state = await withPassword(max.email, strongPassword, 'GET', '/api/v1/session');
    expect(state.statusCode, state.body).toBe(200);
    expect(state.json().user).toMatchObject({ id: max.userId, email: 'max@acme.example' });
    expect(state.headers['set-cookie']).toBeUndefined();
    const sessions = await withPassword(max.email, strongPassword, 'GET', '/api/v1/me/sessions');
    expect(sessions.statusCode, sessions.body).toBe(200);
    expect((sessions.json().sessions as Array<{ current: boolean }>).every((s) => !s.current)).toBe(true);
    expect(await countRows('sessions')).toBe(sessionsBefore);
    // The member's role still applies, and the sign-in steps are not opened by it.
    expectProblem(await withPassword(max.email, strongPassword, 'GET', keysUrl), 403, 'forbidden', 'member on admin route');
    expectProblem(await withPassword(max.email, strongPassword, 'POST', '/api/v1/auth/reauthenticate'), 401, 'unauthenticated', 'auth route');
    // An administrator without a second factor may use it on administration routes.
    expect((await withPassword(ada.email, strongPassword, 'GET', keysUrl)).statusCode).toBe(200);
  });

  it('K2 Basic authentication is refused with two_factor_enabled_use_api_key once the member has a second factor; keys keep working', async () => {
    expectProblem(await withPassword(mia.email, strongPassword, 'GET', '/api/v1/session'), 401, 'two_factor_enabled_use_api_key', 'mia');
    // A wrong password says nothing about the account.
    expectProblem(await withPassword(mia.email, 'wrong password!', 'GET', '/api/v1/session'), 401, 'invalid_credentials', 'mia wrong');

    // An administrator who turns on two-factor authentication loses Basic, but not their keys.
    const kai = await signUpMember(t, { email: 'kai@kappa.example', name: 'Kai Admin', organization: 'Kappa' });
    const { key } = await createKey(kai, { name: 'Automation', grants: ['users:read'] });
    expect((await withPassword(kai.email, strongPassword, 'GET', '/api/v1/session')).statusCode).toBe(200);
    await enrolTotp(t, kai.browser);
    nextStep(t);
    expectProblem(await withPassword(kai.email, strongPassword, 'GET', '/api/v1/session'), 401, 'two_factor_enabled_use_api_key', 'kai');
    expect((await withKey(key, 'GET', '/api/v1/organization/users')).statusCode).toBe(200);
  });

  it('K2 a wrong password answers 401 invalid_credentials and counts toward the login throttle (429)', async () => {
    const zoe = await signUpMember(t, { email: 'zoe@zeta.example', name: 'Zoe', organization: 'Zeta' });
    expectProblem(await withPassword('nobody@zeta.example', strongPassword, 'GET', '/api/v1/session'), 401, 'invalid_credentials', 'unknown e-mail');
    expectProblem(await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { authorization: 'Basic !!!' } }), 401, 'invalid_credentials', 'not base64');
    expectProblem(await t.app.inject({ method: 'GET', url: '/api/v1/session', headers: { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` } }), 401, 'invalid_credentials', 'no colon');
    expectProblem(await withPassword('zoe\u0000@zeta.example', strongPassword, 'GET', '/api/v1/session'), 401, 'invalid_credentials', 'NUL in the e-mail');
    expectProblem(await withPassword(zoe.email, '', 'GET', '/api/v1/session'), 401, 'invalid_credentials', 'empty password');
    for (let i = 0; i < 10; i++) expectProblem(await withPassword(zoe.email, `wrong password ${i}`, 'GET', '/api/v1/session'), 401, 'invalid_credentials', `wrong ${i}`);
    const limited = await withPassword(zoe.email, strongPassword, 'GET', '/api/v1/session');
    expectProblem(limited, 429, 'rate_limited', 'throttled');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // The same counter as the sign-in form.
    expectProblem(await new Browser(t.app).login(zoe.email), 429, 'rate_limited', 'login form');
    const failures = await t.store.db.selectFrom('auditEvents').selectAll().where('type', '=', 'user.sign_in_failed').where('targetUserId', '=', zoe.userId).execute();
    expect(failures).toHaveLength(10);
    expect(JSON.parse(failures[0]!.details)).toEqual({ reason: 'wrong_password', via: 'basic' });
    t.clock.advance(15 * 60 * 1000);
    expect((await withPassword(zoe.email, strongPassword, 'GET', '/api/v1/session')).statusCode).toBe(200);
  });

  it('K1 K2 the OpenAPI document names the bearerAuth and basicAuth schemes and each route’s grant', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(document.components.securitySchemes).toMatchObject({ bearerAuth: { type: 'http', scheme: 'bearer' }, basicAuth: { type: 'http', scheme: 'basic' } });
    expect(document.paths['/api/v1/organization/users'].get.security).toEqual(expect.arrayContaining([{ bearerAuth: ['users:read'] }]));
    expect(document.paths['/api/v1/api-keys'].post.security).not.toEqual(expect.arrayContaining([{ bearerAuth: expect.anything() }]));
  });
});
