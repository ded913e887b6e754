// G1 known browsers, G2 counting by who is asking, G3/G4 e-mails and B2 remembered browsers
// (issue 11), over HTTP on SQLite and PostgreSQL, with the throttle counters in the database and
// in Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl, useScratchRedis } from '../support/redis.js';
import type { Config } from '../../src/config.js';
import { strongPassword, tokenFromLink } from '../support/agent.js';
import { auditEventsOf, Browser, dumpAllTables, expectProblem, inviteMember, mailTo, memberWithTwoFactor, minute, nextStep, signUpMember, totpCode, type Member } from '../support/two-factor.js';
import { purgeExpiredRecords } from '../../src/services/housekeeping.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';

const { keyPrefix } = useScratchRedis();
const chromeOnLinux = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const firefoxOnWindows = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const browserCookie = 'tessera_browser';
const day = 24 * 60 * minute;


let nextHost = 1;
function stranger(app: TestApp['app']): Browser {
  const host = nextHost++;
  return new Browser(app, { remoteAddress: `198.18.${Math.floor(host / 250)}.${(host % 250) + 1}`, userAgent: firefoxOnWindows });
}

function statusesOf(responses: ReadonlyArray<{ statusCode: number }>): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { statusCode } of responses) counts[statusCode] = (counts[statusCode] ?? 0) + 1;
  return counts;
}

/** A browser of the member that has completed a sign-in (G1), at its own address. */
async function knownBrowserOf(t: TestApp, member: Member, remoteAddress = '192.0.2.10'): Promise<Browser> {
  const browser = new Browser(t.app, { remoteAddress, userAgent: chromeOnLinux });
  const response = await browser.login(member.email);
  expect(response.statusCode, response.body).toBe(200);
  expect(browser.cookies.get(browserCookie)).toBeDefined();
  return browser;
}

const modes: Array<{ name: string; overrides: Partial<Config> }> = [
  { name: 'counters in the database', overrides: {} },
  { name: 'counters in Redis', overrides: { redisUrl } },
];

for (const mode of modes) {
  describe(`G1 G2 G3 known browsers (${mode.name}; database: ${testDatabaseKind})`, () => {
    let t: TestApp;
    let other: TestApp;
    const tag = mode.overrides.redisUrl ? 'r' : 'd';
    beforeAll(async () => {
      t = await createTestApp(mode.overrides, { redisKeyPrefix: keyPrefix });
      other = await createTestApp(mode.overrides, { redisKeyPrefix: keyPrefix, database: t.database });
    });
    afterAll(async () => {
      await other.close();
      await t.close();
    });

    it('G2 after 30 wrong passwords from strangers (two instances, many addresses), the owner’s known browser signs in with the right password while an unknown client with it is refused; G3 the member is e-mailed once', async () => {
      const ada = await signUpMember(t, { email: `owner-${tag}@known.example` });
      const laptop = await knownBrowserOf(t, ada);
      const attack = await Promise.all(Array.from({ length: 30 }, (_, i) => stranger(i % 2 ? t.app : other.app).login(ada.email, `guess ${i}`)));
      expect(statusesOf(attack)).toEqual({ 401: 10, 429: 20 });
      expectProblem(await stranger(t.app).login(ada.email, strongPassword), 429, 'rate_limited', 'unknown client, right password');
      const owner = await laptop.login(ada.email);
      expect(owner.statusCode, owner.body).toBe(200);
      expect(owner.json().status).toBe('signed_in');
      // A5: re-authentication from the owner's browser follows the same rules.
      expect((await laptop.reauthenticate()).statusCode).toBe(204);
      // Whichever instance saw the trip first sent it; together, one.
      const alertsOn = async () => [...(await mailTo(t, ada.email, 'Sign-in attempts to your account were paused')), ...(await mailTo(other, ada.email, 'Sign-in attempts to your account were paused'))];
      const alerts = await alertsOn();
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.text).toContain('Firefox 128 on Windows 10');
      expect(alerts[0]!.text).toMatch(/198\.18\.\d+\.\d+/);
      expect(alerts[0]!.text).toContain('the browsers you already signed in with still work');
      // More refusals in the same window send nothing more.
      await stranger(t.app).login(ada.email, 'another guess');
      expect(await alertsOn()).toHaveLength(1);
      t.clock.advance(15 * minute);
      other.clock.advance(15 * minute);
    });

    it('G2 a known browser that keeps failing is throttled alone: strangers and the member’s other browsers are not', async () => {
      const ben = await signUpMember(t, { email: `alone-${tag}@known.example` });
      const laptop = await knownBrowserOf(t, ben, '192.0.2.20');
      const phone = await knownBrowserOf(t, ben, '192.0.2.21');
      const tries = await Promise.all(Array.from({ length: 15 }, (_, i) => laptop.login(ben.email, `typo ${i}`)));
      expect(statusesOf(tries)).toEqual({ 401: 10, 429: 5 });
      expectProblem(await laptop.login(ben.email), 429, 'rate_limited', 'the failing browser, right password');
      expect((await phone.login(ben.email)).statusCode).toBe(200);
      expect((await stranger(t.app).login(ben.email)).statusCode).toBe(200);
      t.clock.advance(15 * minute);
      other.clock.advance(15 * minute);
      expect((await laptop.login(ben.email)).statusCode).toBe(200);
    });

    it('G2 K2 HTTP Basic from an unknown client is refused once strangers tripped the limit; with the member’s device cookie it is not', async () => {
      const cy = await signUpMember(t, { email: `basic-${tag}@known.example` });
      const laptop = await knownBrowserOf(t, cy, '192.0.2.30');
      for (let i = 0; i < 10; i++) await stranger(t.app).login(cy.email, `guess ${i}`);
      const basic = (cookie?: string) =>
        t.app.inject({ method: 'GET', url: '/api/v1/session', remoteAddress: '192.0.2.30', headers: { authorization: `Basic ${Buffer.from(`${cy.email}:${strongPassword}`).toString('base64')}`, ...(cookie ? { cookie: `${browserCookie}=${cookie}` } : {}) } });
      expectProblem(await basic(), 429, 'rate_limited');
      expect((await basic(laptop.cookies.get(browserCookie))).statusCode).toBe(200);
      t.clock.advance(15 * minute);
      other.clock.advance(15 * minute);
    });
  });
}

