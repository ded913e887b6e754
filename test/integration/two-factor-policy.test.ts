// Organization policy over HTTP (P1, P3, P5, P6): turning the requirement on and off, the pending
// list, the required action and sensitive routes, setup-only sessions at sign-in, the grace period
// and its reminder e-mails (also from two instances on one database) — on the database chosen by
// TESSERA_TEST_DATABASE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../src/mail/mailer.js';
import type { AppContext } from '../../src/services/context.js';
import { runTwoFactorReminders } from '../../src/services/two-factor-reminders.js';
import { openStore } from '../../src/store/database.js';
import { strongPassword } from '../support/agent.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';
import { Browser, enrolTotp, expectProblem, inviteMember, mailTo, memberWithTwoFactor, minute, nextStep, readUser, totpCode, type Member } from '../support/two-factor.js';

const hour = 60 * minute;
const day = 24 * hour;
const setupAction = 'two_factor_setup_required';
const reminderSubject = 'Reminder: set up two-factor authentication';

describe(`organization two-factor policy on ${testDatabaseKind}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const invite = (admin: Member, input: Parameters<typeof inviteMember>[2]) => inviteMember(t, admin, input);


  async function sessionState(browser: Browser) {
    const response = await browser.get('/api/v1/session');
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { user: { name: string }; organization: { twoFactor: { requirement: string; requiredFrom: string | null } }; requiredActions: unknown[] };
  }

  async function organizationEvents(organizationId: string, type: string) {
    const rows = await t.store.db.selectFrom('auditEvents').selectAll().where('organizationId', '=', organizationId).where('type', '=', type).orderBy('id').execute();
    return rows.map((row) => ({ ...row, details: JSON.parse(row.details) as Record<string, unknown> }));
  }

  async function countAuditEvents(organizationId: string): Promise<number> {
    const row = await t.store.db.selectFrom('auditEvents').select((eb) => eb.fn.countAll<number | string>().as('n')).where('organizationId', '=', organizationId).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  function requireTwoFactor(admin: Member, requiredFrom?: string | null) {
    return admin.browser.patch('/api/v1/organization', { twoFactor: { requirement: 'required', ...(requiredFrom === undefined ? {} : { requiredFrom }) } });
  }

  /** The sensitive routes a member can reach (P5: profile and password changes). */
  async function expectSensitiveRefused(browser: Browser, label: string): Promise<void> {
    expectProblem(await browser.patch('/api/v1/me', { name: 'Changed Name' }), 403, setupAction, `${label} PATCH /me`);
    expectProblem(await browser.post('/api/v1/me/password', { currentPassword: strongPassword, newPassword: 'a brand new long passphrase' }), 403, setupAction, `${label} POST /me/password`);
  }

  /** P5: a session limited to setup opens only what completes it. */
  async function expectSetupOnly(browser: Browser, label: string): Promise<void> {
    expect((await sessionState(browser)).requiredActions).toEqual([{ action: setupAction, blocking: true }]);
    for (const [method, url, body] of [
      ['GET', '/api/v1/me/sessions', undefined],
      ['PATCH', '/api/v1/me', { name: 'Changed Name' }],
      ['POST', '/api/v1/me/password', { currentPassword: strongPassword, newPassword: 'a brand new long passphrase' }],
      ['GET', '/api/v1/me/two-factor/recovery-codes', undefined],
    ] as const) {
      expectProblem(await browser.request(method, url, body), 403, setupAction, `${label} ${method} ${url}`);
    }
    expect((await browser.get('/api/v1/me/two-factor')).statusCode, `${label} GET /me/two-factor`).toBe(200);
  }

  /** P5: login answers two_factor_setup_required with a session cookie limited to setup. */
  async function signInIntoSetup(email: string): Promise<Browser> {
    const browser = new Browser(t.app);
    const response = await browser.login(email);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ status: setupAction });
    expect(browser.sessionToken).toBeDefined();
    expect(browser.challengeToken).toBeUndefined();
    return browser;
  }

  it('P1 turning the requirement on: pending list, audit event, e-mail to every member not set up (administrators included), once', async () => {
    const admin = await memberWithTwoFactor(t, { email: 'ada@p1.example', name: 'Ada Admin', organization: 'P1 Co' });
    const otherAdmin = await invite(admin, { email: 'zoe@p1.example', name: 'Zoe Admin', role: 'admin' });
    const member = await invite(admin, { email: 'bob@p1.example', name: 'Bob Member' });
    const setUp = await invite(admin, { email: 'cy@p1.example', name: 'Cy Ready' });
    await enrolTotp(t, setUp.browser);
    nextStep(t);

    // The confirmation lists who is not set up yet, by name.
    const pending = await admin.browser.get('/api/v1/organization/two-factor/pending');
    expect(pending.statusCode, pending.body).toBe(200);
    expect(pending.json()).toEqual({
      users: [
        { id: member.userId, email: 'bob@p1.example', name: 'Bob Member' },
        { id: otherAdmin.userId, email: 'zoe@p1.example', name: 'Zoe Admin' },
      ],
      total: 2,
    });
    expectProblem(await member.browser.get('/api/v1/organization/two-factor/pending'), 403, 'forbidden');

    const turnedOn = await requireTwoFactor(admin);
    expect(turnedOn.statusCode, turnedOn.body).toBe(200);
    expect(turnedOn.json()).toMatchObject({ id: admin.organizationId, twoFactor: { requirement: 'required', requiredFrom: null } });
    expect((await admin.browser.get('/api/v1/organization')).json().twoFactor).toEqual({ requirement: 'required', requiredFrom: null, recoveryCodePolicy: 'deplete', smsAllowed: true, smsCodeLength: 6, smsAllowedCountries: null, rememberBrowserDays: 0, allowedMethods: ['totp', 'sms', 'webauthn'], requirePhishingResistant: false, allowedAuthenticators: null, authenticatorModels: [] });

    const events = await organizationEvents(admin.organizationId, 'organization.two_factor_required');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorType: 'member', actorUserId: admin.userId, targetUserId: null, details: { requiredFrom: null } });

    const subject = 'Your organization now requires two-factor authentication';
    expect(await mailTo(t, 'bob@p1.example', subject)).toHaveLength(1);
    expect(await mailTo(t, 'zoe@p1.example', subject)).toHaveLength(1);
    expect(await mailTo(t, 'cy@p1.example', subject)).toHaveLength(0);
    expect(await mailTo(t, 'ada@p1.example', subject)).toHaveLength(0);
    const [mail] = await mailTo(t, 'bob@p1.example', subject);
    expect(mail!.text).toContain('http://tessera.test/settings');
    expect(mail!.text).toContain('next time you sign in');

    // Asking again changes nothing and announces nothing again.
    expect((await requireTwoFactor(admin)).statusCode).toBe(200);
    expect(await organizationEvents(admin.organizationId, 'organization.two_factor_required')).toHaveLength(1);
    expect(await mailTo(t, 'bob@p1.example', subject)).toHaveLength(1);
    // The members' grid shows the organization's requirement.
    const rows = (await admin.browser.get('/api/v1/organization/users')).json().users as Array<{ id: string; twoFactor: unknown }>;
    expect(rows.find((r) => r.id === member.userId)!.twoFactor).toEqual({ status: 'off', required: true, requiredBy: 'organization', methods: [] });
  });

  it('P1 P3 turning the requirement off is audited and changes nobody’s own settings', async () => {
    const admin = await memberWithTwoFactor(t, { email: 'ada@p3.example', name: 'Ada Admin', organization: 'P3 Co' });
    const ownRequirement = await invite(admin, { email: 'rita@p3.example', name: 'Rita Required', twoFactorRequired: true });
    const withFactor = await invite(admin, { email: 'cy@p3.example', name: 'Cy Ready' });
    const withFactorCodes = await enrolTotp(t, withFactor.browser);
    nextStep(t);
    const without = await invite(admin, { email: 'bob@p3.example', name: 'Bob Member' });
    expect((await requireTwoFactor(admin)).statusCode).toBe(200);

    const snapshot = async () => ({
      users: await t.store.db.selectFrom('users').select(['id', 'twoFactorRequired', 'twoFactorEnabled', 'recoveryCodesRegenerationRequired']).where('organizationId', '=', admin.organizationId).orderBy('id').execute(),
      credentials: await t.store.db.selectFrom('totpCredentials').innerJoin('users', 'users.id', 'totpCredentials.userId').select(['totpCredentials.userId', 'totpCredentials.secretSealed']).where('users.organizationId', '=', admin.organizationId).orderBy('totpCredentials.userId').execute(),
      recoveryCodes: await t.store.db.selectFrom('recoveryCodes').innerJoin('users', 'users.id', 'recoveryCodes.userId').select(['recoveryCodes.id', 'recoveryCodes.usedAt']).where('users.organizationId', '=', admin.organizationId).orderBy('recoveryCodes.id').execute(),
    });
    const before = await snapshot();
    expect(before.credentials).toHaveLength(2);
    expect(before.recoveryCodes).toHaveLength(16);

    const turnedOff = await admin.browser.patch('/api/v1/organization', { twoFactor: { requirement: 'optional' } });
    expect(turnedOff.statusCode, turnedOff.body).toBe(200);
    expect(turnedOff.json().twoFactor).toEqual({ requirement: 'optional', requiredFrom: null, recoveryCodePolicy: 'deplete', smsAllowed: true, smsCodeLength: 6, smsAllowedCountries: null, rememberBrowserDays: 0, allowedMethods: ['totp', 'sms', 'webauthn'], requirePhishingResistant: false, allowedAuthenticators: null, authenticatorModels: [] });
    const events = await organizationEvents(admin.organizationId, 'organization.two_factor_optional');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorType: 'member', actorUserId: admin.userId });

    expect(await snapshot()).toEqual(before);
    // The member's own requirement still applies (invited as required, so limited to setup from
    // the start); everyone else is free again; factors still work.
    expect((await sessionState(ownRequirement.browser)).requiredActions).toEqual([{ action: setupAction, blocking: true }]);
    expect((await readUser(t, ownRequirement.userId)).twoFactorRequired).toBe(1);
    expect((await sessionState(without.browser)).requiredActions).toEqual([]);
    expect((await withFactor.browser.get('/api/v1/me/two-factor')).json()).toMatchObject({ enabled: true, required: false });
    const challenged = new Browser(t.app);
    expect((await challenged.login(withFactor.email)).json().status).toBe('two_factor_required');
    expect((await challenged.submitCode(withFactorCodes.recoveryCodes[0])).statusCode).toBe(200);
    // Turning it off again is not a change.
    expect((await admin.browser.patch('/api/v1/organization', { twoFactor: { requirement: 'optional' } })).statusCode).toBe(200);
    expect(await organizationEvents(admin.organizationId, 'organization.two_factor_optional')).toHaveLength(1);
  });

  it('P5 a signed-in member who must set up keeps working but every sensitive action is refused; at the next sign-in only setup is open until it is confirmed', async () => {
    const admin = await memberWithTwoFactor(t, { email: 'ada@p5.example', name: 'Ada Admin', organization: 'P5 Co' });
    const member = await invite(admin, { email: 'bob@p5.example', name: 'Bob Member' });
    const otherAdmin = await invite(admin, { email: 'zoe@p5.example', name: 'Zoe Admin', role: 'admin' });
    expect((await sessionState(member.browser)).requiredActions).toEqual([]);
    expect((await requireTwoFactor(admin)).statusCode).toBe(200);

    // Already signed in: the bar (a non-blocking action, no deadline), sensitive actions refused.
    expect((await sessionState(member.browser)).requiredActions).toEqual([{ action: setupAction, blocking: false }]);
    await expectSensitiveRefused(member.browser, 'signed-in member');
    expect((await readUser(t, member.userId)).name).toBe('Bob Member');
    for (const url of ['/api/v1/me/sessions', '/api/v1/me/two-factor', '/api/v1/organization']) {
      expect((await member.browser.get(url)).statusCode, url).toBe(200);
    }
    expect((await member.browser.delete(`/api/v1/me/sessions/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`)).statusCode).toBe(404);
    // An administrator not set up loses user management and organization settings, not reading.
    expectProblem(await otherAdmin.browser.post('/api/v1/organization/users', { email: 'new@p5.example', name: 'New', role: 'member' }), 403, setupAction, 'invite');
    expectProblem(await otherAdmin.browser.patch('/api/v1/organization', { twoFactor: { requirement: 'optional' } }), 403, setupAction, 'policy');
    expectProblem(await otherAdmin.browser.patch('/api/v1/organization', { name: 'Renamed' }), 403, setupAction, 'rename');
    expect((await otherAdmin.browser.get('/api/v1/organization/users')).statusCode).toBe(200);
    expect((await t.store.db.selectFrom('organizations').select(['name', 'twoFactorRequirement']).where('id', '=', admin.organizationId).executeTakeFirstOrThrow())).toEqual({ name: 'P5 Co', twoFactorRequirement: 'required' });
    expect(await t.store.db.selectFrom('invitations').select('id').where('email', '=', 'new@p5.example').execute()).toEqual([]);
    // The administrator with a second factor is not held back.
    expect((await admin.browser.patch('/api/v1/me', { name: 'Ada Lovelace' })).statusCode).toBe(200);

    // The next sign-in goes straight into setup, twice (two browsers), with no way around it.
    const setup = await signInIntoSetup(member.email);
    const otherSetup = await signInIntoSetup(member.email);
    await expectSetupOnly(setup, 'setup-only');
    // The password was just entered: setup needs no separate re-authentication.
    const started = await setup.post('/api/v1/me/two-factor/totp');
    expect(started.statusCode, started.body).toBe(201);
    const { secret } = started.json();
    expect((await setup.reauthenticate()).statusCode).toBe(204);
    // Still limited until a code confirms the setup.
    await expectSetupOnly(setup, 'setup started');
    expectProblem(await setup.post('/api/v1/me/two-factor/totp/confirm', { code: String((Number(totpCode(t, secret)) + 500_000) % 1_000_000).padStart(6, '0') }), 400, 'invalid_code');
    await expectSetupOnly(setup, 'wrong code');
    const confirmed = await setup.post('/api/v1/me/two-factor/totp/confirm', { code: totpCode(t, secret) });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    nextStep(t);

    // Everything works now, in this session and in the one that was already open.
    expect((await sessionState(setup)).requiredActions).toEqual([]);
    expect((await setup.get('/api/v1/me/sessions')).statusCode).toBe(200);
    expect((await setup.patch('/api/v1/me', { name: 'Bob Builder' })).statusCode).toBe(200);
    expect((await member.browser.patch('/api/v1/me', { name: 'Bob Member' })).statusCode).toBe(200);
    const sessionRow = await t.store.db.selectFrom('sessions').select('setupOnly').where('userId', '=', member.userId).where('id', '=', (await setup.get('/api/v1/me/sessions')).json().sessions.find((s: { current: boolean }) => s.current).id).executeTakeFirstOrThrow();
    expect(sessionRow.setupOnly).toBe(0);
    // The other setup-only session was opened with the password alone: it ended.
    expectProblem(await otherSetup.get('/api/v1/session'), 401, 'unauthenticated');
    // From now on the member signs in with a second step.
    expect((await new Browser(t.app).login(member.email)).json().status).toBe('two_factor_required');
  });

  it('P4 P5 a member’s own requirement (users.two_factor_required) behaves the same, without a grace period', async () => {
    const admin = await memberWithTwoFactor(t, { email: 'ada@p5-member.example', name: 'Ada Admin', organization: 'P5 Member Co' });
    const member = await invite(admin, { email: 'bob@p5-member.example', name: 'Bob Member' });
    const free = await invite(admin, { email: 'fay@p5-member.example', name: 'Fay Free' });
    await t.store.db.updateTable('users').set({ twoFactorRequired: 1 }).where('id', '=', member.userId).execute();

    expect((await sessionState(member.browser)).requiredActions).toEqual([{ action: setupAction, blocking: false }]);
    await expectSensitiveRefused(member.browser, 'member-level');
    expect((await member.browser.get('/api/v1/me/sessions')).statusCode).toBe(200);
    // Others in the organization are not affected.
    expect((await sessionState(free.browser)).requiredActions).toEqual([]);
    expect((await free.browser.patch('/api/v1/me', { name: 'Fay Free' })).statusCode).toBe(200);
    expect((await new Browser(t.app).login(free.email)).json()).toEqual({ status: 'signed_in' });

    const setup = await signInIntoSetup(member.email);
    await expectSetupOnly(setup, 'member-level setup-only');
    await enrolTotp(t, setup);
    nextStep(t);
    expect((await sessionState(setup)).requiredActions).toEqual([]);
    expect((await setup.get('/api/v1/me/sessions')).statusCode).toBe(200);
    expect((await member.browser.patch('/api/v1/me', { name: 'Bob Builder' })).statusCode).toBe(200);

    // An organization deadline does not postpone a member's own requirement (no grace for it).
    const other = await invite(admin, { email: 'max@p5-member.example', name: 'Max Member', twoFactorRequired: true });
    const deadline = new Date(t.clock.now().getTime() + 3 * day).toISOString();
    expect((await requireTwoFactor(admin, deadline)).statusCode).toBe(200);
    expect((await sessionState(other.browser)).requiredActions).toEqual([{ action: setupAction, blocking: true }]);
    await signInIntoSetup(other.email);
    // Off again, so this organization's deadline sends no reminders in the tests below.
    expect((await admin.browser.patch('/api/v1/organization', { twoFactor: { requirement: 'optional' } })).statusCode).toBe(200);
  });

  it('P6 with a grace period nothing is refused before the deadline and the action carries it; after it the requirement is enforced', async () => {
    const admin = await memberWithTwoFactor(t, { email: 'ada@p6.example', name: 'Ada Admin', organization: 'P6 Co' });
    const member = await invite(admin, { email: 'bob@p6.example', name: 'Bob Member' });
    const deadlineInMs = t.clock.now().getTime() + 2 * hour;
    const deadline = new Date(deadlineInMs).toISOString();

    const turnedOn = await requireTwoFactor(admin, deadline);
    expect(turnedOn.statusCode, turnedOn.body).toBe(200);
    expect(turnedOn.json().twoFactor).toEqual({ requirement: 'required', requiredFrom: deadline, recoveryCodePolicy: 'deplete', smsAllowed: true, smsCodeLength: 6, smsAllowedCountries: null, rememberBrowserDays: 0, allowedMethods: ['totp', 'sms', 'webauthn'], requirePhishingResistant: false, allowedAuthenticators: null, authenticatorModels: [] });
    expect((await organizationEvents(admin.organizationId, 'organization.two_factor_required'))[0]!.details).toEqual({ requiredFrom: deadline });
    const [mail] = await mailTo(t, member.email, 'Your organization now requires two-factor authentication');
    expect(mail!.text).toContain(new Date(deadlineInMs).toUTCString());

    // Grace period: the bar with the deadline, nothing refused, sign-in as usual.
    const state = await sessionState(member.browser);
    expect(state.requiredActions).toEqual([{ action: setupAction, blocking: false, deadline }]);
    expect(state.organization.twoFactor).toMatchObject({ requirement: 'required', requiredFrom: deadline });
    expect((await member.browser.patch('/api/v1/me', { name: 'Bob Builder' })).statusCode).toBe(200);
    const graceSignIn = new Browser(t.app);
    expect((await graceSignIn.login(member.email)).json()).toEqual({ status: 'signed_in' });
    expect((await sessionState(graceSignIn)).requiredActions).toEqual([{ action: setupAction, blocking: false, deadline }]);
    expect((await graceSignIn.get('/api/v1/me/sessions')).statusCode).toBe(200);
    t.clock.advance(2 * hour - minute);
    expect((await member.browser.post('/api/v1/me/password', { currentPassword: strongPassword, newPassword: 'a brand new long passphrase' })).statusCode).toBe(204);

    // After the deadline: enforced.
    t.clock.advance(2 * minute);
    expect((await sessionState(member.browser)).requiredActions).toEqual([{ action: setupAction, blocking: false, deadline }]);
    await expectSensitiveRefused(member.browser, 'after the deadline');
    expect((await member.browser.get('/api/v1/me/sessions')).statusCode).toBe(200);
    const setup = new Browser(t.app);
    const login = await setup.login(member.email, 'a brand new long passphrase');
    expect(login.json()).toEqual({ status: setupAction });
    expect((await sessionState(setup)).requiredActions).toEqual([{ action: setupAction, blocking: true, deadline }]);
    expectProblem(await setup.get('/api/v1/me/sessions'), 403, setupAction);
  });

  /** A second Tessera context on the same database: its own connections and mailer, the same clock and key. */
  async function secondInstanceContext() {
    const store = openStore(t.database.url);
    const mailer = createMailer({ smtpUrl: undefined, from: t.context.config.mailFrom, isProduction: false, logger: { info() {}, error() {} } });
    const context: AppContext = { ...t.context, db: store.db, sessionLookup: store.sessions, mailer };
    return {
      context,
      async mail() {
        await mailer.flush();
        return mailer.mailbox!.list();
      },
      close: () => store.close(),
    };
  }

  it('P6 reminders go out 7 days and 1 day before the deadline, once each, however often and from however many instances the job runs', async () => {
    const admin = await memberWithTwoFactor(t, { email: 'ada@p6-remind.example', name: 'Ada Admin', organization: 'Remind Co' });
    const bob = await invite(admin, { email: 'bob@p6-remind.example', name: 'Bob Member' });
    const zoe = await invite(admin, { email: 'zoe@p6-remind.example', name: 'Zoe Admin', role: 'admin' });
    const ready = await invite(admin, { email: 'cy@p6-remind.example', name: 'Cy Ready' });
    await enrolTotp(t, ready.browser);
    nextStep(t);
    const deadlineInMs = t.clock.now().getTime() + 10 * day;
    expect((await requireTwoFactor(admin, new Date(deadlineInMs).toISOString())).statusCode).toBe(200);

    const second = await secondInstanceContext();
    try {
      const remindersTo = async (email: string) => [...(await t.mail()), ...(await second.mail())].filter((m) => m.to === email && m.subject === reminderSubject);
      // Counts this organization's new reminders only: other tests' organizations share the
      // database and the clock, and may have deadlines of their own.
      const ours = [admin.email, bob.email, zoe.email, ready.email];
      const reminderCount = async () => (await Promise.all(ours.map(remindersTo))).reduce((sum, mails) => sum + mails.length, 0);
      const runEverywhere = async () => {
        const before = await reminderCount();
        await Promise.all([runTwoFactorReminders(t.context), runTwoFactorReminders(second.context), runTwoFactorReminders(t.context), runTwoFactorReminders(second.context)]);
        return (await reminderCount()) - before;
      };

      // More than 7 days before: nothing yet.
      expect(await runEverywhere()).toBe(0);
      t.clock.advance(3 * day - minute);
      expect(await runEverywhere()).toBe(0);
      expect(await remindersTo(bob.email)).toHaveLength(0);

      // 7 days before: one reminder each to the members not set up (administrators included).
      t.clock.advance(2 * minute);
      expect(await runEverywhere()).toBe(2);
      expect(await runEverywhere()).toBe(0);
      for (const email of [bob.email, zoe.email]) expect(await remindersTo(email), email).toHaveLength(1);
      for (const email of [ready.email, admin.email]) expect(await remindersTo(email), email).toHaveLength(0);
      const [reminder] = await remindersTo(bob.email);
      expect(reminder!.text).toContain(new Date(deadlineInMs).toUTCString());
      expect(reminder!.text).toContain('\u201cRemind Co\u201d');

      // Zoe sets up in the meantime; the 1-day reminder goes only to Bob, once.
      t.clock.advance(3 * day);
      const zoeAgain = new Browser(t.app);
      expect((await zoeAgain.login(zoe.email)).json()).toEqual({ status: 'signed_in' });
      await enrolTotp(t, zoeAgain);
      expect(await runEverywhere()).toBe(0);
      t.clock.advance(3 * day);
      expect(await runEverywhere()).toBe(1);
      expect(await runEverywhere()).toBe(0);
      expect(await remindersTo(bob.email)).toHaveLength(2);
      expect(await remindersTo(zoe.email)).toHaveLength(1);

      // After the deadline: no more reminders.
      t.clock.advance(2 * day);
      expect(await runEverywhere()).toBe(0);
      expect(await remindersTo(bob.email)).toHaveLength(2);
      const claims = await t.store.db.selectFrom('twoFactorReminders').select(['userId', 'kind', 'deadline']).where('userId', 'in', [bob.userId, zoe.userId]).orderBy('userId').orderBy('kind').execute();
      expect(claims).toHaveLength(3);
      expect(new Set(claims.map((c) => Number(c.deadline)))).toEqual(new Set([deadlineInMs]));
    } finally {
      await second.close();
    }
  });

  it('P1 P6 bad input answers 400 validation_failed and changes nothing', async () => {
    const admin = await memberWithTwoFactor(t, { email: 'ada@p-bad.example', name: 'Ada Admin', organization: 'Bad Input Co' });
    await invite(admin, { email: 'bob@p-bad.example', name: 'Bob Member' });
    const now = t.clock.now().getTime();
    const eventsBefore = await countAuditEvents(admin.organizationId);
    const mailBefore = (await t.mail()).length;
    const organizationBefore = await t.store.db.selectFrom('organizations').selectAll().where('id', '=', admin.organizationId).executeTakeFirstOrThrow();

    const bodies: unknown[] = [
      { twoFactor: { requirement: 'required', requiredFrom: new Date(now - minute).toISOString() } },
      { twoFactor: { requirement: 'required', requiredFrom: new Date(now).toISOString() } },
      { twoFactor: { requirement: 'required', requiredFrom: '2020-01-01T00:00:00Z' } },
      { twoFactor: { requirement: 'optional', requiredFrom: new Date(now + day).toISOString() } },
      { twoFactor: { requiredFrom: new Date(now + day).toISOString() } },
      { twoFactor: { requirement: 'yes' } },
      { twoFactor: { requirement: true } },
      { twoFactor: { requirement: null } },
      { twoFactor: { requirement: ['required'] } },
      { twoFactor: { requirement: 'required', requiredFrom: now + day } },
      { twoFactor: { requirement: 'required', requiredFrom: 'tomorrow' } },
      { twoFactor: { requirement: 'required', requiredFrom: '2030-13-01T00:00:00Z' } },
      { twoFactor: { requirement: 'required', requiredFrom: '2030-01-01' } },
      { twoFactor: { requirement: 'required', requiredFrom: {} } },
      { twoFactor: 'required' },
      { twoFactor: null },
    ];
    for (const body of bodies) {
      const label = JSON.stringify(body);
      const response = await admin.browser.patch('/api/v1/organization', body);
      expectProblem(response, 400, 'validation_failed', label);
    }
    const past = await admin.browser.patch('/api/v1/organization', bodies[0]);
    expect(past.json().errors).toEqual([{ field: 'twoFactor.requiredFrom', message: expect.any(String) }]);
    expect(await t.store.db.selectFrom('organizations').selectAll().where('id', '=', admin.organizationId).executeTakeFirstOrThrow()).toEqual(organizationBefore);
    expect(await countAuditEvents(admin.organizationId)).toBe(eventsBefore);
    expect((await t.mail()).length).toBe(mailBefore);

    // With the requirement on, sending the deadline back unchanged is fine even once it has passed.
    const deadline = new Date(now + hour).toISOString();
    expect((await requireTwoFactor(admin, deadline)).statusCode).toBe(200);
    t.clock.advance(2 * hour);
    expect((await admin.browser.reauthenticate()).statusCode).toBe(204);
    const unchanged = await admin.browser.patch('/api/v1/organization', { name: 'Bad Input Co', twoFactor: { requirement: 'required', requiredFrom: deadline } });
    expect(unchanged.statusCode, unchanged.body).toBe(200);
    expect(unchanged.json().twoFactor.requiredFrom).toBe(deadline);
    expectProblem(await admin.browser.patch('/api/v1/organization', { twoFactor: { requiredFrom: new Date(t.clock.now().getTime() - minute).toISOString() } }), 400, 'validation_failed');
    expect(await organizationEvents(admin.organizationId, 'organization.two_factor_required')).toHaveLength(1);
  });
});
