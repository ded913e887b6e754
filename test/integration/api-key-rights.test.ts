// Issue 10 items 2, 3 and 5 (part), over HTTP on both databases:
// - K1 "an API key acts with its creator's current rights, never more" (Security floor): a demoted
//   administrator's key neither promotes its creator back nor demotes the others; demotion and a
//   password reset revoke the creator's keys, audited in the same transaction; actions made with
//   a key are audited with an `api_key` actor.
// - Admin-equivalent grants: role changes and administrator invitations need `users:roles`; a
//   key may not reset its creator's own two-factor authentication (M3).
// - Pre-account hijacking (A1, A4): no keys or invitations before the address is verified; the
//   owner's password reset revokes keys and withdraws invitations; sign-up is throttled per address.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGrants } from '../../src/core/api-grants.js';
import { strongPassword, tokenFromLink } from '../support/agent.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';
import { Browser, createSecondInstance, enrolTotp, expectProblem, inviteMember, nextStep, readUser, refuseAuditEvents, signUpMember, verifyAddress, type Member } from '../support/two-factor.js';

const keysUrl = '/api/v1/api-keys';
const usersUrl = '/api/v1/organization/users';
const minute = 60 * 1000;
/** Every users grant the catalogue has: before issue 10 `users:read` and `users:write`, since also `users:roles`. */
const allUserGrants = apiGrants.filter((grant) => grant.startsWith('users:'));

