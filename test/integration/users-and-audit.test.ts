// M1 users grid, organization settings and M5 audit log over HTTP, and the Security floor's
// "every security-relevant event lands in the audit log, in the same transaction as the change".
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.js';
import { systemRandom } from '../../src/security/system-random.js';
import { fewSearchMatches } from '../../src/store/user-directory.js';
import { insertUser, insertUsers, updateUserName } from '../../src/store/users.js';
import { Agent, signUp, strongPassword, tokenFromLink } from '../support/agent.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';
import { verifyAddress } from '../support/two-factor.js';

const second = 1000;
const isoShape = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface MemberRow {
  id: string;
  email: string;
  name: string;
  role: string;
  twoFactor: { status: string; required: boolean; requiredBy: string | null };
  lastLogin: { at: string; withTwoFactor: boolean } | null;
}

interface EventRow {
  id: string;
  type: string;
  actor: { type: string; userId: string | null };
  userId: string | null;
  ip: string | null;
  createdAt: string;
  details: Record<string, unknown>;
}

describe(`users grid, organization settings and audit log on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let admin: Agent;
  let adminId: string;
  let organizationId: string;
  let signedUpAt: string;
  let passwordHash: string;

  beforeAll(async () => {
    t = await createTestApp();
    signedUpAt = t.clock.now().toISOString();
    admin = await signUp(t.app, { organization: 'Audit Co', name: 'Grace Admin', email: 'grace@audit.example' });
    await verifyAddress(t, 'grace@audit.example');
    const session = (await admin.get('/api/v1/session')).json();
    adminId = session.user.id;
    organizationId = session.organization.id;
    passwordHash = await t.context.passwords.hash(strongPassword);
  });
  afterAll(async () => {
    await t.close();
  });

  /** Members written straight to the store (no argon2 per row), never signed in. */
  async function insertMembers(orgId: string, members: Array<{ email: string; name: string }>): Promise<void> {
    const now = t.clock.now().getTime();
    for (const member of members) {
      await insertUser(t.store.db, {
        id: newId(now, systemRandom),
        organizationId: orgId,
        email: member.email,
        emailNormalized: member.email.toLowerCase(),
        name: member.name,
        role: 'member',
        passwordHash,
        emailVerifiedAt: now,
        twoFactorRequired: 0,
        createdAt: now,
        lastLoginAt: null,
        lastLoginMethod: null,
      });
    }
  }

  async function invite(email: string, name: string, twoFactorRequired = false): Promise<{ invitationId: string; token: string }> {
    const response = await admin.post('/api/v1/organization/users', { email, name, role: 'member', twoFactorRequired });
    expect(response.statusCode).toBe(201);
    const mail = (await t.mail()).find((m) => m.to === email)!;
    return { invitationId: response.json().invitation.id, token: tokenFromLink(mail.text, 'http://tessera.test/accept-invitation') };
  }

  async function allPages<T>(agent: Agent, url: string, key: 'users' | 'events'): Promise<{ items: T[]; pageSizes: number[] }> {
    const items: T[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const separator = url.includes('?') ? '&' : '?';
      const response = await agent.get(cursor === null ? url : `${url}${separator}cursor=${cursor}`);
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json();
      items.push(...(body[key] as T[]));
      pageSizes.push(body[key].length);
      cursor = body.nextCursor;
      if (cursor === null) return { items, pageSizes };
    }
    throw new Error('paging did not end');
  }

  async function events(query = ''): Promise<EventRow[]> {
    const response = await admin.get(`/api/v1/organization/audit-events${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json().events;
  }

  async function countEvents(where: { type: string; targetUserId?: string }): Promise<number> {
    let query = t.store.db.selectFrom('auditEvents').select((eb) => eb.fn.countAll<number>().as('n')).where('type', '=', where.type);
    if (where.targetUserId) query = query.where('targetUserId', '=', where.targetUserId);
    return Number((await query.executeTakeFirstOrThrow()).n);
  }

  it('M1 the users list has exactly the contract shape: {users: [{id, email, name, role, twoFactor, lastLogin}], nextCursor}', async () => {
    t.clock.advance(second);
    const { token } = await invite('Mia@Audit.example', 'Mia Member', true);
    t.clock.advance(second);
    const acceptedAt = t.clock.now().toISOString();
    expect((await new Agent(t.app).post('/api/v1/invitations/accept', { token, name: 'Mia Member', password: strongPassword })).statusCode).toBe(201);
    await insertMembers(organizationId, [{ email: 'never@audit.example', name: 'Never Signed-In' }]);

    const response = await admin.get('/api/v1/organization/users');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(['nextCursor', 'users']);
    expect(body.nextCursor).toBeNull();
    const byEmail = new Map((body.users as MemberRow[]).map((u) => [u.email, u]));
    expect(byEmail.get('grace@audit.example')).toEqual({
      id: adminId,
      email: 'grace@audit.example',
      name: 'Grace Admin',
      role: 'admin',
      twoFactor: { status: 'off', required: false, requiredBy: null, methods: [] },
      lastLogin: { at: signedUpAt, withTwoFactor: false, method: 'password' },
    });
    expect(byEmail.get('Mia@Audit.example')).toEqual({
      id: expect.stringMatching(uuidShape),
      email: 'Mia@Audit.example',
      name: 'Mia Member',
      role: 'member',
      twoFactor: { status: 'off', required: true, requiredBy: 'member', methods: [] },
      lastLogin: { at: acceptedAt, withTwoFactor: false, method: 'password' },
    });
    expect(byEmail.get('never@audit.example')).toMatchObject({ role: 'member', lastLogin: null });
    expect(body.users).toHaveLength(3);
  });

  it('M1 searches by name or e-mail, case-insensitively', async () => {
    const emailsFor = async (q: string) => ((await admin.get(`/api/v1/organization/users?q=${encodeURIComponent(q)}`)).json().users as MemberRow[]).map((u) => u.email).sort();
    expect(await emailsFor('GRACE')).toEqual(['grace@audit.example']);
    expect(await emailsFor('mia member')).toEqual(['Mia@Audit.example']);
    expect(await emailsFor('MIA@AUDIT')).toEqual(['Mia@Audit.example']);
    expect(await emailsFor('audit.EXAMPLE')).toEqual(['Mia@Audit.example', 'grace@audit.example', 'never@audit.example'].sort());
    expect(await emailsFor('nobody-by-this-name')).toEqual([]);
    // A blank search is no search.
    expect(await emailsFor('   ')).toHaveLength(3);
  });

  it('M1 search takes an underscore in an e-mail address literally', async () => {
    await insertMembers(organizationId, [{ email: 'ada_lovelace@audit.example', name: 'Ada Lovelace' }]);
    const users = (await admin.get('/api/v1/organization/users?q=ada_lovelace')).json().users as MemberRow[];
    expect(users.map((u) => u.email)).toEqual(['ada_lovelace@audit.example']);
    // ...and as a literal character, not a wildcard or nothing.
    await insertMembers(organizationId, [{ email: 'adaxlovelace@audit.example', name: 'Not Ada' }]);
    expect(((await admin.get('/api/v1/organization/users?q=ada_lovelace')).json().users as MemberRow[]).map((u) => u.email)).toEqual(['ada_lovelace@audit.example']);
  });

  it('M1 search folds letter case beyond ASCII (Émile finds émile) on every database', async () => {
    await insertMembers(organizationId, [{ email: 'ezola@audit.example', name: 'Émile Zola' }]);
    const users = (await admin.get(`/api/v1/organization/users?q=${encodeURIComponent('émile')}`)).json().users as MemberRow[];
    expect(users.map((u) => u.email)).toEqual(['ezola@audit.example']);
  });

  it('M1 search follows a renamed member, takes quotes and short terms literally, and finds nothing where nothing matches', async () => {
    const emailsFor = async (q: string) => ((await admin.get(`/api/v1/organization/users?q=${encodeURIComponent(q)}`)).json().users as MemberRow[]).map((u) => u.email).sort();
    // A new name changes what the search finds (on SQLite through the trigram index's triggers);
    // the store's own update, as a profile change makes it, without its audit event.
    await updateUserName(t.store.db, adminId, 'Grace Hopper-Quartz');
    expect(await emailsFor('hopper-quartz')).toEqual(['grace@audit.example']);
    expect(await emailsFor('grace admin')).toEqual([]);
    await updateUserName(t.store.db, adminId, 'Grace Admin');
    expect(await emailsFor('grace admin')).toEqual(['grace@audit.example']);
    expect(await emailsFor('hopper')).toEqual([]);
    // Characters special to the search syntax are plain text.
    await insertMembers(organizationId, [{ email: 'quoted@audit.example', name: 'The "Quoted" One' }]);
    expect(await emailsFor('"quoted" one')).toEqual(['quoted@audit.example']);
    expect(await emailsFor('quoted" OR "grace')).toEqual([]);
    expect(await emailsFor('*')).toEqual([]);
    // One or two characters: still a substring search.
    expect(await emailsFor('"q')).toEqual(['quoted@audit.example']);
    expect(await emailsFor('zz')).toEqual([]);
  });

  it('M1 a search that matches thousands pages like one that matches a few: every match once, sorted, only this organization’s', async () => {
    const crowd = await signUp(t.app, { organization: 'Crowd Co', name: 'Cleo Crowd', email: 'cleo@crowd.example' });
    const crowdId = (await crowd.get('/api/v1/organization')).json().id as string;
    const now = t.clock.now().getTime();
    const common = fewSearchMatches + 100;
    const members = Array.from({ length: common + 30 }, (_, i) => {
      const isCommon = i < common;
      const email = `${isCommon ? 'throng' : 'solo'}-${String(i).padStart(5, '0')}@crowd.example`;
      return { id: newId(now, systemRandom), organizationId: crowdId, email, emailNormalized: email, name: `${isCommon ? 'Throng' : 'Solo'} Member ${i}`, role: 'member' as const, passwordHash, emailVerifiedAt: now, twoFactorRequired: 0, createdAt: now, lastLoginAt: null, lastLoginMethod: null };
    });
    for (let i = 0; i < members.length; i += 400) await insertUsers(t.store.db, members.slice(i, i + 400));
    // The same term in another organization is never listed.
    await insertMembers(organizationId, [{ email: 'throng-outsider@audit.example', name: 'Throng Outsider' }]);

    for (const [q, expected] of [['throng', common], ['solo member', 30]] as const) {
      const byName = await allPages<MemberRow>(crowd, `/api/v1/organization/users?q=${encodeURIComponent(q)}&sort=name`, 'users');
      expect(byName.items).toHaveLength(expected);
      expect(new Set(byName.items.map((u) => u.id)).size).toBe(expected);
      expect(byName.items.every((u) => u.email.endsWith('@crowd.example') && u.name.toLowerCase().includes(q))).toBe(true);
      const names = byName.items.map((u) => u.name.toLowerCase());
      expect(names).toEqual([...names].sort());
    }
    // The first page in the default order (oldest first) agrees with a plain filter of the database.
    const firstPage = (await crowd.get('/api/v1/organization/users?q=throng')).json().users as MemberRow[];
    const oldest = await t.store.db.selectFrom('users').select('id').where('organizationId', '=', crowdId).where('nameNormalized', 'like', 'throng%').orderBy('id', 'asc').limit(50).execute();
    expect(firstPage.map((u) => u.id)).toEqual(oldest.map((u) => u.id));
  });

  it('M1 pages through more than 50 members by cursor, each exactly once, and only this organization’s', async () => {
    const other = await signUp(t.app, { organization: 'Other Org', name: 'Otto', email: 'otto@other.example' });
    const otherId = (await other.get('/api/v1/organization')).json().id as string;
    await insertMembers(otherId, Array.from({ length: 5 }, (_, i) => ({ email: `paged-other-${i}@other.example`, name: `Paged Other ${i}` })));
    await insertMembers(organizationId, Array.from({ length: 120 }, (_, i) => ({ email: `paged-${String(i).padStart(3, '0')}@audit.example`, name: `Paged Person ${i}` })));

    const { items, pageSizes } = await allPages<MemberRow>(admin, '/api/v1/organization/users', 'users');
    const inDatabase = await t.store.db.selectFrom('users').select('id').where('organizationId', '=', organizationId).execute();
    expect(inDatabase.length).toBeGreaterThan(120);
    expect(pageSizes.every((n) => n <= 50)).toBe(true);
    expect(pageSizes.length).toBe(Math.ceil(inDatabase.length / 50));
    const ids = items.map((u) => u.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(inDatabase.map((u) => u.id).sort());
    expect(items.some((u) => u.email.endsWith('@other.example'))).toBe(false);

    // Search and cursor together.
    const searched = await allPages<MemberRow>(admin, '/api/v1/organization/users?q=PAGED%20person', 'users');
    expect(searched.pageSizes).toEqual([50, 50, 20]);
    expect(searched.items.map((u) => u.name).sort()).toEqual(Array.from({ length: 120 }, (_, i) => `Paged Person ${i}`).sort());
    expect(new Set(searched.items.map((u) => u.id)).size).toBe(120);
  });

  it('M1 refuses malformed query parameters with 400 validation_failed', async () => {
    for (const query of ['cursor=not%20a%20cursor', `q=${'x'.repeat(201)}`, 'q=a%00b', 'q=a&q=b']) {
      const response = await admin.get(`/api/v1/organization/users?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().code, query).toBe('validation_failed');
    }
  });

  it('T2 an administrator renames the organization and sets or clears the brand name', async () => {
    const renamed = await admin.patch('/api/v1/organization', { name: '  Audit Company ', brandName: 'Audit Brand' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toEqual({
      id: organizationId,
      name: 'Audit Company',
      brandName: 'Audit Brand',
      twoFactor: { requirement: 'optional', requiredFrom: null, recoveryCodePolicy: 'deplete', smsAllowed: true, smsCodeLength: 6, smsAllowedCountries: null, rememberBrowserDays: 0, allowedMethods: ['totp', 'sms', 'webauthn'], requirePhishingResistant: false, allowedAuthenticators: null, authenticatorModels: [] },
      passkeySignIn: true,
    });
    expect((await admin.get('/api/v1/organization')).json()).toMatchObject({ name: 'Audit Company', brandName: 'Audit Brand' });
    expect((await admin.get('/api/v1/session')).json().organization).toMatchObject({ name: 'Audit Company', brandName: 'Audit Brand' });

    const [event] = await events('?type=organization.updated');
    expect(event).toMatchObject({ actor: { type: 'member', userId: adminId }, details: { changes: { name: 'Audit Company', brandName: 'Audit Brand' } } });

    const onlyBrand = await admin.patch('/api/v1/organization', { brandName: null });
    expect(onlyBrand.json()).toMatchObject({ name: 'Audit Company', brandName: null });

    for (const body of [{ name: '   ' }, { name: '' }, { name: 'x'.repeat(101) }, { name: 42 }, { brandName: 'Tab\there' }, { brandName: '' }]) {
      const response = await admin.patch('/api/v1/organization', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().code).toBe('validation_failed');
    }
    expect((await admin.get('/api/v1/organization')).json()).toMatchObject({ name: 'Audit Company', brandName: null });
  });

  it('M5 records sign-up, sign-in, failed sign-in, sign-out, password reset and invitations with the documented shape', async () => {
    // From the test's own address (the helper signs up from one address per organization).
    const auditor = new Agent(t.app);
    expect((await auditor.post('/api/v1/signup', { organization: 'Ledger Ltd', name: 'Lena', email: 'lena@ledger.example', password: strongPassword })).statusCode).toBe(201);
    const lenaId = (await auditor.get('/api/v1/session')).json().user.id as string;
    const step = () => t.clock.advance(second);

    step();
    const laptop = new Agent(t.app, { 'user-agent': 'Laptop' });
    expect((await laptop.post('/api/v1/auth/login', { email: 'lena@ledger.example', password: strongPassword })).statusCode).toBe(200);
    step();
    expect((await new Agent(t.app).post('/api/v1/auth/login', { email: 'lena@ledger.example', password: 'not the password' })).statusCode).toBe(401);
    step();
    expect((await laptop.post('/api/v1/auth/logout')).statusCode).toBe(204);
    step();
    await new Agent(t.app).post('/api/v1/auth/password-reset', { email: 'lena@ledger.example' });
    const resetToken = tokenFromLink((await t.mail())[0]!.text, 'http://tessera.test/reset-password');
    step();
    expect((await new Agent(t.app).post('/api/v1/auth/password-reset/confirm', { token: resetToken, password: 'lenas new passphrase' })).statusCode).toBe(204);
    step();
    const lena = new Agent(t.app);
    await lena.post('/api/v1/auth/login', { email: 'lena@ledger.example', password: 'lenas new passphrase' });
    step();
    const invited = await lena.post('/api/v1/organization/users', { email: 'max@ledger.example', name: 'Max', role: 'member' });
    const invitationId = invited.json().invitation.id as string;
    const inviteToken = tokenFromLink((await t.mail()).find((m) => m.to === 'max@ledger.example')!.text, 'http://tessera.test/accept-invitation');
    step();
    const max = new Agent(t.app);
    await max.post('/api/v1/invitations/accept', { token: inviteToken, name: 'Max', password: strongPassword });
    const maxId = (await max.get('/api/v1/session')).json().user.id as string;
    step();
    const niaInvitation = await lena.post('/api/v1/organization/users', { email: 'nia@ledger.example', name: 'Nia', role: 'admin' });
    step();
    expect((await lena.delete(`/api/v1/organization/invitations/${niaInvitation.json().invitation.id}`)).statusCode).toBe(204);

    const response = await lena.get('/api/v1/organization/audit-events');
    expect(response.statusCode).toBe(200);
    expect(response.json().nextCursor).toBeNull();
    const list = response.json().events as EventRow[];
    for (const event of list) {
      expect(Object.keys(event).sort()).toEqual(['actor', 'createdAt', 'details', 'id', 'ip', 'type', 'userId']);
      expect(event.id).toMatch(uuidShape);
      expect(event.createdAt).toMatch(isoShape);
      expect(event.ip).toBe('127.0.0.1');
      expect(Object.keys(event.actor).sort()).toEqual(['type', 'userId']);
    }
    // Newest first.
    const times = list.map((e) => e.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(list.map((e) => e.type).sort()).toEqual(
      [
        'organization.created',
        'user.signed_up',
        'user.signed_in', // sign-up
        'user.signed_in', // laptop
        'user.sign_in_failed',
        'user.signed_out',
        'user.password_reset_requested',
        'user.password_reset',
        'user.signed_in', // after the reset
        'invitation.created',
        'invitation.accepted',
        'user.signed_in', // Max, by accepting
        'invitation.created',
        'invitation.revoked',
      ].sort(),
    );
    const one = (type: string) => list.filter((e) => e.type === type);
    expect(one('user.signed_up')).toEqual([expect.objectContaining({ actor: { type: 'member', userId: lenaId }, userId: lenaId, details: {} })]);
    expect(one('user.sign_in_failed')).toEqual([expect.objectContaining({ actor: { type: 'anonymous', userId: null }, userId: lenaId, details: { reason: 'wrong_password' } })]);
    expect(one('user.signed_out')).toEqual([expect.objectContaining({ actor: { type: 'member', userId: lenaId }, userId: lenaId })]);
    expect(one('user.password_reset_requested')).toEqual([expect.objectContaining({ actor: { type: 'anonymous', userId: null }, userId: lenaId })]);
    expect(one('user.password_reset')).toEqual([expect.objectContaining({ userId: lenaId })]);
    expect(one('invitation.created').map((e) => e.details)).toContainEqual({ invitationId, email: 'max@ledger.example', name: 'Max', role: 'member', twoFactorRequired: false });
    expect(one('invitation.accepted')).toEqual([expect.objectContaining({ actor: { type: 'member', userId: maxId }, userId: maxId, details: { invitationId, role: 'member' } })]);
    expect(one('invitation.revoked')).toEqual([expect.objectContaining({ actor: { type: 'member', userId: lenaId }, details: { invitationId: niaInvitation.json().invitation.id, email: 'nia@ledger.example' } })]);
    expect(one('user.signed_in').every((e) => e.details.method === 'password' && e.details.secondFactor === null)).toBe(true);
    // The reset came after its request.
    expect(one('user.password_reset')[0]!.createdAt > one('user.password_reset_requested')[0]!.createdAt).toBe(true);

    // Filters: by member, by type, and both.
    const maxEvents = (await lena.get(`/api/v1/organization/audit-events?userId=${maxId}`)).json().events as EventRow[];
    expect(maxEvents.map((e) => e.type).sort()).toEqual(['invitation.accepted', 'user.signed_in']);
    const signIns = (await lena.get('/api/v1/organization/audit-events?type=user.signed_in')).json().events as EventRow[];
    expect(signIns).toHaveLength(4);
    expect(signIns.every((e) => e.type === 'user.signed_in')).toBe(true);
    const lenaSignIns = (await lena.get(`/api/v1/organization/audit-events?userId=${lenaId}&type=user.signed_in`)).json().events as EventRow[];
    expect(lenaSignIns).toHaveLength(3);
    expect((await lena.get('/api/v1/organization/audit-events?type=no.such_type')).json().events).toEqual([]);
    for (const query of ['userId=not-a-uuid', 'type=User Signed In', 'cursor=%27%20or%201%3D1']) {
      const bad = await lena.get(`/api/v1/organization/audit-events?${query}`);
      expect(bad.statusCode, query).toBe(400);
      expect(bad.json().code).toBe('validation_failed');
    }
  });

  it('M5 pages the audit log by cursor, newest first, each event exactly once', async () => {
    for (let i = 0; i < 60; i++) {
      t.clock.advance(second);
      expect((await admin.patch('/api/v1/me', { name: `Grace ${i}` })).statusCode).toBe(200);
    }
    const all = await allPages<EventRow>(admin, '/api/v1/organization/audit-events', 'events');
    const inDatabase = await t.store.db.selectFrom('auditEvents').select('id').where('organizationId', '=', organizationId).execute();
    expect(all.items.length).toBe(inDatabase.length);
    expect(all.pageSizes.every((n) => n <= 50)).toBe(true);
    expect(new Set(all.items.map((e) => e.id)).size).toBe(all.items.length);
    const times = all.items.map((e) => e.createdAt);
    expect([...times].sort().reverse()).toEqual(times);

    const renames = await allPages<EventRow>(admin, `/api/v1/organization/audit-events?type=user.profile_updated&userId=${adminId}`, 'events');
    expect(renames.pageSizes).toEqual([50, 10]);
    // Newest first: one second apart, the last rename first.
    const renameTimes = renames.items.map((e) => Date.parse(e.createdAt));
    expect(renameTimes.slice(1).map((time, i) => renameTimes[i]! - time)).toEqual(Array(59).fill(second));
    expect(renameTimes[0]).toBe(t.clock.now().getTime());
  });

  it('Security floor: user.signed_up and organization.created are written exactly once per sign-up', async () => {
    const ids: string[] = [];
    for (const email of ['once-1@audit.example', 'once-2@audit.example', 'once-3@audit.example']) {
      const agent = await signUp(t.app, { organization: `Org of ${email}`, email });
      ids.push((await agent.get('/api/v1/session')).json().user.id);
    }
    // A refused duplicate writes nothing.
    await new Agent(t.app).post('/api/v1/signup', { organization: 'Dup', name: 'Dup', email: 'ONCE-1@audit.example', password: strongPassword });
    for (const id of ids) expect(await countEvents({ type: 'user.signed_up', targetUserId: id })).toBe(1);
    const organizations = await t.store.db.selectFrom('organizations').select('id').execute();
    expect(await countEvents({ type: 'organization.created' })).toBe(organizations.length);
    // Every organization here came from one sign-up.
    expect(await countEvents({ type: 'user.signed_up' })).toBe(organizations.length);
  });

  it('Security floor: two racing sign-ups for one address leave one organization and one set of events', async () => {
    // Let both requests pass the "is the address free?" check, then run their transactions.
    const original = t.context.passwords;
    let waiting = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let bothHashing!: () => void;
    const hashing = new Promise<void>((resolve) => (bothHashing = resolve));
    t.context.passwords = {
      async hash(password) {
        if (++waiting === 2) bothHashing();
        await released;
        return original.hash(password);
      },
      verify: (hash, password) => original.verify(hash, password),
    };
    const organizationsBefore = await t.store.db.selectFrom('organizations').select('id').execute();
    let responses: Array<Awaited<ReturnType<Agent['post']>>> = [];
    try {
      const racing = Promise.all(['Race One', 'Race Two'].map((organization) => new Agent(t.app).post('/api/v1/signup', { organization, name: 'Racer', email: 'racer@audit.example', password: strongPassword })));
      await hashing;
      release();
      responses = await racing;
    } finally {
      release();
      t.context.passwords = original;
    }
    expect(responses.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(responses.find((r) => r.statusCode === 409)!.json().code).toBe('email_taken');
    const organizationsAfter = await t.store.db.selectFrom('organizations').select(['id', 'name']).execute();
    expect(organizationsAfter.length).toBe(organizationsBefore.length + 1);
    const raced = await t.store.db.selectFrom('auditEvents').select(['type', 'details']).where('type', '=', 'organization.created').execute();
    expect(raced.filter((e) => /Race (One|Two)/.test(e.details))).toHaveLength(1);
    const racer = await t.store.db.selectFrom('users').select('id').where('emailNormalized', '=', 'racer@audit.example').execute();
    expect(racer).toHaveLength(1);
    expect(await countEvents({ type: 'user.signed_up', targetUserId: racer[0]!.id })).toBe(1);
  });

  it('Security floor: when the audit event cannot be written, the change is rolled back with it', async () => {
    const failOn = async (type: string) => {
      if (t.store.kind === 'sqlite') {
        await sql.raw(`create trigger refuse_audit before insert on audit_events when new.type = '${type}' begin select raise(abort, 'audit refused'); end`).execute(t.store.db);
      } else {
        await sql.raw(`create or replace function refuse_audit() returns trigger language plpgsql as $$ begin if new.type = '${type}' then raise exception 'audit refused'; end if; return new; end $$`).execute(t.store.db);
        await sql.raw('create trigger refuse_audit before insert on audit_events for each row execute function refuse_audit()').execute(t.store.db);
      }
    };
    const restore = async () => {
      await sql.raw(t.store.kind === 'sqlite' ? 'drop trigger refuse_audit' : 'drop trigger refuse_audit on audit_events').execute(t.store.db);
    };

    const before = (await admin.get('/api/v1/organization')).json().name as string;
    await failOn('organization.updated');
    try {
      const response = await admin.patch('/api/v1/organization', { name: 'Never Saved' });
      expect(response.statusCode).toBe(500);
      expect(response.json()).toMatchObject({ code: 'internal_error' });
      expect(response.body).not.toContain('audit refused');
    } finally {
      await restore();
    }
    expect((await admin.get('/api/v1/organization')).json().name).toBe(before);

    // A4: the password, the token's use and the event commit together or not at all.
    await signUp(t.app, { organization: 'Rollback', email: 'rollback@audit.example' });
    await new Agent(t.app).post('/api/v1/auth/password-reset', { email: 'rollback@audit.example' });
    const token = tokenFromLink((await t.mail())[0]!.text, 'http://tessera.test/reset-password');
    await failOn('user.password_reset');
    try {
      expect((await new Agent(t.app).post('/api/v1/auth/password-reset/confirm', { token, password: 'never stored passphrase' })).statusCode).toBe(500);
    } finally {
      await restore();
    }
    expect((await new Agent(t.app).post('/api/v1/auth/login', { email: 'rollback@audit.example', password: strongPassword })).statusCode).toBe(200);
    // The link was not used up by the failed attempt, and now works once.
    expect((await new Agent(t.app).post('/api/v1/auth/password-reset/confirm', { token, password: 'stored this time round' })).statusCode).toBe(204);
    expect((await new Agent(t.app).post('/api/v1/auth/login', { email: 'rollback@audit.example', password: 'stored this time round' })).statusCode).toBe(200);
  });
});
