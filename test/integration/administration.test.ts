// Administration over HTTP and the operator command line: a member's page (M2), resetting their
// two-factor authentication (M3), role and per-member requirement (P4), the adoption overview
// (M4), audit filters by time and the JSON-lines export (M5), the `tessera` operator commands
// (M6), and that every one of these stays inside the administrator's organization.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../src/cli/main.js';
import { adoptionWeeks } from '../../src/core/adoption.js';
import { newId } from '../../src/core/ids.js';
import { systemRandom } from '../../src/security/system-random.js';
import { createOrganizationAsOperator, listMembersAsOperator, resetTwoFactorByEmailAsOperator } from '../../src/services/operator.js';
import { refreshTwoFactorEnabled } from '../../src/store/totp.js';
import { insertUser } from '../../src/store/users.js';
import { strongPassword, tokenFromLink } from '../support/agent.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';
import { auditEventsOf, Browser, enrolTotp, expectProblem, inviteMember, mailTo, nextStep, readUser, second, signUpMember, totpCode, type Member } from '../support/two-factor.js';

const day = 24 * 60 * 60 * 1000;
const isoShape = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

interface EventRow {
  id: string;
  type: string;
  actor: { type: string; userId: string | null };
  userId: string | null;
  ip: string | null;
  createdAt: string;
  details: Record<string, unknown>;
}

