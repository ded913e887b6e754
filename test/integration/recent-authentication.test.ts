// A5 (issue 10 item 4): every administrator mutation needs a password confirmed in the last 10
// minutes (API keys and HTTP Basic excepted: they carry their credential), and replacing an
// authenticator, adding a phone, showing or regenerating recovery codes also need a second factor
// proved in the last 10 minutes (the sign-in's second step, or a code given at re-authentication),
// over HTTP on the database chosen by TESSERA_TEST_DATABASE.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strongPassword } from '../support/agent.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';
import {
  auditEventsOf,
  dumpAllTables,
  enrolTotp,
  expectProblem,
  inviteMember,
  memberWithTwoFactor,
  minute,
  nextStep,
  readUser,
  signInWithCode,
  signUpMember,
  totpCode,
  type Member,
} from '../support/two-factor.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
type Call = [Method, string, unknown?];

const reauthenticationWindow = 10 * minute;

describe(`A5 recent re-authentication for administrator and second-factor actions on ${testDatabaseKind}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  /** Everything the refused requests might have changed: every table, and the mail sent. */
  async function snapshot() {
    return { tables: await dumpAllTables(t.store), mail: (await t.mail()).length };
  }

  function withKey(key: string, method: Method, url: string, body?: unknown): Promise<LightMyRequestResponse> {
    return t.app.inject({ method, url, headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
  }

  function withPassword(email: string, method: Method, url: string, body?: unknown): Promise<LightMyRequestResponse> {
    const authorization = `Basic ${Buffer.from(`${email}:${strongPassword}`).toString('base64')}`;
    return t.app.inject({ method, url, headers: { authorization, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
  }

  /** An organization with an administrator, a member with an authenticator, an API key and a pending invitation. */
  async function organizationWithEverything(slug: string) {
    const admin = await signUpMember(t, { email: `admin@${slug}.example`, name: 'Ada Admin', organization: `Org ${slug}` });
    const member = await inviteMember(t, admin, { email: `member@${slug}.example`, name: 'Max Member' });
    await enrolTotp(t, member.browser);
    nextStep(t);
    const key = await admin.browser.post('/api/v1/api-keys', { name: 'Old key', grants: ['users:read'] });
    expect(key.statusCode, key.body).toBe(201);
    const invited = await admin.browser.post('/api/v1/organization/users', { email: `pending@${slug}.example`, name: 'Pat Pending', role: 'member' });
    expect(invited.statusCode, invited.body).toBe(201);
    return { admin, member, keyId: key.json().id as string, invitationId: invited.json().invitation.id as string };
  }

  /** Every administrator mutation, with the answer it gives when allowed. */
  function administratorMutations(slug: string, fixture: { member: Member; keyId: string; invitationId: string }): Array<[...Call, number]> {
    return [
      ['POST', '/api/v1/api-keys', { name: 'New key', grants: ['users:read'] }, 201],
      ['DELETE', `/api/v1/api-keys/${fixture.keyId}`, undefined, 204],
      ['PATCH', '/api/v1/organization', { name: `Renamed ${slug}`, twoFactor: { recoveryCodePolicy: 'replace' } }, 200],
      ['POST', '/api/v1/organization/users', { email: `new@${slug}.example`, name: 'Nia New', role: 'member' }, 201],
      ['DELETE', `/api/v1/organization/invitations/${fixture.invitationId}`, undefined, 204],
      ['PATCH', `/api/v1/organization/users/${fixture.member.userId}`, { role: 'admin', twoFactorRequired: true }, 200],
      ['POST', `/api/v1/organization/users/${fixture.member.userId}/two-factor/reset`, undefined, 204],
    ];
  }

  it('A5 every administrator mutation is refused 10 minutes after the password was confirmed, changing nothing; after re-authentication each works', async () => {
    const fixture = await organizationWithEverything('stale');
    const { admin } = fixture;
    const mutations = administratorMutations('stale', fixture);

    // 10 minutes after the password was last confirmed (signing up), every mutation is refused alike.
    t.clock.advance(reauthenticationWindow);
    await admin.browser.get('/api/v1/session');
    const before = await snapshot();
    for (const [method, url, body] of mutations) {
      expectProblem(await admin.browser.request(method, url, body), 403, 'reauthentication_required', `${method} ${url}`);
    }
    expect(await snapshot()).toEqual(before);
    // Reading stays open.
    expect((await admin.browser.get('/api/v1/organization/users')).statusCode).toBe(200);

    expect((await admin.browser.reauthenticate()).statusCode).toBe(204);
    for (const [method, url, body, status] of mutations) {
      const response = await admin.browser.request(method, url, body);
      expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(status);
    }
  });

  it('A5 K1 K2 an API key with the grant and HTTP Basic act without re-authentication; the stale session beside them does not', async () => {
    const { admin, member } = await organizationWithEverything('keys');
    const created = await admin.browser.post('/api/v1/api-keys', { name: 'Provisioning', grants: ['users:read', 'users:write'] });
    expect(created.statusCode, created.body).toBe(201);
    const { key } = created.json() as { key: string };
    t.clock.advance(60 * minute);

    expectProblem(await admin.browser.patch(`/api/v1/organization/users/${member.userId}`, { twoFactorRequired: true }), 403, 'reauthentication_required');
    const patched = await withKey(key, 'PATCH', `/api/v1/organization/users/${member.userId}`, { twoFactorRequired: true });
    expect(patched.statusCode, patched.body).toBe(200);
    const invited = await withKey(key, 'POST', '/api/v1/organization/users', { email: 'by-key@keys.example', name: 'Kim Key', role: 'member' });
    expect(invited.statusCode, invited.body).toBe(201);
    const reset = await withKey(key, 'POST', `/api/v1/organization/users/${member.userId}/two-factor/reset`);
    expect(reset.statusCode, reset.body).toBe(204);
    // A grant the key lacks is still refused, re-authentication or not.
    expectProblem(await withKey(key, 'PATCH', '/api/v1/organization', { name: 'By key' }), 403, 'forbidden');

    // K2: Basic carries the password with the request, so it counts as just confirmed.
    const byPassword = await withPassword(admin.email, 'PATCH', `/api/v1/organization/users/${member.userId}`, { twoFactorRequired: false });
    expect(byPassword.statusCode, byPassword.body).toBe(200);
    expect((await readUser(t, member.userId)).twoFactorRequired).toBe(0);
  });

  const secondFactorActions: Array<[...Call, number]> = [
    ['POST', '/api/v1/me/two-factor/totp', undefined, 201],
    ['POST', '/api/v1/me/two-factor/sms', { phoneNumber: '+41 79 123 45 67' }, 201],
    ['GET', '/api/v1/me/two-factor/recovery-codes', undefined, 200],
    ['POST', '/api/v1/me/two-factor/recovery-codes', undefined, 200],
  ];

  /** A member with an authenticator, signed in afresh with a code (the second step just done). */
  async function freshlySignedIn(email: string) {
    const member = await memberWithTwoFactor(t, { email });
    const { browser, response } = await signInWithCode(t.app, email, totpCode(t, member.secret));
    expect(response.statusCode, response.body).toBe(200);
    nextStep(t);
    return { ...member, browser };
  }

  it('A5 a second step more than 10 minutes ago: the password alone replaces, adds or reveals no factor; with a current code each works', async () => {
    const member = await freshlySignedIn('stale@second-factor.example');
    const { browser } = member;
    t.clock.advance(reauthenticationWindow);
    for (const [method, url, body] of secondFactorActions) {
      expectProblem(await browser.request(method, url, body), 403, 'second_factor_reauthentication_required', `${method} ${url}`);
    }
    expect((await browser.reauthenticate()).statusCode).toBe(204);
    const before = await snapshot();
    for (const [method, url, body] of secondFactorActions) {
      expectProblem(await browser.request(method, url, body), 403, 'second_factor_reauthentication_required', `after the password alone: ${method} ${url}`);
    }
    expect(await snapshot()).toEqual(before);

    expect((await browser.reauthenticate(strongPassword, totpCode(t, member.secret))).statusCode).toBe(204);
    for (const [method, url, body, status] of secondFactorActions) {
      const response = await browser.request(method, url, body);
      expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(status);
    }
    const events = await auditEventsOf(t, member.userId, 'user.reauthenticated');
    expect(events.map((event) => event.details)).toEqual([{}, { secondFactor: 'totp' }]);
  });

  it('A5 right after a sign-in second step nothing more is asked, for 10 minutes', async () => {
    const member = await freshlySignedIn('fresh@second-factor.example');
    t.clock.advance(reauthenticationWindow - minute);
    for (const [method, url, body, status] of secondFactorActions) {
      const response = await member.browser.request(method, url, body);
      expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(status);
    }
  });

  it('A5 L3 a wrong code at re-authentication: 400 invalid_code, counted towards the lock, and the password is not confirmed either', async () => {
    const member = await freshlySignedIn('wrong@second-factor.example');
    const { browser } = member;
    t.clock.advance(reauthenticationWindow);
    const wrong = String((Number(totpCode(t, member.secret)) + 1) % 1_000_000).padStart(6, '0');
    expectProblem(await browser.reauthenticate(strongPassword, wrong), 400, 'invalid_code');
    expectProblem(await browser.reauthenticate(strongPassword, '1234-5678'), 400, 'invalid_code');
    expect((await readUser(t, member.userId)).secondFactorFailures).toBe(2);
    expect(await auditEventsOf(t, member.userId, 'two_factor.code_rejected')).toHaveLength(2);
    expect(await auditEventsOf(t, member.userId, 'user.reauthenticated')).toHaveLength(0);
    expectProblem(await browser.get('/api/v1/me/two-factor/recovery-codes'), 403, 'second_factor_reauthentication_required');
    // The member administers their own organization: the password is not confirmed for that either.
    expectProblem(await browser.patch('/api/v1/organization', { name: 'Renamed' }), 403, 'reauthentication_required');

    // A wrong password with a right code: refused for the password, and the code is not used up.
    expectProblem(await browser.reauthenticate('not the password', totpCode(t, member.secret)), 401, 'invalid_credentials');
    expect((await browser.reauthenticate(strongPassword, totpCode(t, member.secret))).statusCode).toBe(204);
    expect((await browser.get('/api/v1/me/two-factor/recovery-codes')).statusCode).toBe(200);
    expect((await browser.patch('/api/v1/organization', { name: 'Renamed' })).statusCode).toBe(200);
  });

  it('A5 L3 while the second step is locked, re-authentication with a code is refused (429) and confirms nothing', async () => {
    const member = await freshlySignedIn('locked@second-factor.example');
    t.clock.advance(reauthenticationWindow);
    await t.store.db.updateTable('users').set({ secondFactorLockedUntil: t.clock.now().getTime() + 15 * minute }).where('id', '=', member.userId).execute();
    expectProblem(await member.browser.reauthenticate(strongPassword, totpCode(t, member.secret)), 429, 'rate_limited');
    expectProblem(await member.browser.get('/api/v1/me/two-factor/recovery-codes'), 403, 'second_factor_reauthentication_required');
    expectProblem(await member.browser.patch('/api/v1/organization', { name: 'Renamed' }), 403, 'reauthentication_required');
  });

  it('A5 R2 a recovery code at re-authentication works once: of simultaneous re-authentications with it, exactly one succeeds', async () => {
    const member = await freshlySignedIn('recovery@second-factor.example');
    const sessions = [member.browser];
    for (let i = 0; i < 3; i++) {
      const { browser, response } = await signInWithCode(t.app, member.email, totpCode(t, member.secret));
      expect(response.statusCode, response.body).toBe(200);
      nextStep(t);
      sessions.push(browser);
    }
    t.clock.advance(reauthenticationWindow);
    const code = member.recoveryCodes[0]!;
    const answers = await Promise.all(sessions.map((browser) => browser.reauthenticate(strongPassword, code)));
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([204, 400, 400, 400]);
    const confirmed = sessions.filter((_, i) => answers[i]!.statusCode === 204);
    expect((await confirmed[0]!.get('/api/v1/me/two-factor/recovery-codes')).statusCode).toBe(200);
    const used = (await auditEventsOf(t, member.userId, 'user.reauthenticated')).map((event) => event.details);
    expect(used).toEqual([{ secondFactor: 'recovery_code' }]);
  });

  it('A5 a member without two-factor authentication is asked for the password only; a code sent along is ignored', async () => {
    const member = await signUpMember(t, { email: 'no-factor@second-factor.example' });
    t.clock.advance(reauthenticationWindow);
    expectProblem(await member.browser.post('/api/v1/me/two-factor/totp'), 403, 'reauthentication_required');
    expectProblem(await member.browser.post('/api/v1/me/two-factor/sms', { phoneNumber: '+41 79 123 45 67' }), 403, 'reauthentication_required');
    expect((await member.browser.reauthenticate(strongPassword, '123456')).statusCode).toBe(204);
    expect((await member.browser.post('/api/v1/me/two-factor/totp')).statusCode).toBe(201);
    expect((await member.browser.post('/api/v1/me/two-factor/sms', { phoneNumber: '+41 79 123 45 67' })).statusCode).toBe(201);
    expect((await readUser(t, member.userId)).secondFactorFailures).toBe(0);
  });

  it('A5 S2 a phone added as the second factor counts as proved; 10 minutes later a texted code re-authenticates, also while new recovery codes are required (R6)', async () => {
    const member = await signUpMember(t, { email: 'phone-only@second-factor.example' });
    expect((await member.browser.post('/api/v1/me/two-factor/sms', { phoneNumber: '+41 79 765 43 21' })).statusCode).toBe(201);
    const texted = /\b(\d{6,7})\b/.exec(t.texts()[0]!.body)![1]!;
    expect((await member.browser.post('/api/v1/me/two-factor/sms/confirm', { code: texted })).statusCode).toBe(200);
    expect((await member.browser.get('/api/v1/me/two-factor/recovery-codes')).statusCode).toBe(200);
    t.clock.advance(reauthenticationWindow);
    expectProblem(await member.browser.post('/api/v1/me/two-factor/totp'), 403, 'second_factor_reauthentication_required');
    // R6: every recovery code used under "deplete"; only a new set (and what leads to it) is open.
    await t.store.db.updateTable('users').set({ recoveryCodesRegenerationRequired: 1 }).where('id', '=', member.userId).execute();
    expectProblem(await member.browser.post('/api/v1/me/two-factor/recovery-codes'), 403, 'second_factor_reauthentication_required');
    // "Text me a code" stays open, and the texted code confirms the re-authentication.
    expect((await member.browser.post('/api/v1/me/two-factor/sms/code')).statusCode).toBe(202);
    const confirmation = /\b(\d{6,7})\b/.exec(t.texts()[0]!.body)![1]!;
    expect((await member.browser.reauthenticate(strongPassword, confirmation)).statusCode).toBe(204);
    expect((await member.browser.post('/api/v1/me/two-factor/recovery-codes')).statusCode).toBe(200);
    expect((await member.browser.post('/api/v1/me/two-factor/totp')).statusCode).toBe(201);
    expect((await auditEventsOf(t, member.userId, 'user.reauthenticated')).map((event) => event.details)).toEqual([{ secondFactor: 'sms' }]);
  });

});