describe(`G1 G4 the device cookie and the browsers list (database: ${testDatabaseKind})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ publicUrl: new URL('https://tessera.test') });
  });
  afterAll(async () => {
    await t.close();
  });

  it('G1 a complete sign-in sets an HttpOnly, SameSite=Lax, Secure cookie for 180 days; only its hash is stored; it is rotated on every use and the old token no longer counts', async () => {
    const dee = await signUpMember(t, { email: 'cookie@known.example', verify: false });
    const laptop = new Browser(t.app, { remoteAddress: '192.0.2.40', userAgent: chromeOnLinux, headers: { origin: 'https://tessera.test' } });
    const first = await laptop.login(dee.email);
    const cookie = ([] as string[]).concat(first.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${browserCookie}=`))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(new RegExp(`Max-Age=${180 * 24 * 60 * 60}`));
    const firstToken = laptop.cookies.get(browserCookie)!;
    expect(firstToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const dump = await dumpAllTables(t.store);
    for (const [table, rows] of Object.entries(dump)) expect(rows, table).not.toContain(firstToken);

    t.clock.advance(day);
    expect((await laptop.login(dee.email)).statusCode).toBe(200);
    const secondToken = laptop.cookies.get(browserCookie)!;
    expect(secondToken).not.toBe(firstToken);
    const browsers = (await laptop.get('/api/v1/me/known-browsers')).json().browsers as Array<Record<string, unknown>>;
    const current = browsers.find((b) => b.current)!;
    expect(current).toMatchObject({ browser: 'Chrome 120', os: 'Linux', ip: '192.0.2.40', remembered: null, firstSeenAt: '2026-11-23T09:00:00.000Z', lastUsedAt: '2026-11-24T09:00:00.000Z' });

    // The old token (a copied cookie) is no longer a known browser: it counts as an unknown client
    // and a sign-in with it is a new browser.
    const copy = new Browser(t.app, { remoteAddress: '192.0.2.41', userAgent: chromeOnLinux, headers: { origin: 'https://tessera.test' } });
    copy.cookies.set(browserCookie, firstToken);
    expect((await copy.login(dee.email)).statusCode).toBe(200);
    expect(copy.cookies.get(browserCookie)).not.toBe(firstToken);
    expect(((await laptop.get('/api/v1/me/known-browsers')).json().browsers as unknown[]).length).toBe(browsers.length + 1);
  });

  it('G4 a sign-in from a browser the member has not used e-mails time, address, browser, operating system and the sessions link; a known browser signs in quietly', async () => {
    const eve = await signUpMember(t, { email: 'new-browser@known.example', verify: false });
    const subject = 'New sign-in to your account';
    expect(await mailTo(t, eve.email, subject)).toHaveLength(0);
    const laptop = new Browser(t.app, { remoteAddress: '203.0.113.44', userAgent: chromeOnLinux, headers: { origin: 'https://tessera.test' } });
    expect((await laptop.login(eve.email)).statusCode).toBe(200);
    const mails = await mailTo(t, eve.email, subject);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('203.0.113.44');
    expect(mails[0]!.text).toContain('Chrome 120');
    expect(mails[0]!.text).toContain('Linux');
    expect(mails[0]!.text).toContain(t.clock.now().toUTCString());
    expect(mails[0]!.text).toContain('https://tessera.test/settings?tab=sessions');
    expect((await laptop.login(eve.email)).statusCode).toBe(200);
    expect(await mailTo(t, eve.email, subject)).toHaveLength(1);
  });

  it('G1 a member forgets one browser or all but the current one; another member’s browser is not found; each forgetting is audited', async () => {
    const fay = await signUpMember(t, { email: 'forget@known.example', verify: false });
    const browsers = [fay.browser];
    for (let i = 0; i < 3; i++) {
      const b = new Browser(t.app, { remoteAddress: `192.0.2.${50 + i}`, userAgent: chromeOnLinux, headers: { origin: 'https://tessera.test' } });
      expect((await b.login(fay.email)).statusCode).toBe(200);
      browsers.push(b);
    }
    const list = async (b: Browser) => (await b.get('/api/v1/me/known-browsers')).json().browsers as Array<{ id: string; current: boolean }>;
    expect(await list(fay.browser)).toHaveLength(4);
    const one = (await list(browsers[1]!)).find((b) => b.current)!;
    expect((await fay.browser.delete(`/api/v1/me/known-browsers/${one.id}`)).statusCode).toBe(204);
    expectProblem(await fay.browser.delete(`/api/v1/me/known-browsers/${one.id}`), 404, 'not_found');
    const gus = await signUpMember(t, { email: 'other-member@known.example', verify: false });
    const gusBrowser = (await list(gus.browser))[0]!;
    expectProblem(await fay.browser.delete(`/api/v1/me/known-browsers/${gusBrowser.id}`), 404, 'not_found');
    expect((await fay.browser.delete('/api/v1/me/known-browsers')).statusCode).toBe(204);
    const left = await list(fay.browser);
    expect(left).toHaveLength(1);
    expect(left[0]!.current).toBe(true);
    const events = await auditEventsOf(t, fay.userId, 'browser.forgotten');
    expect(events.map((e) => (e.details.browserIds as string[]).length)).toEqual([1, 2]);
  });
  it('G1 a browser unused for 180 days is no longer known, and housekeeping deletes it', async () => {
    const hal = await signUpMember(t, { email: 'stale@known.example', verify: false });
    const list = async () => (await hal.browser.get('/api/v1/me/known-browsers')).json().browsers as unknown[];
    expect(await list()).toHaveLength(1);
    const before = await t.store.db.selectFrom('knownBrowsers').select('id').execute();
    t.clock.advance(180 * day);
    const laptop = new Browser(t.app, { userAgent: chromeOnLinux, headers: { origin: 'https://tessera.test' } });
    for (const [name, value] of hal.browser.cookies) if (name === browserCookie) laptop.cookies.set(name, value);
    expect((await laptop.login(hal.email)).statusCode).toBe(200);
    // Expired: a new browser again (G4), and the old row is gone at the next housekeeping pass.
    expect(await mailTo(t, hal.email, 'New sign-in to your account')).toHaveLength(1);
    expect((await purgeExpiredRecords(t.context)).knownBrowsers).toBe(before.length);
    expect(await t.store.db.selectFrom('knownBrowsers').select('id').execute()).toHaveLength(1);
  });
});

