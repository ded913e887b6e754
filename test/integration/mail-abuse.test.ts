// Issue 10 items 5 and 7: e-mail that a request sends is claimed against per-member, per-recipient
// and per-organization counters before it goes out (429 rate_limited with Retry-After), also
// when the requests arrive at once on two instances; and an invitation of an address registered
// in another organization is answered like any other, its owner told by e-mail, nothing created.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Browser, tokenFromLink } from '../support/agent.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';
import { expectProblem, minute, readUser, signUpMember, type Member } from '../support/two-factor.js';

const invitationSubject = 'Someone invited you to join an organization on Tessera';

describe(`mail abuse (issue 10 items 5, 7) on ${testDatabaseKind}`, () => {
  let t: TestApp;
  /** A second instance on the same database on PostgreSQL; on SQLite (one process per file, see two-factor-races.test.ts) the same one. */
  let other: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    other = testDatabaseKind === 'postgres' ? await createTestApp({}, { database: t.database }) : t;
  });
  afterAll(async () => {
    if (other !== t) await other.close();
    await t.close();
  });

  async function allMail() {
    return other === t ? t.mail() : [...(await t.mail()), ...(await other.mail())];
  }

  function expectRateLimited(response: LightMyRequestResponse, label: string): void {
    expectProblem(response, 429, 'rate_limited', label);
    expect(Number(response.headers['retry-after']), label).toBeGreaterThan(0);
  }

  /** The same signed-in browser, talking to another instance. */
  function sameBrowserOn(app: FastifyInstance, browser: Browser): Browser {
    const copy = new Browser(app);
    for (const [name, value] of browser.cookies) copy.cookies.set(name, value);
    return copy;
  }

  function invite(admin: Member, email: string, app = t) {
    const browser = app === t || other === t ? admin.browser : sameBrowserOn(other.app, admin.browser);
    return browser.post('/api/v1/organization/users', { email, name: 'Newcomer', role: 'member' });
  }

  it('issue 10 item 7: 15 verification resends at once (on two instances on PostgreSQL) e-mail at most 3; the rest are 429 rate_limited with Retry-After; 15 minutes later 3 more', async () => {
    const member = await signUpMember(t, { email: 'resend@mail-abuse.example', verify: false });
    const onOther = sameBrowserOn(other.app, member.browser);
    const sentTo = async () => (await allMail()).filter((m) => m.to === member.email && m.subject === 'Verify your e-mail address').length;
    const before = await sentTo(); // the sign-up's own

    const responses = await Promise.all(Array.from({ length: 15 }, (_, i) => (i % 2 === 0 ? member.browser : onOther).post('/api/v1/auth/verify-email/resend')));
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 202), JSON.stringify(statuses)).toHaveLength(3);
    responses.filter((r) => r.statusCode !== 202).forEach((r, i) => expectRateLimited(r, `refused ${i}`));
    expect(await sentTo()).toBe(before + 3);

    t.clock.advance(15 * minute);
    if (other !== t) other.clock.advance(15 * minute);
    for (let i = 0; i < 3; i++) expect((await member.browser.post('/api/v1/auth/verify-email/resend')).statusCode).toBe(202);
    expectRateLimited(await member.browser.post('/api/v1/auth/verify-email/resend'), 'fourth in the new window');
    expect(await sentTo()).toBe(before + 6);
  });

  it('issue 10 item 7: one organization invites one address at most 3 times a day, also when 8 arrive at once', async () => {
    const admin = await signUpMember(t, { email: 'ada@invite-recipient.example', organization: 'Recipient Co' });
    const responses = await Promise.all(Array.from({ length: 8 }, () => invite(admin, 'popular@invitee.example')));
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201), JSON.stringify(statuses)).toHaveLength(3);
    responses.filter((r) => r.statusCode !== 201).forEach((r, i) => expectRateLimited(r, `refused ${i}`));
    expect((await t.mail()).filter((m) => m.to === 'popular@invitee.example')).toHaveLength(3);
    // Another address is still fine, and so is this one for another organization.
    expect((await invite(admin, 'someone-else@invitee.example')).statusCode).toBe(201);
    const elsewhere = await signUpMember(t, { email: 'bea@invite-recipient-2.example', organization: 'Other Co' });
    expect((await invite(elsewhere, 'popular@invitee.example')).statusCode).toBe(201);
  });

  it('issue 10 item 7: one administrator sends at most 50 invitations an hour, also when 56 arrive at once (on two instances on PostgreSQL)', async () => {
    const admin = await signUpMember(t, { email: 'ada@invite-member.example', organization: 'Busy Co' });
    const responses = await Promise.all(Array.from({ length: 56 }, (_, i) => invite(admin, `person-${i}@busy.example`, i % 2 === 0 ? t : other)));
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201), JSON.stringify(statuses)).toHaveLength(50);
    responses.filter((r) => r.statusCode !== 201).forEach((r, i) => expectRateLimited(r, `refused ${i}`));
    expect((await allMail()).filter((m) => m.to.endsWith('@busy.example'))).toHaveLength(50);
    const invitations = await t.store.db.selectFrom('invitations').select('id').where('organizationId', '=', admin.organizationId).execute();
    expect(invitations).toHaveLength(50);
  });

  /** Moves both instances' clocks (one clock on SQLite). */
  function advance(milliseconds: number): void {
    t.clock.advance(milliseconds);
    if (other !== t) other.clock.advance(milliseconds);
  }

  it('issue 10 item 7: a member gets at most 10 verification e-mails a day, however the resends are spread over the day; the next day more', async () => {
    const member = await signUpMember(t, { email: 'daily-resend@mail-abuse.example', verify: false });
    const sentTo = async () => (await t.mail()).filter((m) => m.to === member.email && m.subject === 'Verify your e-mail address').length;
    const before = await sentTo(); // the sign-up's own
    // 3 per 15 minutes, within the 15-minute limit every time: 10 resends go out.
    for (let i = 0; i < 10; i++) {
      if (i > 0 && i % 3 === 0) advance(15 * minute);
      expect((await member.browser.post('/api/v1/auth/verify-email/resend')).statusCode, `resend ${i + 1}`).toBe(202);
    }
    advance(15 * minute);
    expectRateLimited(await member.browser.post('/api/v1/auth/verify-email/resend'), 'eleventh in a day');
    expect(await sentTo()).toBe(before + 10);
    advance(24 * 60 * minute);
    // A day of idle time signed the browser out; signing in again (unverified members may) resends.
    expect((await member.browser.login(member.email)).statusCode).toBe(200);
    expect((await member.browser.post('/api/v1/auth/verify-email/resend')).statusCode).toBe(202);
    expect(await sentTo()).toBe(before + 11);
  });

  it('issue 10 item 7: one address gets invitations from at most 10 organizations a day; the 11th organization is refused and nothing is created', async () => {
    const recipient = 'wanted@across-organizations.example';
    for (let i = 0; i < 10; i++) {
      const admin = await signUpMember(t, { email: `ada-${i}@across-organizations.example`, organization: `Across Co ${i}` });
      expect((await invite(admin, recipient)).statusCode, `organization ${i + 1}`).toBe(201);
    }
    const eleventh = await signUpMember(t, { email: 'ada-10@across-organizations.example', organization: 'Across Co 10' });
    expectRateLimited(await invite(eleventh, recipient), 'eleventh organization');
    expect((await t.mail()).filter((m) => m.to === recipient)).toHaveLength(10);
    expect(await t.store.db.selectFrom('invitations').select('id').where('organizationId', '=', eleventh.organizationId).execute()).toEqual([]);
    // The refused organization may still invite others.
    expect((await invite(eleventh, 'someone-else@across-organizations.example')).statusCode).toBe(201);
  });

  it('issue 10 item 7: one organization sends at most 200 invitations a day, even when each hour stays under the administrator’s 50; the next day more', async () => {
    const admin = await signUpMember(t, { email: 'ada@invite-organization.example', organization: 'Daily Co' });
    for (let hour = 0; hour < 4; hour++) {
      if (hour > 0) {
        advance(60 * minute);
        expect((await admin.browser.reauthenticate()).statusCode).toBe(204);
      }
      const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => invite(admin, `person-${hour}-${i}@daily.example`)));
      expect(responses.map((r) => r.statusCode).filter((s) => s !== 201), `hour ${hour}`).toEqual([]);
    }
    // A new hour: the administrator's own 50 are free again; the organization's 200 are used up.
    advance(60 * minute);
    expect((await admin.browser.reauthenticate()).statusCode).toBe(204);
    expectRateLimited(await invite(admin, 'one-too-many@daily.example'), '201st in a day');
    expect((await t.mail()).filter((m) => m.to.endsWith('@daily.example'))).toHaveLength(200);
    expect(await t.store.db.selectFrom('invitations').select('id').where('organizationId', '=', admin.organizationId).execute()).toHaveLength(200);
    advance(21 * 60 * minute);
    expect((await admin.browser.login(admin.email)).statusCode).toBe(200);
    expect((await invite(admin, 'one-too-many@daily.example')).statusCode).toBe(201);
  });

  it('issue 10 item 5: inviting an address registered in another organization answers exactly like a new address; its owner is told by e-mail, without a link; nothing is created or changed', async () => {
    const admin = await signUpMember(t, { email: 'ada@inviter.example', name: 'Ada Inviter', organization: 'Inviter Co' });
    const registered = await signUpMember(t, { email: 'taken@registered.example', name: 'Tim Taken', organization: 'Registered Co' });
    const userBefore = await readUser(t, registered.userId);
    const usersBefore = (await t.store.db.selectFrom('users').select('id').execute()).length;

    const toNew = await invite(admin, 'fresh@unregistered.example');
    const toRegistered = await invite(admin, 'Taken@Registered.example');
    expect(toRegistered.statusCode).toBe(toNew.statusCode);
    expect(toRegistered.statusCode).toBe(201);
    expect(toRegistered.headers['content-type']).toBe(toNew.headers['content-type']);
    const shape = (body: { invitation: Record<string, unknown> }) => ({ ...body.invitation, id: 'id', email: 'email' });
    expect(shape(toRegistered.json())).toEqual(shape(toNew.json()));
    expect(toRegistered.json().invitation.email).toBe('Taken@Registered.example');

    // The list shows both alike; the inviting organization's audit log tells nothing more.
    const listed = (await admin.browser.get('/api/v1/organization/invitations')).json();
    expect(listed.invitations.map((i: { email: string }) => i.email).sort()).toEqual(['Taken@Registered.example', 'fresh@unregistered.example']);
    const inviterEvents = await t.store.db.selectFrom('auditEvents').selectAll().where('organizationId', '=', admin.organizationId).where('type', 'like', 'invitation.%').orderBy('id').execute();
    expect(inviterEvents.map((e) => e.type)).toEqual(['invitation.created', 'invitation.created']);
    expect(Object.keys(JSON.parse(inviterEvents[1]!.details)).sort()).toEqual(Object.keys(JSON.parse(inviterEvents[0]!.details)).sort());

    // The owner of the address gets a notice, with no link that could make a second account.
    const mails = (await t.mail()).filter((m) => m.to === 'taken@registered.example' && m.subject === invitationSubject);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe(invitationSubject);
    expect(mails[0]!.text).toContain('\u201cAda Inviter\u201d at the organization \u201cInviter Co\u201d tried to invite you');
    expect(mails[0]!.text).toContain('You already have a Tessera account with this e-mail address');
    expect(mails[0]!.text).not.toContain('http');
    expect((await t.mail()).filter((m) => m.to === 'Taken@Registered.example')).toHaveLength(0);
    const newcomerMail = (await t.mail()).find((m) => m.to === 'fresh@unregistered.example');
    expect(newcomerMail!.subject).toBe(invitationSubject);
    expect(tokenFromLink(newcomerMail!.text, 'http://tessera.test/accept-invitation')).toBeTruthy();

    // Nobody created, the registered member unchanged; their own organization's log says what happened.
    expect((await t.store.db.selectFrom('users').select('id').execute()).length).toBe(usersBefore);
    expect(await readUser(t, registered.userId)).toEqual(userBefore);
    const told = await t.store.db.selectFrom('auditEvents').selectAll().where('organizationId', '=', registered.organizationId).where('type', '=', 'invitation.existing_account_notified').execute();
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ targetUserId: registered.userId, actorType: 'system', ip: null });
    expect(JSON.parse(told[0]!.details)).toMatchObject({ invitingOrganizationId: admin.organizationId, invitingOrganizationName: 'Inviter Co', invitationId: toRegistered.json().invitation.id });
  });
});
