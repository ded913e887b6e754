// A6 over HTTP: administrators invite teammates by e-mail with a role; the invitee sets a
// password through the link. Also the admin-only guard and tenant isolation of the admin routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, signUp, strongPassword, tokenFromLink } from '../support/agent.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';
import { verifyAddress } from '../support/two-factor.js';

const acceptLink = 'http://tessera.test/accept-invitation';
const day = 24 * 60 * 60 * 1000;
const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe(`invitations (A6) on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let organizationId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await signUp(t.app, { organization: 'Acme', name: 'Ada Admin', email: 'ada@acme.example' });
    await verifyAddress(t, 'ada@acme.example');
    organizationId = (await admin.get('/api/v1/organization')).json().id;
  });
  afterAll(async () => {
    await t.close();
  });

  /** A fresh signed-in browser (sessions die when a test moves the clock by days). */
  async function signIn(email: string, password = strongPassword): Promise<Agent> {
    const agent = new Agent(t.app);
    const response = await agent.post('/api/v1/auth/login', { email, password });
    if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
    return agent;
  }

  /** The token of the newest invitation e-mail sent to `to`. */
  async function invitationTokenFor(to: string): Promise<string> {
    const mail = (await t.mail()).find((m) => m.to === to);
    if (!mail) throw new Error(`no mail to ${to}`);
    return tokenFromLink(mail.text, acceptLink);
  }

  async function countRows(table: 'users' | 'invitations' | 'auditEvents'): Promise<number> {
    const row = await t.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it('A6 an administrator invites by e-mail with a role; the e-mailed link previews, then accepts once: signed in, verified, with that role', async () => {
    const admin = await signIn('ada@acme.example');
    const invited = await admin.post('/api/v1/organization/users', { email: 'Bob@Acme.example', name: 'Bob', role: 'member', twoFactorRequired: true });
    expect(invited.statusCode).toBe(201);
    const { invitation } = invited.json();
    expect(invitation).toEqual({
      id: expect.stringMatching(uuidShape),
      email: 'Bob@Acme.example',
      name: 'Bob',
      role: 'member',
      twoFactorRequired: true,
      createdAt: t.clock.now().toISOString(),
      expiresAt: new Date(t.clock.now().getTime() + 7 * day).toISOString(),
    });

    const [mail] = await t.mail();
    expect(mail!.to).toBe('Bob@Acme.example');
    // Issue 10 item 7: a fixed subject; the inviter's and organization's names only in the body, quoted.
    expect(mail!.subject).toBe('Someone invited you to join an organization on Tessera');
    expect(mail!.text).toContain('\u201cAda Admin\u201d invited you to join the organization \u201cAcme\u201d');
    const token = tokenFromLink(mail!.text, acceptLink);
    expect(mail!.html).toContain(`${acceptLink}?token=${token}`);

    const preview = await new Agent(t.app).get(`/api/v1/invitations/preview?token=${token}`);
    expect(preview.statusCode).toBe(200);
    expect(preview.json()).toEqual({ email: 'Bob@Acme.example', name: 'Bob', role: 'member', organization: { name: 'Acme' } });

    const bob = new Agent(t.app);
    const accepted = await bob.post('/api/v1/invitations/accept', { token, name: '  Bob Builder ', password: 'bobs own long passphrase' });
    expect(accepted.statusCode).toBe(201);
    expect(accepted.json().user).toMatchObject({ email: 'Bob@Acme.example', name: 'Bob Builder', role: 'member', emailVerified: true });
    expect(accepted.json().organization.id).toBe(organizationId);
    expect(([] as string[]).concat(accepted.headers['set-cookie'] ?? [])[0]).toMatch(/^tessera_session=[A-Za-z0-9_-]{43};.*HttpOnly/);
    const session = await bob.get('/api/v1/session');
    expect(session.statusCode).toBe(200);
    expect(session.json().user).toMatchObject({ email: 'Bob@Acme.example', role: 'member', emailVerified: true });

    // The per-member requirement chosen at invitation time carries over (P4).
    const row = (await admin.get('/api/v1/organization/users?q=bob')).json().users[0];
    expect(row.twoFactor).toEqual({ status: 'off', required: true, requiredBy: 'member', methods: [] });

    // Single use: the link neither previews nor accepts again, and the invitation is no longer open.
    const again = await new Agent(t.app).post('/api/v1/invitations/accept', { token, name: 'Mallory', password: 'mallorys passphrase' });
    expect(again.statusCode).toBe(400);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(again.json().code).toBe('invalid_token');
    expect((await new Agent(t.app).get(`/api/v1/invitations/preview?token=${token}`)).json().code).toBe('invalid_token');
    expect((await admin.get('/api/v1/organization/invitations')).json().invitations.map((i: { email: string }) => i.email)).not.toContain('Bob@Acme.example');
    // The chosen password is the member's password from now on.
    expect((await new Agent(t.app).post('/api/v1/auth/login', { email: 'bob@acme.example', password: 'bobs own long passphrase' })).statusCode).toBe(200);
  });

  it('A6 an invitation with the admin role makes an administrator', async () => {
    const admin = await signIn('ada@acme.example');
    expect((await admin.post('/api/v1/organization/users', { email: 'carla@acme.example', name: 'Carla', role: 'admin' })).statusCode).toBe(201);
    const carla = new Agent(t.app);
    const accepted = await carla.post('/api/v1/invitations/accept', { token: await invitationTokenFor('carla@acme.example'), name: 'Carla', password: strongPassword });
    expect(accepted.statusCode).toBe(201);
    expect(accepted.json().user.role).toBe('admin');
    expect((await carla.get('/api/v1/organization/users')).statusCode).toBe(200);
  });

  it('A6 re-inviting the same address (any letter case) replaces the earlier link', async () => {
    const admin = await signIn('ada@acme.example');
    await admin.post('/api/v1/organization/users', { email: 'dora@acme.example', name: 'Dora', role: 'member' });
    const first = await invitationTokenFor('dora@acme.example');
    const second = await admin.post('/api/v1/organization/users', { email: 'DORA@acme.example', name: 'Dora Explorer', role: 'admin' });
    expect(second.statusCode).toBe(201);
    const secondToken = await invitationTokenFor('DORA@acme.example');
    expect(secondToken).not.toBe(first);

    const open = (await admin.get('/api/v1/organization/invitations')).json().invitations.filter((i: { email: string }) => i.email.toLowerCase() === 'dora@acme.example');
    expect(open).toEqual([expect.objectContaining({ id: second.json().invitation.id, name: 'Dora Explorer', role: 'admin' })]);

    expect((await new Agent(t.app).get(`/api/v1/invitations/preview?token=${first}`)).json().code).toBe('invalid_token');
    const stale = await new Agent(t.app).post('/api/v1/invitations/accept', { token: first, name: 'Dora', password: strongPassword });
    expect(stale.statusCode).toBe(400);
    expect(stale.json().code).toBe('invalid_token');
    const fresh = await new Agent(t.app).post('/api/v1/invitations/accept', { token: secondToken, name: 'Dora', password: strongPassword });
    expect(fresh.statusCode).toBe(201);
    expect(fresh.json().user.role).toBe('admin');
  });

  it('A6 inviting an address that already has an account in the same organization answers 409 email_taken, in any letter case, and sends nothing', async () => {
    // An address with an account in another organization is answered like a new one (issue 10 item 5, mail-abuse.test.ts).
    const admin = await signIn('ada@acme.example');
    const mailsBefore = (await t.mail()).length;
    const invitationsBefore = await countRows('invitations');
    for (const email of ['ADA@acme.example', 'bob@ACME.EXAMPLE']) {
      const response = await admin.post('/api/v1/organization/users', { email, name: 'Dup', role: 'member' });
      expect(response.statusCode, email).toBe(409);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ status: 409, code: 'email_taken' });
    }
    expect((await t.mail()).length).toBe(mailsBefore);
    expect(await countRows('invitations')).toBe(invitationsBefore);
  });

  it('A6 accepting after the address got an account elsewhere answers 409 email_taken and creates nobody', async () => {
    const admin = await signIn('ada@acme.example');
    await admin.post('/api/v1/organization/users', { email: 'fay@acme.example', name: 'Fay', role: 'member' });
    const token = await invitationTokenFor('fay@acme.example');
    await signUp(t.app, { organization: 'Fay Inc', email: 'Fay@acme.example' });
    const users = await countRows('users');
    const accepted = await new Agent(t.app).post('/api/v1/invitations/accept', { token, name: 'Fay', password: strongPassword });
    expect(accepted.statusCode).toBe(409);
    expect(accepted.json().code).toBe('email_taken');
    expect(await countRows('users')).toBe(users);
  });

  it('A6 invitation and acceptance input is validated with 400 validation_failed, changing nothing', async () => {
    const admin = await signIn('ada@acme.example');
    const invitationsBefore = await countRows('invitations');
    const bad = [
      { email: 'not-an-address', name: 'X', role: 'member' },
      { email: 'x@acme.example', name: 'X', role: 'owner' },
      { email: 'x@acme.example', name: '   ', role: 'member' },
      { email: 'x@acme.example', name: 'X'.repeat(101), role: 'member' },
      { email: 'x@acme.example', name: 'X', role: 'member', twoFactorRequired: 'yes' },
      { email: 'x@acme.example', name: 'X' },
    ];
    for (const body of bad) {
      const response = await admin.post('/api/v1/organization/users', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().code).toBe('validation_failed');
    }
    expect(await countRows('invitations')).toBe(invitationsBefore);

    await admin.post('/api/v1/organization/users', { email: 'gus@acme.example', name: 'Gus', role: 'member' });
    const token = await invitationTokenFor('gus@acme.example');
    const users = await countRows('users');
    for (const body of [
      { token, name: 'Gus', password: 'short' },
      { token, name: '   ', password: strongPassword },
      { token, name: 'Gus' },
      { token: 'not a token!', name: 'Gus', password: strongPassword },
    ]) {
      const response = await new Agent(t.app).post('/api/v1/invitations/accept', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().code).toBe('validation_failed');
    }
    expect(await countRows('users')).toBe(users);
    // The failed attempts did not use the link up.
    expect((await new Agent(t.app).post('/api/v1/invitations/accept', { token, name: 'Gus', password: strongPassword })).statusCode).toBe(201);
  });

  it('A6 an administrator lists open invitations and revokes one: its link dies, a second revoke is 404', async () => {
    const admin = await signIn('ada@acme.example');
    const created = await admin.post('/api/v1/organization/users', { email: 'hal@acme.example', name: 'Hal', role: 'member' });
    const id = created.json().invitation.id as string;
    const token = await invitationTokenFor('hal@acme.example');

    const listed = await admin.get('/api/v1/organization/invitations');
    expect(listed.statusCode).toBe(200);
    expect(listed.json().invitations).toContainEqual(created.json().invitation);

    const revoked = await admin.delete(`/api/v1/organization/invitations/${id}`);
    expect(revoked.statusCode).toBe(204);
    expect(revoked.body).toBe('');
    expect((await admin.get('/api/v1/organization/invitations')).json().invitations.map((i: { id: string }) => i.id)).not.toContain(id);
    expect((await new Agent(t.app).get(`/api/v1/invitations/preview?token=${token}`)).json().code).toBe('invalid_token');
    const accept = await new Agent(t.app).post('/api/v1/invitations/accept', { token, name: 'Hal', password: strongPassword });
    expect(accept.statusCode).toBe(400);
    expect(accept.json().code).toBe('invalid_token');

    const twice = await admin.delete(`/api/v1/organization/invitations/${id}`);
    expect(twice.statusCode).toBe(404);
    expect(twice.json().code).toBe('not_found');
  });

  it('A6 an accepted invitation can no longer be revoked (404)', async () => {
    const admin = await signIn('ada@acme.example');
    const created = await admin.post('/api/v1/organization/users', { email: 'ivy@acme.example', name: 'Ivy', role: 'member' });
    await new Agent(t.app).post('/api/v1/invitations/accept', { token: await invitationTokenFor('ivy@acme.example'), name: 'Ivy', password: strongPassword });
    expect((await admin.delete(`/api/v1/organization/invitations/${created.json().invitation.id}`)).statusCode).toBe(404);
    expect((await new Agent(t.app).post('/api/v1/auth/login', { email: 'ivy@acme.example', password: strongPassword })).statusCode).toBe(200);
  });

  it('A6 a revocation that lands while the acceptance is in flight still wins: no account is created', async () => {
    const admin = await signIn('ada@acme.example');
    const created = await admin.post('/api/v1/organization/users', { email: 'jay@acme.example', name: 'Jay', role: 'member' });
    const token = await invitationTokenFor('jay@acme.example');

    // Hold the acceptance inside its password hashing (after it has read the open invitation)
    // while the administrator revokes; then let it continue.
    const original = t.context.passwords;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let hashingStarted!: () => void;
    const hashing = new Promise<void>((resolve) => (hashingStarted = resolve));
    t.context.passwords = {
      async hash(password) {
        hashingStarted();
        await released;
        return original.hash(password);
      },
      verify: (hash, password) => original.verify(hash, password),
    };
    let accepted: Awaited<ReturnType<Agent['post']>> | undefined;
    try {
      const accepting = new Agent(t.app).post('/api/v1/invitations/accept', { token, name: 'Jay', password: strongPassword });
      await hashing;
      expect((await admin.delete(`/api/v1/organization/invitations/${created.json().invitation.id}`)).statusCode).toBe(204);
      release();
      accepted = await accepting;
    } finally {
      release();
      t.context.passwords = original;
    }
    expect(accepted!.statusCode).toBe(400);
    expect(accepted!.json().code).toBe('invalid_token');
    const rows = await t.store.db.selectFrom('users').select('id').where('emailNormalized', '=', 'jay@acme.example').execute();
    expect(rows).toEqual([]);
    expect((await new Agent(t.app).post('/api/v1/auth/login', { email: 'jay@acme.example', password: strongPassword })).statusCode).toBe(401);
  });

  it('A6 a member gets 403 forbidden on every administrator route but can read the organization', async () => {
    const admin = await signIn('ada@acme.example');
    const open = await admin.post('/api/v1/organization/users', { email: 'kim@acme.example', name: 'Kim', role: 'member' });
    const openId = open.json().invitation.id as string;
    const member = await signIn('bob@acme.example', 'bobs own long passphrase');
    const invitationsBefore = await countRows('invitations');

    const attempts: Array<[string, () => ReturnType<Agent['get']>]> = [
      ['GET users', () => member.get('/api/v1/organization/users')],
      ['POST users', () => member.post('/api/v1/organization/users', { email: 'sneaky@acme.example', name: 'Sneaky', role: 'admin' })],
      ['GET invitations', () => member.get('/api/v1/organization/invitations')],
      ['DELETE invitation', () => member.delete(`/api/v1/organization/invitations/${openId}`)],
      ['GET audit-events', () => member.get('/api/v1/organization/audit-events')],
      ['PATCH organization', () => member.patch('/api/v1/organization', { name: 'Taken over' })],
    ];
    for (const [label, attempt] of attempts) {
      const response = await attempt();
      expect(response.statusCode, label).toBe(403);
      expect(response.headers['content-type'], label).toMatch(/^application\/problem\+json/);
      expect(response.json().code, label).toBe('forbidden');
    }
    expect(await countRows('invitations')).toBe(invitationsBefore);
    expect((await new Agent(t.app).get(`/api/v1/invitations/preview?token=${await invitationTokenFor('kim@acme.example')}`)).statusCode).toBe(200);

    const organization = await member.get('/api/v1/organization');
    expect(organization.statusCode).toBe(200);
    expect(organization.json()).toMatchObject({ id: organizationId, name: 'Acme' });
  });

  it('A6 tenant isolation: an administrator sees and touches only their own organization', async () => {
    const adminA = await signIn('ada@acme.example');
    const adminB = await signUp(t.app, { organization: 'Globex', name: 'Bea Boss', email: 'bea@globex.example' });
    await verifyAddress(t, 'bea@globex.example');
    const beaId = (await adminB.get('/api/v1/session')).json().user.id as string;
    const invitationB = (await adminB.post('/api/v1/organization/users', { email: 'zed@globex.example', name: 'Zed', role: 'member' })).json().invitation;
    await adminB.post('/api/v1/organization/users', { email: 'yan@globex.example', name: 'Yan Acme-Fan', role: 'member' });
    const yan = new Agent(t.app);
    await yan.post('/api/v1/invitations/accept', { token: await invitationTokenFor('yan@globex.example'), name: 'Yan Acme-Fan', password: strongPassword });
    const yanId = (await yan.get('/api/v1/session')).json().user.id as string;

    // Users: only members of A, also when searching for B's people.
    const usersA = (await adminA.get('/api/v1/organization/users')).json().users as Array<{ id: string; email: string }>;
    const membersOfA = await t.store.db.selectFrom('users').select('id').where('organizationId', '=', organizationId).execute();
    expect(usersA.map((u) => u.id).sort()).toEqual(membersOfA.map((u) => u.id).sort());
    expect(usersA.map((u) => u.email)).not.toContain('bea@globex.example');
    expect((await adminA.get('/api/v1/organization/users?q=globex')).json().users).toEqual([]);
    expect((await adminA.get('/api/v1/organization/users?q=yan')).json().users).toEqual([]);

    // Invitations: B's are invisible to A and cannot be revoked by A.
    const invitationsA = (await adminA.get('/api/v1/organization/invitations')).json().invitations as Array<{ id: string; email: string }>;
    expect(invitationsA.map((i) => i.id)).not.toContain(invitationB.id);
    expect(invitationsA.every((i) => !i.email.endsWith('@globex.example'))).toBe(true);
    const revoke = await adminA.delete(`/api/v1/organization/invitations/${invitationB.id}`);
    expect(revoke.statusCode).toBe(404);
    expect(revoke.json().code).toBe('not_found');
    expect((await new Agent(t.app).get(`/api/v1/invitations/preview?token=${await invitationTokenFor('zed@globex.example')}`)).statusCode).toBe(200);

    // Audit events: none of B's, also when asking for B's members by id or for B's event types.
    const eventsA = (await adminA.get('/api/v1/organization/audit-events')).json().events as Array<{ userId: string | null; actor: { userId: string | null }; details: Record<string, unknown> }>;
    expect(eventsA.length).toBeGreaterThan(0);
    for (const event of eventsA) {
      expect([beaId, yanId]).not.toContain(event.userId);
      expect([beaId, yanId]).not.toContain(event.actor.userId);
      expect(JSON.stringify(event.details)).not.toContain('globex');
    }
    expect((await adminA.get(`/api/v1/organization/audit-events?userId=${beaId}`)).json().events).toEqual([]);
    expect((await adminA.get(`/api/v1/organization/audit-events?userId=${yanId}&type=invitation.accepted`)).json().events).toEqual([]);

    // B sees its own (so the filters above could have found something).
    expect((await adminB.get('/api/v1/organization/invitations')).json().invitations.map((i: { id: string }) => i.id)).toContain(invitationB.id);
    expect((await adminB.get(`/api/v1/organization/audit-events?userId=${yanId}&type=invitation.accepted`)).json().events).toHaveLength(1);
    expect((await adminB.get('/api/v1/organization/users')).json().users.map((u: { email: string }) => u.email).sort()).toEqual(['bea@globex.example', 'yan@globex.example']);
  });

  it('A6 invitation links expire after 7 days', async () => {
    const admin = await signIn('ada@acme.example');
    const created = await admin.post('/api/v1/organization/users', { email: 'lea@acme.example', name: 'Lea', role: 'member' });
    const id = created.json().invitation.id as string;
    const token = await invitationTokenFor('lea@acme.example');

    t.clock.advance(7 * day - 60_000);
    expect((await new Agent(t.app).get(`/api/v1/invitations/preview?token=${token}`)).statusCode).toBe(200);
    t.clock.advance(60_000);
    const preview = await new Agent(t.app).get(`/api/v1/invitations/preview?token=${token}`);
    expect(preview.statusCode).toBe(400);
    expect(preview.json().code).toBe('invalid_token');
    const accept = await new Agent(t.app).post('/api/v1/invitations/accept', { token, name: 'Lea', password: strongPassword });
    expect(accept.statusCode).toBe(400);
    expect(accept.json().code).toBe('invalid_token');
    const stillAdmin = await signIn('ada@acme.example');
    expect((await stillAdmin.get('/api/v1/organization/invitations')).json().invitations.map((i: { id: string }) => i.id)).not.toContain(id);
    // Inviting again issues a new, working link.
    await stillAdmin.post('/api/v1/organization/users', { email: 'lea@acme.example', name: 'Lea', role: 'member' });
    expect((await new Agent(t.app).post('/api/v1/invitations/accept', { token: await invitationTokenFor('lea@acme.example'), name: 'Lea', password: strongPassword })).statusCode).toBe(201);
  });
});