describe(`B2 remembered browsers (database: ${testDatabaseKind})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function allowRemembering(member: Member, days: number) {
    expect((await member.browser.reauthenticate()).statusCode).toBe(204);
    const patched = await member.browser.patch('/api/v1/organization', { twoFactor: { rememberBrowserDays: days } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().twoFactor.rememberBrowserDays).toBe(days);
  }

  /** Signs in with a code from a new browser, asking to be remembered; returns that browser. */
  async function rememberedBrowser(member: Member & { secret: string }, remoteAddress = '192.0.2.60'): Promise<Browser> {
    const browser = new Browser(t.app, { remoteAddress, userAgent: chromeOnLinux });
    const challenged = (await browser.login(member.email)).json();
    expect(challenged.status).toBe('two_factor_required');
    // The challenge page offers the checkbox for the organization's number of days.
    expect(challenged.rememberBrowserDays).toBeGreaterThan(0);
    const done = await browser.post('/api/v1/auth/two-factor', { code: totpCode(t, member.secret), rememberBrowser: true });
    expect(done.statusCode, done.body).toBe(200);
    nextStep(t);
    expect((await browser.login(member.email)).json().status).toBe('signed_in');
    return browser;
  }

  it('B2 the setting is 0 (off) by default, at most 30, on GET and PATCH /api/v1/organization', async () => {
    const ann = await memberWithTwoFactor(t, { email: 'setting@remember.example' });
    expect((await ann.browser.get('/api/v1/organization')).json().twoFactor.rememberBrowserDays).toBe(0);
    expect((await ann.browser.reauthenticate()).statusCode).toBe(204);
    for (const wrong of [31, -1, 1.5, '7', null]) expectProblem(await ann.browser.patch('/api/v1/organization', { twoFactor: { rememberBrowserDays: wrong } }), 400, 'validation_failed', String(wrong));
    // Off: asking to be remembered does nothing.
    const browser = new Browser(t.app, { userAgent: chromeOnLinux });
    expect((await browser.login(ann.email)).json()).not.toHaveProperty('rememberBrowserDays');
    expect((await browser.post('/api/v1/auth/two-factor', { code: totpCode(t, ann.secret), rememberBrowser: true })).statusCode).toBe(200);
    nextStep(t);
    expect((await browser.login(ann.email)).json().status).toBe('two_factor_required');
  });

  it('B2 a remembered browser skips only the second step, only for that member, until the time runs out; listed with "remembered until"; audited', async () => {
    const bob = await memberWithTwoFactor(t, { email: 'skip@remember.example' });
    await allowRemembering(bob, 7);
    const laptop = await rememberedBrowser(bob);
    // Never the password.
    expectProblem(await laptop.login(bob.email, 'not the password'), 401, 'invalid_credentials');
    const listed = ((await laptop.get('/api/v1/me/known-browsers')).json().browsers as Array<{ current: boolean; remembered: { at: string; until: string } | null }>).find((b) => b.current)!;
    expect(Date.parse(listed.remembered!.at)).toBeLessThanOrEqual(t.clock.now().getTime());
    const untilInMs = Date.parse(listed.remembered!.until) - t.clock.now().getTime();
    expect(untilInMs).toBeGreaterThan(7 * day - 5 * minute);
    expect(untilInMs).toBeLessThanOrEqual(7 * day);
    // Another browser is asked.
    expect((await new Browser(t.app).login(bob.email)).json().status).toBe('two_factor_required');
    // Another member of the same organization on this browser is asked too.
    const cat = await inviteMember(t, { ...bob, browser: bob.browser }, { email: 'cat@remember.example', name: 'Cat' });
    expect((await cat.browser.reauthenticate()).statusCode).toBe(204);
    const catSetup = await cat.browser.post('/api/v1/me/two-factor/totp');
    expect((await cat.browser.post('/api/v1/me/two-factor/totp/confirm', { code: totpCode(t, catSetup.json().secret) })).statusCode).toBe(200);
    nextStep(t);
    expect((await laptop.login(cat.email)).json().status).toBe('two_factor_required');
    expect(await auditEventsOf(t, bob.userId, 'browser.remembered')).toHaveLength(1);
    const signedIn = await auditEventsOf(t, bob.userId, 'user.signed_in');
    expect(signedIn.at(-1)!.details).toMatchObject({ secondFactor: 'remembered_browser' });
    t.clock.advance(7 * day);
    const laptop2 = new Browser(t.app, { remoteAddress: '192.0.2.60', userAgent: chromeOnLinux });
    for (const [name, value] of laptop.cookies) if (name === browserCookie) laptop2.cookies.set(name, value);
    expect((await laptop2.login(bob.email)).json().status).toBe('two_factor_required');
  });

  it('B2 forgotten on: 2FA turned off, an administrator’s reset, password change, password reset, a recovery-code sign-in, the organization lowering or turning off the setting; each audited', async () => {
    const owner = await memberWithTwoFactor(t, { email: 'owner@forget.example' });
    await allowRemembering(owner, 30);
    const triggers: Array<{ name: string; reason: string; run: (member: Member & { secret: string; recoveryCodes: string[] }) => Promise<void> }> = [
      {
        name: 'two-factor authentication turned off',
        reason: 'two_factor_disabled',
        run: async (m) => {
          expect((await m.browser.reauthenticate()).statusCode).toBe(204);
          const off = await m.browser.delete('/api/v1/me/two-factor', { code: totpCode(t, m.secret) });
          expect(off.statusCode, off.body).toBe(204);
          nextStep(t);
          // Nothing to skip any more; turn it on again so "asked again" is visible.
          const setup = await m.browser.post('/api/v1/me/two-factor/totp');
          m.secret = setup.json().secret;
          expect((await m.browser.post('/api/v1/me/two-factor/totp/confirm', { code: totpCode(t, m.secret) })).statusCode).toBe(200);
          nextStep(t);
        },
      },
      {
        name: 'an administrator’s reset',
        reason: 'two_factor_reset',
        run: async (m) => {
          expect((await owner.browser.reauthenticate()).statusCode).toBe(204);
          expect((await owner.browser.post(`/api/v1/organization/users/${m.userId}/two-factor/reset`)).statusCode).toBe(204);
          expect((await m.browser.reauthenticate()).statusCode).toBe(204);
          const setup = await m.browser.post('/api/v1/me/two-factor/totp');
          m.secret = setup.json().secret;
          expect((await m.browser.post('/api/v1/me/two-factor/totp/confirm', { code: totpCode(t, m.secret) })).statusCode).toBe(200);
          nextStep(t);
        },
      },
      {
        name: 'a password change',
        reason: 'password_changed',
        run: async (m) => {
          expect((await m.browser.reauthenticate()).statusCode).toBe(204);
          expect((await m.browser.post('/api/v1/me/password', { currentPassword: strongPassword, newPassword: strongPassword + ' again' })).statusCode).toBe(204);
          expect((await m.browser.post('/api/v1/me/password', { currentPassword: strongPassword + ' again', newPassword: strongPassword })).statusCode).toBe(204);
        },
      },
      {
        name: 'a password reset',
        reason: 'password_reset',
        run: async (m) => {
          expect((await new Browser(t.app).post('/api/v1/auth/password-reset', { email: m.email })).statusCode).toBe(202);
          const token = tokenFromLink((await mailTo(t, m.email, 'Reset your password'))[0]!.text, 'http://tessera.test/reset-password');
          expect((await new Browser(t.app).post('/api/v1/auth/password-reset/confirm', { token, password: strongPassword })).statusCode).toBe(204);
        },
      },
      {
        name: 'a sign-in with a recovery code',
        reason: 'recovery_code_sign_in',
        run: async (m) => {
          const elsewhere = new Browser(t.app);
          await elsewhere.login(m.email);
          expect((await elsewhere.post('/api/v1/auth/two-factor', { code: m.recoveryCodes[0], rememberBrowser: true })).statusCode).toBe(200);
          // Not remembered either, though it asked.
          expect((await elsewhere.login(m.email)).json().status).toBe('two_factor_required');
        },
      },
      {
        name: 'the organization lowering the setting',
        reason: 'organization_policy',
        run: async () => {
          await allowRemembering(owner, 14);
        },
      },
      {
        name: 'the organization turning the setting off',
        reason: 'organization_policy',
        run: async () => {
          await allowRemembering(owner, 0);
          await allowRemembering(owner, 30);
        },
      },
    ];
    let n = 0;
    for (const trigger of triggers) {
      const member = await inviteMember(t, owner, { email: `m${n++}@forget.example`, name: 'Member' });
      const setup = await member.browser.post('/api/v1/me/two-factor/totp');
      expect(setup.statusCode, setup.body).toBe(201);
      const confirmed = await member.browser.post('/api/v1/me/two-factor/totp/confirm', { code: totpCode(t, setup.json().secret) });
      nextStep(t);
      const withFactor = { ...member, secret: setup.json().secret as string, recoveryCodes: confirmed.json().recoveryCodes as string[] };
      const laptop = await rememberedBrowser(withFactor);
      await trigger.run(withFactor);
      expect((await laptop.login(member.email)).json().status, trigger.name).toBe('two_factor_required');
      const forgotten = trigger.reason === 'organization_policy' ? await t.store.db.selectFrom('auditEvents').select('details').where('type', '=', 'browser.remembered_forgotten').where('targetUserId', 'is', null).execute() : await auditEventsOf(t, member.userId, 'browser.remembered_forgotten');
      expect(forgotten.length, trigger.name).toBeGreaterThan(0);
      expect(JSON.stringify(forgotten.at(-1)), trigger.name).toContain(trigger.reason);
    }
  });

  it('B2 W5 the organization turning on the phishing-resistant requirement forgets every remembered browser; audited', async () => {
    const owner = await memberWithTwoFactor(t, { email: 'owner@phishing.example' });
    await allowRemembering(owner, 30);
    const member = await inviteMember(t, owner, { email: 'member@phishing.example', name: 'Member' });
    const setup = await member.browser.post('/api/v1/me/two-factor/totp');
    expect((await member.browser.post('/api/v1/me/two-factor/totp/confirm', { code: totpCode(t, setup.json().secret) })).statusCode).toBe(200);
    nextStep(t);
    const laptop = await rememberedBrowser({ ...member, secret: setup.json().secret as string });
    const rememberedOf = async (browser: Browser) => ((await browser.get('/api/v1/me/known-browsers')).json().browsers as Array<{ current: boolean; remembered: unknown }>).find((b) => b.current)!.remembered;
    expect(await rememberedOf(laptop)).not.toBeNull();
    // Other settings leave remembered browsers alone.
    expect((await owner.browser.reauthenticate()).statusCode).toBe(204);
    expect((await owner.browser.patch('/api/v1/organization', { twoFactor: { requirePhishingResistant: false } })).statusCode).toBe(200);
    expect(await rememberedOf(laptop)).not.toBeNull();
    const turnedOn = await owner.browser.patch('/api/v1/organization', { twoFactor: { requirePhishingResistant: true } });
    expect(turnedOn.statusCode, turnedOn.body).toBe(200);
    expect(await rememberedOf(laptop)).toBeNull();
    const forgotten = await t.store.db.selectFrom('auditEvents').select('details').where('type', '=', 'browser.remembered_forgotten').where('targetUserId', 'is', null).execute();
    expect(forgotten.map((event) => JSON.stringify(event.details)).filter((details) => details.includes('phishing_resistant_required'))).toHaveLength(1);
    // Not skipped any more: the laptop is asked for a second step again.
    expect((await laptop.login(member.email)).json().status).toBe('two_factor_required');
  });

  it('B2 M2 an administrator sees a member’s browsers and forgets them all (after re-authentication); another organization’s member is not found', async () => {
    const head = await memberWithTwoFactor(t, { email: 'head@admin-forget.example' });
    await allowRemembering(head, 30);
    const member = await inviteMember(t, head, { email: 'worker@admin-forget.example', name: 'Worker' });
    const setup = await member.browser.post('/api/v1/me/two-factor/totp');
    await member.browser.post('/api/v1/me/two-factor/totp/confirm', { code: totpCode(t, setup.json().secret) });
    nextStep(t);
    const laptop = await rememberedBrowser({ ...member, secret: setup.json().secret });
    const seen = await head.browser.get(`/api/v1/organization/users/${member.userId}/known-browsers`);
    expect(seen.statusCode).toBe(200);
    expect((seen.json().browsers as Array<{ remembered: unknown }>).some((b) => b.remembered !== null)).toBe(true);
    t.clock.advance(11 * minute);
    expectProblem(await head.browser.delete(`/api/v1/organization/users/${member.userId}/known-browsers`), 403, 'reauthentication_required');
    expect((await head.browser.reauthenticate()).statusCode).toBe(204);
    expect((await head.browser.delete(`/api/v1/organization/users/${member.userId}/known-browsers`)).statusCode).toBe(204);
    expect((await head.browser.get(`/api/v1/organization/users/${member.userId}/known-browsers`)).json().browsers).toEqual([]);
    expect((await laptop.login(member.email)).json().status).toBe('two_factor_required');
    const stranger = await signUpMember(t, { email: 'elsewhere@admin-forget.example' });
    expectProblem(await head.browser.get(`/api/v1/organization/users/${stranger.userId}/known-browsers`), 404, 'not_found');
  });
});