describe(`administration (M2–M6, P4) on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let ada: Member; // administrator of Acme
  let mia: Member & { secret: string; recoveryCodes: string[] }; // Acme member with an authenticator
  let max: Member; // Acme member without
  let bea: Member; // administrator of Beta, another organization
  let bob: Member; // Beta member
  let passwordHash: string;

  beforeAll(async () => {
    t = await createTestApp();
    passwordHash = await t.context.passwords.hash(strongPassword);
    ada = await signUpMember(t, { email: 'ada@acme.example', name: 'Ada Admin', organization: 'Acme' });
    bea = await signUpMember(t, { email: 'bea@beta.example', name: 'Bea Admin', organization: 'Beta' });
    const miaMember = await invite(ada, 'mia@acme.example', 'Mia Member');
    const enrolment = await enrolTotp(t, miaMember.browser);
    nextStep(t);
    mia = { ...miaMember, secret: enrolment.secret, recoveryCodes: enrolment.recoveryCodes };
    max = await invite(ada, 'max@acme.example', 'Max Member');
    bob = await invite(bea, 'bob@beta.example', 'Bob Member');
  });
  afterAll(async () => {
    await t.close();
  });

  const invite = (admin: Member, email: string, name: string) => inviteMember(t, admin, { email, name });

  const detailUrl = (id: string) => `/api/v1/organization/users/${id}`;
  const resetUrl = (id: string) => `/api/v1/organization/users/${id}/two-factor/reset`;

  async function gridRow(admin: Member, email: string) {
    const response = await admin.browser.get(`/api/v1/organization/users?q=${encodeURIComponent(email)}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json().users.find((u: { email: string }) => u.email === email);
  }

  async function countRows(table: 'auditEvents' | 'recoveryCodes' | 'totpCredentials' | 'totpEnrollments' | 'sessions', userColumn?: { column: 'userId' | 'targetUserId'; id: string }): Promise<number> {
    let query = t.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
    if (userColumn) query = query.where(userColumn.column as never, '=', userColumn.id as never);
    return Number((await query.executeTakeFirstOrThrow()).n);
  }

  /** Bad input of any shape is a 4xx problem and changes nothing in the database. */
  async function expectRefusedWithoutChange(label: string, attempt: () => Promise<LightMyRequestResponse>, status: number, code?: string): Promise<void> {
    const before = { events: await countRows('auditEvents'), users: await t.store.db.selectFrom('users').selectAll().orderBy('id').execute() };
    const response = await attempt();
    expect(response.statusCode, `${label} → ${response.body.slice(0, 200)}`).toBe(status);
    expect(response.headers['content-type'], label).toMatch(/^application\/problem\+json/);
    if (code) expect(response.json().code, label).toBe(code);
    expect(await countRows('auditEvents'), label).toBe(before.events);
    expect(await t.store.db.selectFrom('users').selectAll().orderBy('id').execute(), label).toEqual(before.users);
  }

  it('M2 a member’s page: the grid row, methods, recovery codes left and recent events (newest first)', async () => {
    const response = await ada.browser.get(detailUrl(mia.userId));
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(['events', 'methods', 'recoveryCodes', 'user']);
    expect(body.user).toEqual(await gridRow(ada, 'mia@acme.example'));
    expect(body.user).toMatchObject({ id: mia.userId, email: 'mia@acme.example', name: 'Mia Member', role: 'member', twoFactor: { status: 'on', required: false, requiredBy: null } });
    const credential = await t.store.db.selectFrom('totpCredentials').selectAll().where('userId', '=', mia.userId).executeTakeFirstOrThrow();
    expect(body.methods).toEqual([{ type: 'totp', createdAt: new Date(Number(credential.confirmedAt)).toISOString() }]);
    expect(body.recoveryCodes).toEqual({ remaining: 8, total: 8 });
    const events = body.events as EventRow[];
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['two_factor.enabled', 'invitation.accepted']));
    expect(events.every((e) => e.userId === mia.userId)).toBe(true);
    expect([...events].sort((a, b) => (a.id < b.id ? 1 : -1))).toEqual(events);
    expect(events.find((e) => e.type === 'two_factor.enabled')).toEqual({ id: expect.any(String), type: 'two_factor.enabled', actor: { type: 'member', userId: mia.userId }, userId: mia.userId, ip: expect.anything(), createdAt: expect.stringMatching(isoShape), details: { method: 'totp' } });

    // Without factors: no methods, no codes.
    const plain = (await ada.browser.get(detailUrl(max.userId))).json();
    expect(plain.methods).toEqual([]);
    expect(plain.recoveryCodes).toEqual({ remaining: 0, total: 0 });
    expect(plain.user.twoFactor.status).toBe('off');

    // Only the last 20 events.
    for (let i = 0; i < 25; i++) {
      await t.context.db.insertInto('auditEvents').values({ id: newId(t.clock.now().getTime() + i, systemRandom), organizationId: ada.organizationId, actorType: 'system', actorUserId: null, type: 'test.filler', targetUserId: max.userId, ip: null, createdAt: t.clock.now().getTime() + i, details: '{}' }).execute();
    }
    expect((await ada.browser.get(detailUrl(max.userId))).json().events).toHaveLength(20);
    await t.context.db.deleteFrom('auditEvents').where('type', '=', 'test.filler').execute();

    expectProblem(await ada.browser.get(detailUrl(newId(t.clock.now().getTime(), systemRandom))), 404, 'not_found');
    for (const bad of ['not-an-id', mia.userId.toUpperCase(), '%00', "1'%20or%20'1'='1"]) expectProblem(await ada.browser.get(detailUrl(bad)), 400, 'validation_failed', bad);
  });

  it('P4 requiring two-factor authentication of one member: e-mailed, audited, shown in the grid; repeating it changes nothing', async () => {
    const response = await ada.browser.patch(detailUrl(mia.userId), { twoFactorRequired: true });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual(await gridRow(ada, 'mia@acme.example'));
    expect(response.json().twoFactor).toEqual({ status: 'on', required: true, requiredBy: 'member', methods: ['totp'] });
    expect((await readUser(t, mia.userId)).twoFactorRequired).toBe(1);
    const events = await auditEventsOf(t, mia.userId, 'user.two_factor_requirement_changed');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorType: 'member', actorUserId: ada.userId, organizationId: ada.organizationId, details: { from: false, to: true } });
    const mails = await mailTo(t, mia.email, 'Two-factor authentication is now required for you');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('You already use it');

    // The same value again: 200, nothing written, nobody e-mailed.
    expect((await ada.browser.patch(detailUrl(mia.userId), { twoFactorRequired: true })).statusCode).toBe(200);
    expect(await auditEventsOf(t, mia.userId, 'user.two_factor_requirement_changed')).toHaveLength(1);
    expect(await mailTo(t, mia.email, 'Two-factor authentication is now required for you')).toHaveLength(1);

    // And back, for a member without a factor: the other message.
    expect((await ada.browser.patch(detailUrl(max.userId), { twoFactorRequired: true })).json().twoFactor).toEqual({ status: 'off', required: true, requiredBy: 'member', methods: [] });
    t.clock.advance(second); // events are ordered by time
    const off = await ada.browser.patch(detailUrl(max.userId), { twoFactorRequired: false });
    expect(off.json().twoFactor).toEqual({ status: 'off', required: false, requiredBy: null, methods: [] });
    expect((await auditEventsOf(t, max.userId, 'user.two_factor_requirement_changed')).map((e) => e.details)).toEqual([{ from: false, to: true }, { from: true, to: false }]);
    expect(await mailTo(t, max.email, 'Two-factor authentication is no longer required for you')).toHaveLength(1);
  });

  it('P4 role changes are audited; the last administrator cannot be demoted (409 last_administrator)', async () => {
    expectProblem(await ada.browser.patch(detailUrl(ada.userId), { role: 'member' }), 409, 'last_administrator');
    expect((await readUser(t, ada.userId)).role).toBe('admin');
    expect(await auditEventsOf(t, ada.userId, 'user.role_changed')).toHaveLength(0);

    const promoted = await ada.browser.patch(detailUrl(max.userId), { role: 'admin' });
    expect(promoted.statusCode, promoted.body).toBe(200);
    expect(promoted.json()).toMatchObject({ id: max.userId, role: 'admin' });
    t.clock.advance(second);
    expect((await max.browser.get('/api/v1/organization/users')).statusCode).toBe(200);
    const demoted = await ada.browser.patch(detailUrl(max.userId), { role: 'member' });
    expect(demoted.json().role).toBe('member');
    expect((await auditEventsOf(t, max.userId, 'user.role_changed')).map((e) => [e.actorUserId, e.details])).toEqual([
      [ada.userId, { from: 'member', to: 'admin' }],
      [ada.userId, { from: 'admin', to: 'member' }],
    ]);
    // The change applies to the member's current session at once.
    expectProblem(await max.browser.get('/api/v1/organization/users'), 403, 'forbidden');
    // Both at once, and nothing at all.
    const both = await ada.browser.patch(detailUrl(max.userId), { role: 'member', twoFactorRequired: false });
    expect(both.statusCode).toBe(200);
    expect((await ada.browser.patch(detailUrl(max.userId), {})).statusCode).toBe(200);
  });

  it('M5 events written in the same millisecond list in the order they happened, newest first', async () => {
    // One change of both role and requirement: two events at the same instant of the test clock.
    const changed = await bea.browser.patch(detailUrl(bob.userId), { role: 'admin', twoFactorRequired: true });
    expect(changed.statusCode, changed.body).toBe(200);
    const events = (await bea.browser.get(`/api/v1/organization/audit-events?userId=${bob.userId}`)).json().events as Array<{ type: string; createdAt: string }>;
    expect(events[0]!.createdAt).toBe(events[1]!.createdAt);
    expect(events.slice(0, 2).map((e) => e.type)).toEqual(['user.two_factor_requirement_changed', 'user.role_changed']);
    expect((await bea.browser.patch(detailUrl(bob.userId), { role: 'member', twoFactorRequired: false })).statusCode).toBe(200);
  });

  it('P4 Security floor: bad input of any shape is 4xx problem+json and changes nothing', async () => {
    const attempts: Array<[string, () => Promise<LightMyRequestResponse>, number]> = [
      ['unknown role', () => ada.browser.patch(detailUrl(max.userId), { role: 'owner' }), 400],
      ['string flag', () => ada.browser.patch(detailUrl(max.userId), { twoFactorRequired: 'yes' }), 400],
      ['null flag', () => ada.browser.patch(detailUrl(max.userId), { twoFactorRequired: null }), 400],
      ['array body', () => ada.browser.patch(detailUrl(max.userId), [{ role: 'admin' }]), 400],
      ['string body', () => ada.browser.patch(detailUrl(max.userId), 'admin'), 400],
      ['no body', () => ada.browser.request('PATCH', detailUrl(max.userId), undefined, { 'content-type': 'application/json' }), 400],
      ['bad JSON', () => t.app.inject({ method: 'PATCH', url: detailUrl(max.userId), payload: '{"role":', headers: { 'content-type': 'application/json', cookie: `tessera_session=${ada.browser.sessionToken}` } }), 400],
      ['form body', () => t.app.inject({ method: 'PATCH', url: detailUrl(max.userId), payload: 'role=admin', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `tessera_session=${ada.browser.sessionToken}` } }), 415],
      ['malformed id', () => ada.browser.patch(detailUrl('max'), { role: 'admin' }), 400],
      ['unknown id', () => ada.browser.patch(detailUrl(newId(t.clock.now().getTime(), systemRandom)), { role: 'admin' }), 404],
      ['reset malformed id', () => ada.browser.post(resetUrl('%E0%A4%A')), 400],
      ['reset unknown id', () => ada.browser.post(resetUrl(newId(t.clock.now().getTime(), systemRandom))), 404],
      ['prototype pollution', () => t.app.inject({ method: 'PATCH', url: detailUrl(max.userId), payload: '{"__proto__":{"role":"admin"}}', headers: { 'content-type': 'application/json', cookie: `tessera_session=${ada.browser.sessionToken}` } }), 400],
    ];
    for (const [label, attempt, status] of attempts) await expectRefusedWithoutChange(label, attempt, status);
  });

  it('M3 D1 an administrator cannot reset their own two-factor authentication (that needs a current code): 403, nothing changes', async () => {
    const own = await enrolTotp(t, bea.browser);
    nextStep(t);
    const mailsBefore = (await t.mail()).length;
    expectProblem(await bea.browser.post(resetUrl(bea.userId)), 403, 'forbidden');
    expect((await bea.browser.get('/api/v1/me/two-factor')).json()).toMatchObject({ enabled: true, methods: ['totp'], recoveryCodes: { remaining: 8, total: 8 } });
    expect(await auditEventsOf(t, bea.userId, 'two_factor.reset')).toHaveLength(0);
    expect((await t.mail()).length).toBe(mailsBefore);
    // Their own settings turn it off with a current code (D1), leaving the rest of the suite as it was.
    expect((await bea.browser.request('DELETE', '/api/v1/me/two-factor', { code: totpCode(t, own.secret) })).statusCode).toBe(204);
  });

  it('M3 D2 an administrator’s reset removes every factor and code: the code stops working, status Off, still signed in, requirement unchanged, audited and e-mailed', async () => {
    // A pending new authenticator and the deplete policy's flag are removed too.
    expect((await mia.browser.post('/api/v1/me/two-factor/totp')).statusCode).toBe(201);
    await t.store.db.updateTable('users').set({ recoveryCodesRegenerationRequired: 1 }).where('id', '=', mia.userId).execute();
    const stepBefore = (await readUser(t, mia.userId)).totpLastAcceptedStep;
    const sessionsBefore = await countRows('sessions', { column: 'userId', id: mia.userId });

    const response = await ada.browser.post(resetUrl(mia.userId));
    expect(response.statusCode, response.body).toBe(204);
    expect(response.body).toBe('');

    expect(await countRows('totpCredentials', { column: 'userId', id: mia.userId })).toBe(0);
    expect(await countRows('totpEnrollments', { column: 'userId', id: mia.userId })).toBe(0);
    expect(await countRows('recoveryCodes', { column: 'userId', id: mia.userId })).toBe(0);
    const user = await readUser(t, mia.userId);
    expect(user.twoFactorEnabled).toBe(0);
    expect(user.recoveryCodesRegenerationRequired).toBe(0);
    expect(user.twoFactorRequired).toBe(1); // requirement unchanged
    expect(user.totpLastAcceptedStep).toBe(stepBefore); // T5 replay protection kept

    // Status Off in the grid and on the member's page, still required.
    expect((await gridRow(ada, mia.email)).twoFactor).toEqual({ status: 'off', required: true, requiredBy: 'member', methods: [] });
    const detail = (await ada.browser.get(detailUrl(mia.userId))).json();
    expect(detail.methods).toEqual([]);
    expect(detail.recoveryCodes).toEqual({ remaining: 0, total: 0 });
    expect(detail.events.find((e: EventRow) => e.type === 'two_factor.reset')).toMatchObject({ type: 'two_factor.reset', actor: { type: 'member', userId: ada.userId }, userId: mia.userId, details: { methods: ['totp'], pendingSetupRemoved: true, recoveryCodesRemoved: 8 } });

    // The member stays signed in and sees it off, and required.
    expect(await countRows('sessions', { column: 'userId', id: mia.userId })).toBe(sessionsBefore);
    expect((await mia.browser.get('/api/v1/session')).statusCode).toBe(200);
    const own = await mia.browser.get('/api/v1/me/two-factor');
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toMatchObject({ enabled: false, required: true, methods: [], recoveryCodes: { remaining: 0, total: 0 } });

    // The authenticator and the recovery codes no longer sign anyone in: there is no second step.
    nextStep(t);
    const fresh = new Browser(t.app);
    const login = await fresh.login(mia.email);
    expect(login.statusCode, login.body).toBe(200);
    expect(login.json().status).not.toBe('two_factor_required');
    expect(fresh.challengeToken).toBeUndefined();
    const withCode = await new Browser(t.app).submitCode(totpCode(t, mia.secret));
    expect(withCode.statusCode).toBeGreaterThanOrEqual(400);
    expect(withCode.statusCode).toBeLessThan(500);

    expect(await auditEventsOf(t, mia.userId, 'two_factor.reset')).toHaveLength(1);
    const mails = await mailTo(t, mia.email, 'Your two-factor authentication was reset');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('still required');

    // Nothing left to reset: 204, nothing written, nobody e-mailed.
    expect((await ada.browser.post(resetUrl(mia.userId))).statusCode).toBe(204);
    expect(await auditEventsOf(t, mia.userId, 'two_factor.reset')).toHaveLength(1);
    expect(await mailTo(t, mia.email, 'Your two-factor authentication was reset')).toHaveLength(1);
  });

  it('M4 adoption: members, enabled, required but not set up, and 12 cumulative weeks', async () => {
    const cora = await signUpMember(t, { email: 'cora@gamma.example', name: 'Cora Admin', organization: 'Gamma' });
    const now = t.clock.now().getTime();
    const weeks = adoptionWeeks(now);
    // Members created 5 weeks ago and 1 week ago; authenticators confirmed 3 weeks ago and now.
    const specs = [
      { email: 'old-on@gamma.example', createdAt: now - 35 * day, confirmedAt: now - 21 * day, required: 0 },
      { email: 'old-off@gamma.example', createdAt: now - 35 * day, confirmedAt: null, required: 1 },
      { email: 'new-on@gamma.example', createdAt: now - 7 * day, confirmedAt: now, required: 1 },
      { email: 'new-off@gamma.example', createdAt: now - 7 * day, confirmedAt: null, required: 0 },
    ];
    for (const spec of specs) {
      const id = newId(spec.createdAt, systemRandom);
      await insertUser(t.store.db, { id, organizationId: cora.organizationId, email: spec.email, emailNormalized: spec.email, name: spec.email, role: 'member', passwordHash, emailVerifiedAt: spec.createdAt, twoFactorRequired: spec.required, createdAt: spec.createdAt, lastLoginAt: null, lastLoginMethod: null });
      if (spec.confirmedAt !== null) {
        await t.store.db.insertInto('totpCredentials').values({ userId: id, secretSealed: t.context.secretBox.seal('JBSWY3DPEHPK3PXP'), confirmedAt: spec.confirmedAt }).execute();
        await refreshTwoFactorEnabled(t.store.db, id);
      }
    }
    const response = await cora.browser.get('/api/v1/organization/two-factor/adoption');
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(['enabled', 'members', 'methods', 'requiredNotSetUp', 'weekly']);
    expect(body).toMatchObject({ members: 5, enabled: 2, requiredNotSetUp: 1 });
    expect(body.weekly).toHaveLength(12);
    expect(body.weekly.map((w: { weekStart: string }) => w.weekStart)).toEqual(weeks.map((w) => w.weekStart));
    expect(body.weekly[11].weekStart).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(new Date(`${body.weekly[11].weekStart}T00:00:00Z`).getUTCDay()).toBe(1);
    const countFor = (endsAt: number) => ({
      members: specs.filter((s) => s.createdAt < endsAt).length + (cora.organizationId && now < endsAt ? 1 : 0),
      enabled: specs.filter((s) => s.confirmedAt !== null && s.confirmedAt < endsAt).length,
    });
    expect(body.weekly).toEqual(weeks.map((w) => ({ weekStart: w.weekStart, ...countFor(w.endsAt) })));
    expect(body.weekly[0]).toMatchObject({ members: 0, enabled: 0 });
    expect(body.weekly[11]).toMatchObject({ members: 5, enabled: 2 });

    // Under the organization's requirement, everyone without a factor counts (Cora too).
    await t.store.db.updateTable('organizations').set({ twoFactorRequirement: 'required' }).where('id', '=', cora.organizationId).execute();
    expect((await cora.browser.get('/api/v1/organization/two-factor/adoption')).json()).toMatchObject({ members: 5, enabled: 2, requiredNotSetUp: 3 });
    await t.store.db.updateTable('organizations').set({ twoFactorRequirement: 'optional' }).where('id', '=', cora.organizationId).execute();
  });

  it('M5 the audit log filters by time: from inclusive, to exclusive; bad times are 400', async () => {
    t.clock.advance(second);
    const from = t.clock.now();
    expect((await ada.browser.patch(detailUrl(max.userId), { twoFactorRequired: true })).statusCode).toBe(200);
    t.clock.advance(second);
    const middle = t.clock.now();
    expect((await ada.browser.patch(detailUrl(max.userId), { twoFactorRequired: false })).statusCode).toBe(200);
    t.clock.advance(second);
    const list = async (query: string) => {
      const response = await ada.browser.get(`/api/v1/organization/audit-events?${query}`);
      expect(response.statusCode, response.body).toBe(200);
      return (response.json().events as EventRow[]).filter((e) => e.type === 'user.two_factor_requirement_changed' && e.userId === max.userId).map((e) => e.details.to);
    };
    expect(await list(`from=${from.toISOString()}`)).toEqual([false, true]);
    expect(await list(`from=${middle.toISOString()}`)).toEqual([false]);
    expect(await list(`from=${from.toISOString()}&to=${middle.toISOString()}`)).toEqual([true]);
    expect(await list(`to=${from.toISOString()}&userId=${max.userId}`)).toEqual([false, true]); // the P4 test's pair, newest first
    expect(await list(`from=${middle.toISOString()}&to=${middle.toISOString()}`)).toEqual([]);
    const all = (await ada.browser.get(`/api/v1/organization/audit-events?from=${from.toISOString()}`)).json().events as EventRow[];
    expect(all.every((e) => e.createdAt >= from.toISOString())).toBe(true);
    // Offsets are understood.
    expect(await list(`from=${encodeURIComponent(new Date(middle.getTime()).toISOString().replace('Z', '+00:00'))}`)).toEqual([false]);

    for (const query of ['from=yesterday', 'from=2026-13-01T00:00:00Z', 'to=2026-11-23', 'from=2026-11-23T10:00:00Z&to=2026-11-23T09:00:00Z', `from=${'9'.repeat(100)}`, 'from=2026-11-23T09:00:00Z%00']) {
      expectProblem(await ada.browser.get(`/api/v1/organization/audit-events?${query}`), 400, 'validation_failed', query);
      expectProblem(await ada.browser.get(`/api/v1/organization/audit-events/export?${query}`), 400, 'validation_failed', `export ${query}`);
    }
  });

  it('M5 the export: JSON lines, an attachment, every line an event like the list’s, filters applied, paged past 500', async () => {
    // Enough events to need several pages inside the export.
    const base = t.clock.now().getTime() - 30 * day;
    const filler = Array.from({ length: 1203 }, (_, i) => ({ id: newId(base + i, systemRandom), organizationId: bea.organizationId, actorType: 'system' as const, actorUserId: null, type: 'test.bulk', targetUserId: bob.userId, ip: null, createdAt: base + i, details: JSON.stringify({ i }) }));
    for (let i = 0; i < filler.length; i += 400) await t.store.db.insertInto('auditEvents').values(filler.slice(i, i + 400)).execute();

    const response = await bea.browser.get('/api/v1/organization/audit-events/export');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(response.headers['content-disposition']).toBe(`attachment; filename="tessera-audit-${t.clock.now().toISOString().slice(0, 10)}.jsonl"`);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.body.endsWith('\n')).toBe(true);
    const lines = response.body.trimEnd().split('\n');
    const events = lines.map((line) => JSON.parse(line) as EventRow);
    const stored = Number((await t.store.db.selectFrom('auditEvents').select((eb) => eb.fn.countAll<number>().as('n')).where('organizationId', '=', bea.organizationId).executeTakeFirstOrThrow()).n);
    expect(events).toHaveLength(stored);
    expect(new Set(events.map((e) => e.id)).size).toBe(stored);
    expect([...events].sort((a, b) => (a.id < b.id ? 1 : -1))).toEqual(events);
    // The same shape as the list.
    const firstPage = (await bea.browser.get('/api/v1/organization/audit-events')).json().events as EventRow[];
    expect(events.slice(0, firstPage.length)).toEqual(firstPage);

    const filtered = await bea.browser.get(`/api/v1/organization/audit-events/export?type=test.bulk&userId=${bob.userId}&from=${new Date(base + 100).toISOString()}&to=${new Date(base + 700).toISOString()}`);
    const filteredEvents = filtered.body.trimEnd().split('\n').map((line) => JSON.parse(line) as EventRow);
    expect(filteredEvents).toHaveLength(600);
    expect(filteredEvents.every((e) => e.type === 'test.bulk' && e.userId === bob.userId)).toBe(true);
    expect(filteredEvents.map((e) => e.details.i)).toEqual(Array.from({ length: 600 }, (_, i) => 699 - i));

    const empty = await bea.browser.get('/api/v1/organization/audit-events/export?type=nothing.here');
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toBe('');
    await t.store.db.deleteFrom('auditEvents').where('type', '=', 'test.bulk').execute();
  });

  it('M2 M3 M4 M5 P4 tenant isolation: another organization’s member ids are 404 on every route, and its events never show', async () => {
    const eventsBefore = await countRows('auditEvents');
    const userBefore = await readUser(t, mia.userId);
    for (const [label, attempt] of [
      ['GET detail', () => bea.browser.get(detailUrl(mia.userId))],
      ['PATCH role', () => bea.browser.patch(detailUrl(mia.userId), { role: 'admin' })],
      ['PATCH requirement', () => bea.browser.patch(detailUrl(ada.userId), { twoFactorRequired: true })],
      ['POST reset', () => bea.browser.post(resetUrl(mia.userId))],
      ['GET detail (admin)', () => ada.browser.get(detailUrl(bob.userId))],
      ['POST reset (admin)', () => ada.browser.post(resetUrl(bea.userId))],
    ] as const) {
      expectProblem(await attempt(), 404, 'not_found', label);
    }
    expect(await countRows('auditEvents')).toBe(eventsBefore);
    expect(await readUser(t, mia.userId)).toEqual(userBefore);

    const list = (await bea.browser.get(`/api/v1/organization/audit-events?userId=${mia.userId}`)).json();
    expect(list.events).toEqual([]);
    const exported = await bea.browser.get(`/api/v1/organization/audit-events/export?userId=${mia.userId}`);
    expect(exported.statusCode).toBe(200);
    expect(exported.body).toBe('');
    const everything = (await bea.browser.get('/api/v1/organization/audit-events/export')).body.trimEnd().split('\n').map((line) => JSON.parse(line) as EventRow);
    const acmeIds = new Set([ada.userId, mia.userId, max.userId]);
    expect(everything.some((e) => acmeIds.has(e.userId ?? '') || acmeIds.has(e.actor.userId ?? ''))).toBe(false);
    expect((await bea.browser.get('/api/v1/organization/two-factor/adoption')).json()).toMatchObject({ members: 2 });
  });

  it('M2 M3 M4 M5 P4 a member gets 403 forbidden on every administration route, and nothing changes', async () => {
    const attempts: Array<[string, () => Promise<LightMyRequestResponse>]> = [
      ['GET detail', () => bob.browser.get(detailUrl(bea.userId))],
      ['GET own detail', () => bob.browser.get(detailUrl(bob.userId))],
      ['PATCH role', () => bob.browser.patch(detailUrl(bob.userId), { role: 'admin' })],
      ['PATCH requirement', () => bob.browser.patch(detailUrl(bea.userId), { twoFactorRequired: true })],
      ['POST reset', () => bob.browser.post(resetUrl(bea.userId))],
      ['GET adoption', () => bob.browser.get('/api/v1/organization/two-factor/adoption')],
      ['GET audit-events', () => bob.browser.get(`/api/v1/organization/audit-events?from=${new Date(0).toISOString()}`)],
      ['GET export', () => bob.browser.get('/api/v1/organization/audit-events/export')],
    ];
    for (const [label, attempt] of attempts) await expectRefusedWithoutChange(label, attempt, 403, 'forbidden');
    // And without a session, 401.
    for (const url of [detailUrl(bob.userId), '/api/v1/organization/two-factor/adoption', '/api/v1/organization/audit-events/export']) {
      expectProblem(await new Browser(t.app).get(url), 401, 'unauthenticated', url);
    }
    expectProblem(await new Browser(t.app).post(resetUrl(bob.userId)), 401, 'unauthenticated');
  });

  it('M6 operator: create an organization (with a password, or an invitation link), list members, reset anyone’s two-factor authentication — each audited as operator', async () => {
    // With a password: the administrator signs in at once.
    const withPassword = await createOrganizationAsOperator(t.context, { name: ' Delta ', adminEmail: 'dora@delta.example', adminName: 'Dora', adminPassword: strongPassword });
    if (!withPassword.ok) throw new Error(withPassword.code);
    const { organizationId, adminUserId } = withPassword.created;
    const dora = new Browser(t.app);
    expect((await dora.login('dora@delta.example')).json().status).toBe('signed_in');
    const session = (await dora.get('/api/v1/session')).json();
    expect(session.user).toMatchObject({ id: adminUserId, role: 'admin', name: 'Dora' });
    expect(session.organization).toMatchObject({ id: organizationId, name: 'Delta' });
    const created = await t.store.db.selectFrom('auditEvents').selectAll().where('organizationId', '=', organizationId).orderBy('id').execute();
    expect(created.map((e) => [e.type, e.actorType, e.actorUserId])).toEqual(expect.arrayContaining([['organization.created', 'operator', null], ['user.created', 'operator', null]]));
    expect(await mailTo(t, 'dora@delta.example', 'Verify your e-mail address')).toHaveLength(1);

    // Without: an invitation link for an administrator.
    const withLink = await createOrganizationAsOperator(t.context, { name: 'Epsilon', adminEmail: 'eve@epsilon.example', adminName: 'Eve' });
    if (!withLink.ok) throw new Error(withLink.code);
    expect(withLink.created.invitationLink).toMatch(/^http:\/\/tessera\.test\/accept-invitation\?token=/);
    const eve = new Browser(t.app);
    const accepted = await eve.post('/api/v1/invitations/accept', { token: tokenFromLink(withLink.created.invitationLink!, 'http://tessera.test/accept-invitation'), name: 'Eve', password: strongPassword });
    expect(accepted.statusCode, accepted.body).toBe(201);
    expect(accepted.json().user.role).toBe('admin');
    expect((await t.store.db.selectFrom('auditEvents').select(['type', 'actorType']).where('organizationId', '=', withLink.created.organizationId).where('actorType', '=', 'operator').execute()).map((e) => e.type).sort()).toEqual(['invitation.created', 'organization.created']);

    // Refusals change nothing.
    const orgsBefore = await t.store.db.selectFrom('organizations').select('id').execute();
    for (const input of [
      { name: 'X', adminEmail: 'dora@delta.example', adminName: 'Dup' },
      { name: '', adminEmail: 'new@x.example', adminName: 'New' },
      { name: 'X', adminEmail: 'not-an-address', adminName: 'New' },
      { name: 'X', adminEmail: 'new@x.example', adminName: 'New\u0000' },
      { name: 'X', adminEmail: 'new@x.example', adminName: 'New', adminPassword: 'short' },
    ]) {
      const result = await createOrganizationAsOperator(t.context, input);
      expect(result.ok, JSON.stringify(input)).toBe(false);
    }
    expect(await t.store.db.selectFrom('organizations').select('id').execute()).toEqual(orgsBefore);

    // List: every member, with the grid's view.
    const listed: string[] = [];
    const list = await listMembersAsOperator(t.context, ada.organizationId, (members) => {
      listed.push(...members.map((m) => m.email));
    });
    expect(list.ok && list.count).toBe(3);
    expect(listed.sort()).toEqual(['ada@acme.example', 'max@acme.example', 'mia@acme.example']);
    expect((await t.store.db.selectFrom('auditEvents').select(['actorType']).where('organizationId', '=', ada.organizationId).where('type', '=', 'organization.members_listed').execute()).map((e) => e.actorType)).toEqual(['operator']);
    const unknown = await listMembersAsOperator(t.context, newId(t.clock.now().getTime(), systemRandom), () => undefined);
    expect(unknown.ok).toBe(false);

    // Reset by address, in any organization.
    const enrolled = await enrolTotp(t, bob.browser);
    nextStep(t);
    expect(enrolled.recoveryCodes).toHaveLength(8);
    const reset = await resetTwoFactorByEmailAsOperator(t.context, ' BOB@beta.example ');
    expect(reset.ok && reset.changed).toBe(true);
    expect((await readUser(t, bob.userId)).twoFactorEnabled).toBe(0);
    expect(await countRows('recoveryCodes', { column: 'userId', id: bob.userId })).toBe(0);
    const events = await auditEventsOf(t, bob.userId, 'two_factor.reset');
    expect(events.map((e) => [e.actorType, e.actorUserId, e.organizationId])).toEqual([['operator', null, bea.organizationId]]);
    expect(await mailTo(t, bob.email, 'Your two-factor authentication was reset')).toHaveLength(1);
    expect((await resetTwoFactorByEmailAsOperator(t.context, 'nobody@nowhere.example')).ok).toBe(false);
  });

  it('M6 the `tessera` command: org create, users list (table and --json) and users reset-2fa, through runCli', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    const run = async (...argv: string[]) => {
      const output = { stdout: '', stderr: '' };
      const io: CliIo = { env: { DATABASE_URL: t.database.url, TESSERA_DATA_DIR: dataDir, NODE_ENV: 'development', PUBLIC_URL: 'http://tessera.test' }, readStdin: async () => '', stdout: (text) => void (output.stdout += text), stderr: (text) => void (output.stderr += text) };
      return { code: await runCli(argv, io), ...output };
    };
    try {
      const created = await run('org', 'create', '--name', 'Zeta', '--admin-email', 'zed@zeta.example', '--admin-name', 'Zed');
      expect(created.code, created.stderr).toBe(0);
      const organizationId = /Created organization ([0-9a-f-]{36})/.exec(created.stdout)![1]!;
      expect(created.stdout).toMatch(/http:\/\/tessera\.test\/accept-invitation\?token=[A-Za-z0-9_-]+/);

      const table = await run('users', 'list', '--org', ada.organizationId);
      expect(table.code, table.stderr).toBe(0);
      expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+E-MAIL\s+NAME\s+ROLE\s+2FA\s+REQUIRED\s+LAST SIGN-IN$/);
      expect(table.stdout).toContain('mia@acme.example');
      expect(table.stdout).toContain('3 members in Acme.');

      const json = await run('users', 'list', '--org', ada.organizationId, '--json');
      expect(json.code, json.stderr).toBe(0);
      const rows = JSON.parse(json.stdout) as Array<{ email: string; twoFactor: { status: string } }>;
      expect(rows.map((r) => r.email).sort()).toEqual(['ada@acme.example', 'max@acme.example', 'mia@acme.example']);
      const empty = await run('users', 'list', '--org', organizationId, '--json');
      expect(JSON.parse(empty.stdout)).toEqual([]);

      const reset = await run('users', 'reset-2fa', '--email', 'max@acme.example');
      expect(reset.code, reset.stderr).toBe(0);
      expect(reset.stdout).toContain('nothing changed');

      for (const argv of [['users', 'list'], ['users', 'list', '--org', 'nope'], ['users', 'reset-2fa', '--email', 'nobody@nowhere.example'], ['org', 'create', '--name', 'Only'], ['users', 'list', '--org', newId(t.clock.now().getTime(), systemRandom)], ['users', 'frobnicate'], ['org', 'create', '--name']]) {
        const refused = await run(...argv);
        expect(refused.code, argv.join(' ')).toBe(1);
        expect(refused.stderr.length, argv.join(' ')).toBeGreaterThan(0);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.skipIf(testDatabaseKind !== 'sqlite')('M6 a real `node bin/tessera.js users list --org <id>` against a temporary SQLite file', { timeout: 240_000 }, async (context) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-bin-'));
    try {
      const result = spawnSync(process.execPath, ['bin/tessera.js', 'users', 'list', '--org', ada.organizationId, '--json'], {
        cwd: repositoryRoot,
        env: { PATH: process.env.PATH, DATABASE_URL: t.database.url, TESSERA_DATA_DIR: dataDir, NODE_ENV: 'development' },
        encoding: 'utf8',
        timeout: 230_000,
      });
      // bin/tessera.js first builds what is stale; a build broken by unrelated work in progress
      // says nothing about this command, so it skips rather than fails.
      if (result.status !== 0 && /tessera: building .* failed/.test(result.stderr)) context.skip();
      expect(result.status, result.stderr).toBe(0);
      const rows = JSON.parse(result.stdout) as Array<{ email: string }>;
      expect(rows.map((r) => r.email).sort()).toEqual(['ada@acme.example', 'max@acme.example', 'mia@acme.example']);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