describe(`API keys act with their creator's current rights; admin-equivalent grants; unverified sign-ups (issue 10) on ${testDatabaseKind}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  function withKey(key: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, app: FastifyInstance = t.app): Promise<LightMyRequestResponse> {
    return app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
  }

  async function createKey(admin: Member, name: string, grants: readonly string[]): Promise<{ id: string; key: string }> {
    const response = await admin.browser.post(keysUrl, { name, grants });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  }

  async function roleOf(userId: string): Promise<string> {
    return (await readUser(t, userId)).role;
  }

  async function keyRow(id: string) {
    return t.store.db.selectFrom('apiKeys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  async function eventsOf(organizationId: string, type: string) {
    const rows = await t.store.db.selectFrom('auditEvents').selectAll().where('organizationId', '=', organizationId).where('type', '=', type).orderBy('id').execute();
    return rows.map((row) => ({ ...row, details: JSON.parse(row.details) as Record<string, unknown> }));
  }

  /** An organization with two administrators, the first with a key holding every users grant. */
  async function twoAdministrators(slug: string) {
    const ada = await signUpMember(t, { email: `ada@${slug}.example`, name: 'Ada Admin', organization: slug });
    const bob = await inviteMember(t, ada, { email: `bob@${slug}.example`, name: 'Bob Admin', role: 'admin' });
    const key = await createKey(ada, 'Automation', allUserGrants);
    return { ada, bob, key };
  }

  it('K1 issue 10 item 2: a demoted administrator’s old key can neither promote its creator back nor demote the other administrator', async () => {
    const { ada, bob, key } = await twoAdministrators('takeover');
    expect((await withKey(key.key, 'GET', usersUrl)).statusCode).toBe(200);

    const demoted = await bob.browser.patch(`${usersUrl}/${ada.userId}`, { role: 'member' });
    expect(demoted.statusCode, demoted.body).toBe(200);

    // The takeover reported in the issue: promote oneself back, then demote the other administrator.
    const promoted = await withKey(key.key, 'PATCH', `${usersUrl}/${ada.userId}`, { role: 'admin' });
    expect([401, 403], promoted.body).toContain(promoted.statusCode);
    const takeover = await withKey(key.key, 'PATCH', `${usersUrl}/${bob.userId}`, { role: 'member' });
    expect([401, 403], takeover.body).toContain(takeover.statusCode);
    expect(await roleOf(ada.userId)).toBe('member');
    expect(await roleOf(bob.userId)).toBe('admin');

    // The demotion revoked the key, in the same transaction, audited with the reason.
    expectProblem(await withKey(key.key, 'GET', usersUrl), 401, 'unauthenticated', 'revoked key');
    expect((await keyRow(key.id)).revokedAt).not.toBeNull();
    const revoked = await eventsOf(ada.organizationId, 'api_key.revoked');
    expect(revoked).toHaveLength(1);
    expect(revoked[0]).toMatchObject({ actorType: 'member', actorUserId: bob.userId, targetUserId: ada.userId });
    expect(revoked[0]!.details).toEqual({ apiKeyId: key.id, name: 'Automation', keyPrefix: key.key.slice(0, 8), reason: 'creator_demoted' });
    expect((await bob.browser.get(keysUrl)).json().apiKeys).toEqual([]);
  });

  it('K1 issue 10 item 2: the demotion and the revocation of the keys commit together (an audit failure undoes both)', async () => {
    const { ada, bob, key } = await twoAdministrators('atomic-demotion');
    const allow = await refuseAuditEvents(t.store, 'api_key.revoked');
    try {
      expect((await bob.browser.patch(`${usersUrl}/${ada.userId}`, { role: 'member' })).statusCode).toBe(500);
    } finally {
      await allow();
    }
    expect(await roleOf(ada.userId)).toBe('admin');
    expect((await keyRow(key.id)).revokedAt).toBeNull();
    expect((await withKey(key.key, 'GET', usersUrl)).statusCode).toBe(200);
  });

  it('K1 issue 10 item 2: on every use the key’s creator must hold the route’s role and belong to the key’s organization', async () => {
    const cleo = await signUpMember(t, { email: 'cleo@rights.example', name: 'Cleo', organization: 'Rights' });
    const other = await signUpMember(t, { email: 'otto@elsewhere.example', name: 'Otto', organization: 'Elsewhere' });
    const { key } = await createKey(cleo, 'Reader', ['users:read', 'audit:read']);
    expect((await withKey(key, 'GET', usersUrl)).statusCode).toBe(200);

    // A role changed without going through the demotion (another path, a restore): still refused.
    await t.store.db.updateTable('users').set({ role: 'member' }).where('id', '=', cleo.userId).execute();
    expectProblem(await withKey(key, 'GET', usersUrl), 403, 'forbidden', 'creator is a member');
    expectProblem(await withKey(key, 'GET', '/api/v1/organization/audit-events'), 403, 'forbidden', 'creator is a member (audit)');
    await t.store.db.updateTable('users').set({ role: 'admin' }).where('id', '=', cleo.userId).execute();
    expect((await withKey(key, 'GET', usersUrl)).statusCode).toBe(200);

    // A creator who no longer belongs to the key's organization: the key is not valid.
    await t.store.db.updateTable('users').set({ organizationId: other.organizationId }).where('id', '=', cleo.userId).execute();
    expectProblem(await withKey(key, 'GET', usersUrl), 401, 'unauthenticated', 'creator elsewhere');
    await t.store.db.updateTable('users').set({ organizationId: cleo.organizationId }).where('id', '=', cleo.userId).execute();
  });

  it('K1 issue 10 item 2: a demotion racing the demoted administrator’s key on two instances ends as some serial order would', async () => {
    const second = await createSecondInstance(t);
    try {
      const ada = await signUpMember(t, { email: 'ada@race.example', name: 'Ada', organization: 'Race' });
      const bob = await inviteMember(t, ada, { email: 'bob@race.example', name: 'Bob', role: 'admin' });
      const cat = await inviteMember(t, ada, { email: 'cat@race.example', name: 'Cat', role: 'admin' });
      const people = { ada: ada.userId, bob: bob.userId, cat: cat.userId };
      for (let round = 0; round < 4; round++) {
        await t.store.db.updateTable('users').set({ role: 'admin' }).where('organizationId', '=', ada.organizationId).execute();
        const { key } = await createKey(ada, `Round ${round}`, allUserGrants);
        // Bob demotes Ada on one instance while Ada's key demotes Bob and Cat on the other.
        const [byBob, keyOnBob, keyOnCat] = await Promise.all([
          bob.browser.patch(`${usersUrl}/${ada.userId}`, { role: 'member' }),
          withKey(key, 'PATCH', `${usersUrl}/${bob.userId}`, { role: 'member' }, second.app),
          withKey(key, 'PATCH', `${usersUrl}/${cat.userId}`, { role: 'member' }, second.app),
        ]);
        const observed = {
          statuses: [byBob, keyOnBob, keyOnCat].map((r) => (r.statusCode === 200 ? 'ok' : 'refused')),
          roles: { ada: await roleOf(people.ada), bob: await roleOf(people.bob), cat: await roleOf(people.cat) },
        };
        expect(serialOutcomes(), JSON.stringify([byBob.body, keyOnBob.body, keyOnCat.body])).toContainEqual(observed);
        if (observed.roles.ada === 'member') expectProblem(await withKey(key, 'GET', usersUrl), 401, 'unauthenticated', 'key after the demotion');
      }
    } finally {
      await second.close();
    }
  });

  /**
   * Every outcome of the three changes run one after another in some order, under the rules: an
   * actor must be an administrator at that moment (the key: its creator, Ada), changing a role to
   * the one a member has changes nothing, and the last administrator stays.
   */
  function serialOutcomes() {
    type Name = 'ada' | 'bob' | 'cat';
    const operations: Array<{ actor: Name; target: Name }> = [
      { actor: 'bob', target: 'ada' },
      { actor: 'ada', target: 'bob' },
      { actor: 'ada', target: 'cat' },
    ];
    const orders = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    return orders.map((order) => {
      const roles: Record<Name, string> = { ada: 'admin', bob: 'admin', cat: 'admin' };
      const statuses = ['', '', ''];
      for (const index of order) {
        const { actor, target } = operations[index]!;
        const admins = Object.values(roles).filter((role) => role === 'admin').length;
        const allowed = roles[actor] === 'admin' && (roles[target] === 'member' || admins > 1);
        statuses[index] = allowed ? 'ok' : 'refused';
        if (allowed) roles[target] = 'member';
      }
      return { statuses, roles };
    });
  }

  it('K1 issue 10 item 2: actions made with a key are audited with an api_key actor (the key and its creator), in the list and the export', async () => {
    const dee = await signUpMember(t, { email: 'dee@actor.example', name: 'Dee Admin', organization: 'Actor' });
    const { id, key } = await createKey(dee, 'HR sync', ['users:write', 'audit:read']);
    expect((await withKey(key, 'POST', usersUrl, { email: 'new@actor.example', name: 'New Hire', role: 'member' })).statusCode).toBe(201);

    const row = (await eventsOf(dee.organizationId, 'invitation.created'))[0]!;
    expect(row).toMatchObject({ actorType: 'api_key', actorUserId: dee.userId });
    expect(row.details).toMatchObject({ apiKeyId: id, apiKeyName: 'HR sync', email: 'new@actor.example' });

    const listed = (await withKey(key, 'GET', '/api/v1/organization/audit-events?type=invitation.created')).json().events;
    expect(listed[0].actor).toEqual({ type: 'api_key', userId: dee.userId, apiKey: { id, name: 'HR sync' } });
    const exported = await dee.browser.get('/api/v1/organization/audit-events/export?type=invitation.created');
    expect(exported.statusCode).toBe(200);
    const line = JSON.parse(exported.body.trim().split('\n')[0]!);
    expect(line.actor).toEqual({ type: 'api_key', userId: dee.userId, apiKey: { id, name: 'HR sync' } });
    expect(line.details).toMatchObject({ apiKeyId: id, apiKeyName: 'HR sync' });
  });

  it('issue 10 item 3: users:write invites members, changes requirements and resets others, but changes no role and invites no administrator; users:roles does', async () => {
    const eve = await signUpMember(t, { email: 'eve@grants.example', name: 'Eve Admin', organization: 'Grants' });
    const max = await inviteMember(t, eve, { email: 'max@grants.example', name: 'Max Member' });
    const writer = await createKey(eve, 'Writer', ['users:read', 'users:write']);

    expectProblem(await withKey(writer.key, 'PATCH', `${usersUrl}/${max.userId}`, { role: 'admin' }), 403, 'forbidden', 'role change');
    expectProblem(await withKey(writer.key, 'PATCH', `${usersUrl}/${max.userId}`, { role: 'admin', twoFactorRequired: true }), 403, 'forbidden', 'role change with requirement');
    expectProblem(await withKey(writer.key, 'POST', usersUrl, { email: 'boss@grants.example', name: 'Boss', role: 'admin' }), 403, 'forbidden', 'admin invitation');
    expect(await roleOf(max.userId)).toBe('member');
    expect((await readUser(t, max.userId)).twoFactorRequired).toBe(0);
    expect(await t.store.db.selectFrom('invitations').select('id').where('emailNormalized', '=', 'boss@grants.example').execute()).toEqual([]);

    expect((await withKey(writer.key, 'POST', usersUrl, { email: 'hire@grants.example', name: 'Hire', role: 'member' })).statusCode).toBe(201);
    expect((await withKey(writer.key, 'PATCH', `${usersUrl}/${max.userId}`, { twoFactorRequired: true })).statusCode).toBe(200);
    expect((await withKey(writer.key, 'POST', `${usersUrl}/${max.userId}/two-factor/reset`)).statusCode).toBe(204);

    const roles = await createKey(eve, 'Roles', ['users:write', 'users:roles']);
    const promoted = await withKey(roles.key, 'PATCH', `${usersUrl}/${max.userId}`, { role: 'admin' });
    expect(promoted.statusCode, promoted.body).toBe(200);
    expect(promoted.json().role).toBe('admin');
    expect((await withKey(roles.key, 'POST', usersUrl, { email: 'boss@grants.example', name: 'Boss', role: 'admin' })).statusCode).toBe(201);

    // users:roles widens users:write; alone it would open nothing, so it is refused.
    const alone = await eve.browser.post(keysUrl, { name: 'Roles alone', grants: ['users:roles'] });
    expectProblem(alone, 400, 'validation_failed', 'users:roles alone');
    expect(alone.json().errors).toEqual([{ field: 'grants', message: expect.stringContaining('users:write') }]);
    // The catalogue names it, with its description, in the OpenAPI document.
    const document = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(JSON.stringify(document.paths[keysUrl].post)).toContain('users:roles');
  });

  it('M3 issue 10 item 3: a key cannot reset its own creator’s two-factor authentication; another administrator’s reset still works', async () => {
    const fay = await signUpMember(t, { email: 'fay@reset.example', name: 'Fay Admin', organization: 'Reset' });
    await enrolTotp(t, fay.browser);
    nextStep(t);
    const gil = await inviteMember(t, fay, { email: 'gil@reset.example', name: 'Gil Admin', role: 'admin' });
    const { key } = await createKey(fay, 'Everything', allUserGrants);
    const own = await withKey(key, 'POST', `${usersUrl}/${fay.userId}/two-factor/reset`);
    expectProblem(own, 403, 'forbidden', 'own reset through a key');
    expect((await readUser(t, fay.userId)).twoFactorEnabled).toBe(1);
    expect(await eventsOf(fay.organizationId, 'two_factor.reset')).toEqual([]);
    // Gil's key (another administrator) may.
    const gilsKey = await createKey(gil, 'Gil', ['users:write']);
    expect((await withKey(gilsKey.key, 'POST', `${usersUrl}/${fay.userId}/two-factor/reset`)).statusCode).toBe(204);
    expect((await readUser(t, fay.userId)).twoFactorEnabled).toBe(0);
  });

  it('A1 issue 10 item 5: an unverified sign-up may create neither API keys nor invitations (403 email_not_verified)', async () => {
    const hal = await signUpMember(t, { email: 'hal@unverified.example', name: 'Hal', organization: 'Unverified', verify: false });
    const before = { keys: await t.store.db.selectFrom('apiKeys').select('id').execute(), invitations: await t.store.db.selectFrom('invitations').select('id').execute() };
    expectProblem(await hal.browser.post(keysUrl, { name: 'Early', grants: ['users:read'] }), 403, 'email_not_verified', 'key');
    expectProblem(await hal.browser.post(usersUrl, { email: 'mate@unverified.example', name: 'Mate', role: 'member' }), 403, 'email_not_verified', 'member invitation');
    expectProblem(await hal.browser.post(usersUrl, { email: 'boss@unverified.example', name: 'Boss', role: 'admin' }), 403, 'email_not_verified', 'admin invitation');
    expect({ keys: await t.store.db.selectFrom('apiKeys').select('id').execute(), invitations: await t.store.db.selectFrom('invitations').select('id').execute() }).toEqual(before);
    expect((await t.mail()).some((m) => m.to === 'mate@unverified.example' || m.to === 'boss@unverified.example')).toBe(false);

    await verifyAddress(t, hal.email);
    await createKey(hal, 'After verification', ['users:read']);
    expect((await hal.browser.post(usersUrl, { email: 'mate@unverified.example', name: 'Mate', role: 'member' })).statusCode).toBe(201);
  });

  it('A4 issue 10 item 5: the owner’s password reset revokes the account’s API keys and withdraws its pending invitations, audited', async () => {
    const ivy = await signUpMember(t, { email: 'ivy@hijack.example', name: 'Not Ivy', organization: 'Hijack' });
    const { id, key } = await createKey(ivy, 'Backdoor', ['users:read']);
    const invited = await ivy.browser.post(usersUrl, { email: 'accomplice@hijack.example', name: 'Accomplice', role: 'admin' });
    expect(invited.statusCode, invited.body).toBe(201);
    const invitationId = invited.json().invitation.id as string;
    const invitationToken = tokenFromLink((await t.mail()).find((m) => m.to === 'accomplice@hijack.example')!.text, 'http://tessera.test/accept-invitation');

    // The real owner of the address resets the password.
    expect((await new Browser(t.app).post('/api/v1/auth/password-reset', { email: ivy.email })).statusCode).toBe(202);
    const resetToken = tokenFromLink((await t.mail()).find((m) => m.to === ivy.email && m.text.includes('/reset-password'))!.text, 'http://tessera.test/reset-password');
    expect((await new Browser(t.app).post('/api/v1/auth/password-reset/confirm', { token: resetToken, password: 'the real owner’s passphrase' })).statusCode).toBe(204);

    expectProblem(await withKey(key, 'GET', usersUrl), 401, 'unauthenticated', 'key after the reset');
    expectProblem(await new Browser(t.app).post('/api/v1/invitations/accept', { token: invitationToken, name: 'Accomplice', password: strongPassword }), 400, 'invalid_token', 'invitation after the reset');
    const revoked = await eventsOf(ivy.organizationId, 'api_key.revoked');
    expect(revoked.map((e) => ({ actorType: e.actorType, actorUserId: e.actorUserId, targetUserId: e.targetUserId, details: e.details }))).toEqual([
      { actorType: 'member', actorUserId: ivy.userId, targetUserId: ivy.userId, details: { apiKeyId: id, name: 'Backdoor', keyPrefix: key.slice(0, 8), reason: 'creator_password_reset' } },
    ]);
    const withdrawn = await eventsOf(ivy.organizationId, 'invitation.revoked');
    expect(withdrawn.map((e) => e.details)).toEqual([{ invitationId, email: 'accomplice@hijack.example', reason: 'inviter_password_reset' }]);
  });

  it('A4 issue 10 item 5: the reset and the revocations commit together (an audit failure undoes the reset)', async () => {
    const jo = await signUpMember(t, { email: 'jo@atomic-reset.example', name: 'Jo', organization: 'Atomic reset' });
    const { key } = await createKey(jo, 'Kept', ['users:read']);
    expect((await new Browser(t.app).post('/api/v1/auth/password-reset', { email: jo.email })).statusCode).toBe(202);
    const resetToken = tokenFromLink((await t.mail()).find((m) => m.to === jo.email && m.text.includes('/reset-password'))!.text, 'http://tessera.test/reset-password');
    const allow = await refuseAuditEvents(t.store, 'api_key.revoked');
    try {
      expect((await new Browser(t.app).post('/api/v1/auth/password-reset/confirm', { token: resetToken, password: 'another passphrase' })).statusCode).toBe(500);
    } finally {
      await allow();
    }
    expect((await withKey(key, 'GET', usersUrl)).statusCode).toBe(200);
    expect((await new Browser(t.app).login(jo.email)).statusCode).toBe(200);
  });

  it('issue 10 item 5: sign-up attempts are throttled per client address — 40 at once on two instances, exactly 20 processed, the rest 429 with Retry-After', async () => {
    const second = await createSecondInstance(t);
    try {
      const address = '203.0.113.77';
      const taken = await signUpMember(t, { email: 'taken@throttle.example', organization: 'Taken' });
      const attempt = (app: FastifyInstance, i: number) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/signup',
          remoteAddress: address,
          headers: { 'content-type': 'application/json' },
          // Half ask about a taken address: those answers count as much as new sign-ups.
          payload: JSON.stringify({ organization: `Crowd ${i}`, name: 'Crowd', email: i % 2 === 0 ? taken.email : `crowd-${i}@throttle.example`, password: strongPassword }),
        });
      const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => attempt(i % 2 === 0 ? t.app : second.app, i)));
      const statuses = responses.map((r) => r.statusCode);
      expect(statuses.filter((s) => s === 201 || s === 409), JSON.stringify(statuses)).toHaveLength(20);
      expect(statuses.filter((s) => s === 429)).toHaveLength(20);
      for (const limited of responses.filter((r) => r.statusCode === 429)) {
        expectProblem(limited, 429, 'rate_limited', 'throttled sign-up');
        expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
        expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(600);
      }
      // Only the processed ones created anything.
      const created = statuses.filter((s) => s === 201).length;
      expect(await t.store.db.selectFrom('users').select('id').where('emailNormalized', 'like', 'crowd-%').execute()).toHaveLength(created);
      // Another address is not affected; this one waits for its window.
      const nextDoor = await t.app.inject({
        method: 'POST',
        url: '/api/v1/signup',
        remoteAddress: '203.0.113.78',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ organization: 'Next door', name: 'Nia', email: 'next@throttle.example', password: strongPassword }),
      });
      expect(nextDoor.statusCode, nextDoor.body).toBe(201);
      expectProblem(await attempt(t.app, 103), 429, 'rate_limited', 'still throttled');
      t.clock.advance(60 * minute);
      expect((await attempt(t.app, 105)).statusCode).toBe(201);
    } finally {
      await second.close();
    }
  });
});
