// Text-message codes (S1–S4) over HTTP on both databases: adding and confirming a number, codes of
// 6 or 7 digits that expire and work once, resend throttling and daily caps, the development
// outbox and the Twilio sender, the organization switch, sign-in with a texted code (L3, L4),
// removing the number, and nothing readable at rest.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetTwoFactorByEmailAsOperator } from '../../src/services/operator.js';
import { createLogSender } from '../../src/sms/sms-sender.js';
import {
  auditEventsOf,
  Browser,
  dumpAllTables,
  enrolTotp,
  expectProblem,
  mailTo,
  minute,
  nextStep,
  readUser,
  second,
  signUpMember,
  startChallenge,
  totpCode,
  type Member,
} from '../support/two-factor.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';

const phone = { typed: '+41 79 123 45 67', e164: '+41791234567', masked: '+41 •• ••• •• 67' };
const otherPhone = { typed: '+44 7400 123456', e164: '+447400123456' };
const day = 24 * 60 * minute;
interface Phone {
  typed: string;
  e164: string;
  masked: string;
}
/** Every number used, to look for in the dump at the end. */
const usedNumbers: Phone[] = [phone, { ...otherPhone, masked: '' }];
let nextNumber = 10;
/** A fresh Swiss mobile number, so each member has their own daily cap per number (S2). */
function freshPhone(): Phone {
  const n = nextNumber++;
  const tail = String(n).padStart(4, '0');
  const number = { typed: `+41 76 555 ${tail.slice(0, 2)} ${tail.slice(2)}`, e164: `+4176555${tail}`, masked: `+41 •• ••• •• ${tail.slice(2)}` };
  usedNumbers.push(number);
  return number;
}

/** The code in the newest text to `to` (the code starts the text). */
function lastCode(t: TestApp, to: string): string {
  const text = t.texts().find((m) => m.to === to);
  if (!text) throw new Error(`no text to ${to}`);
  return /^(\d{6,7}) /.exec(text.body)![1]!;
}

async function startSms(browser: Browser, phoneNumber: string, country?: string) {
  return browser.post('/api/v1/me/two-factor/sms', country === undefined ? { phoneNumber } : { phoneNumber, country });
}

/** S1: adds and confirms a number; returns the confirmation's body. */
async function enrolSms(t: TestApp, browser: Browser, number: { typed: string; e164: string } = phone): Promise<{ phoneNumber: string; recoveryCodes?: string[] }> {
  const started = await startSms(browser, number.typed);
  expect(started.statusCode, started.body).toBe(201);
  const confirmed = await browser.post('/api/v1/me/two-factor/sms/confirm', { code: lastCode(t, number.e164) });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return confirmed.json();
}

/** A member whose only factor is a texted number; the clock is past the send interval. */
async function memberWithSms(t: TestApp, email: string, number: Phone = freshPhone()): Promise<Member & { recoveryCodes: string[]; phone: Phone }> {
  const member = await signUpMember(t, { email, organization: `Org ${email}` });
  const { recoveryCodes } = await enrolSms(t, member.browser, number);
  t.clock.advance(minute);
  return { ...member, recoveryCodes: recoveryCodes!, phone: number };
}

function status(browser: Browser) {
  return browser.get('/api/v1/me/two-factor').then((r) => r.json());
}

describe(`text-message codes on ${testDatabaseKind}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('S1 a number needs a verified e-mail, a recent password and a valid number with country code', async () => {
    const unverified = await signUpMember(t, { email: 'unverified@s1.example', verify: false });
    expectProblem(await startSms(unverified.browser, phone.typed), 403, 'email_not_verified');

    const member = await signUpMember(t, { email: 'valid@s1.example' });
    for (const [typed, country, field] of [
      ['079 123 45 67', undefined, 'phoneNumber'], // no + and no country
      ['+41 12', undefined, 'phoneNumber'],
      ['+1 555 0100', undefined, 'phoneNumber'],
      ['079 123 45 67', 'XX', 'country'],
    ] as const) {
      const response = await startSms(member.browser, typed, country);
      expectProblem(response, 400, 'validation_failed', typed);
      expect(response.json().errors[0].field).toBe(field);
    }
    for (const body of [{}, { phoneNumber: 41791234567 }, { phoneNumber: 'call me' }, { phoneNumber: '' }, { phoneNumber: phone.typed, country: 'CHE' }, { phoneNumber: '+41 79 123 45 67'.repeat(5) }, []]) {
      expectProblem(await member.browser.post('/api/v1/me/two-factor/sms', body), 400, 'validation_failed', JSON.stringify(body));
    }
    expect(t.texts().filter((m) => m.to === phone.e164)).toHaveLength(0);

    // National number with its country: stored and answered in E.164.
    const started = await startSms(member.browser, '079 123 45 67', 'CH');
    expect(started.statusCode, started.body).toBe(201);
    expect(started.json()).toEqual({ phoneNumber: phone.e164, expiresAt: new Date(t.clock.now().getTime() + 5 * minute).toISOString() });

    // A5: without a recent password it is refused.
    t.clock.advance(11 * minute);
    expectProblem(await startSms(member.browser, phone.typed), 403, 'reauthentication_required');
  });

  it('S1 D2 T6 nothing is active until the texted code; confirming activates the number, returns recovery codes and e-mails', async () => {
    const member = await signUpMember(t, { email: 'confirm@s1.example' });
    expect((await startSms(member.browser, phone.typed)).statusCode).toBe(201);
    expect(await status(member.browser)).toEqual({ enabled: false, required: false, methods: [], recoveryCodes: { remaining: 0, total: 0 }, sms: { phoneNumber: null, allowed: true, allowedCountries: null } });
    expect((await readUser(t, member.userId)).twoFactorEnabled).toBe(0);

    const code = lastCode(t, phone.e164);
    expect(code).toMatch(/^\d{6}$/);
    const wrong = code === '000000' ? '111111' : '000000';
    expectProblem(await member.browser.post('/api/v1/me/two-factor/sms/confirm', { code: wrong }), 400, 'invalid_code');
    const confirmed = await member.browser.post('/api/v1/me/two-factor/sms/confirm', { code });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().phoneNumber).toBe(phone.e164);
    expect(confirmed.json().recoveryCodes).toHaveLength(8);
    expect(confirmed.json().recoveryCodes[0]).toMatch(/^\d{4}-\d{4}$/);

    expect(await status(member.browser)).toEqual({ enabled: true, required: false, methods: ['sms'], recoveryCodes: { remaining: 8, total: 8 }, sms: { phoneNumber: phone.masked, allowed: true, allowedCountries: null } });
    expect((await readUser(t, member.userId)).twoFactorEnabled).toBe(1);
    expect(await mailTo(t, member.email, 'Two-factor authentication is on')).toHaveLength(1);
    const [event] = await auditEventsOf(t, member.userId, 'two_factor.sms_enabled');
    expect(event?.details).toEqual({ firstFactor: true, replacedNumber: false });
    // The code worked once.
    expectProblem(await member.browser.post('/api/v1/me/two-factor/sms/confirm', { code }), 404, 'not_found');
  });

  it('S1 starting again replaces the waiting number; a new number replaces the active one without new recovery codes', async () => {
    const member = await signUpMember(t, { email: 'replace@s1.example' });
    expect((await startSms(member.browser, phone.typed)).statusCode).toBe(201);
    const firstCode = lastCode(t, phone.e164);
    t.clock.advance(minute);
    expect((await startSms(member.browser, otherPhone.typed)).statusCode).toBe(201);
    const secondCode = lastCode(t, otherPhone.e164);
    if (firstCode !== secondCode) expectProblem(await member.browser.post('/api/v1/me/two-factor/sms/confirm', { code: firstCode }), 400, 'invalid_code');
    const confirmed = await member.browser.post('/api/v1/me/two-factor/sms/confirm', { code: secondCode });
    expect(confirmed.json().phoneNumber).toBe(otherPhone.e164);

    t.clock.advance(minute);
    const replaced = await enrolSms(t, member.browser, phone);
    expect(replaced).toEqual({ phoneNumber: phone.e164 });
    expect((await status(member.browser)).sms.phoneNumber).toBe(phone.masked);
    expect((await auditEventsOf(t, member.userId, 'two_factor.sms_enabled')).map((e) => e.details)).toEqual([
      { firstFactor: true, replacedNumber: false },
      { firstFactor: false, replacedNumber: true },
    ]);
  });

  it('S1 an enrolment code stops working after 5 wrong tries', async () => {
    const member = await signUpMember(t, { email: 'tries@s1.example' });
    expect((await startSms(member.browser, phone.typed)).statusCode).toBe(201);
    const code = lastCode(t, phone.e164);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expectProblem(await member.browser.post('/api/v1/me/two-factor/sms/confirm', { code: wrong }), 400, 'invalid_code');
    expectProblem(await member.browser.post('/api/v1/me/two-factor/sms/confirm', { code }), 400, 'invalid_code');
    expect((await status(member.browser)).methods).toEqual([]);
  });

  it('S2 L1 L4 signing in with a texted code, end to end', async () => {
    const member = await memberWithSms(t, 'signin@s2.example');
    const browser = new Browser(t.app);
    const login = await browser.login(member.email);
    expect(login.json()).toEqual({ status: 'two_factor_required', methods: ['sms', 'recovery_code'] });
    expect(browser.sessionToken).toBeUndefined();

    const sent = await browser.post('/api/v1/auth/two-factor/sms');
    expect(sent.statusCode, sent.body).toBe(202);
    expect(sent.json()).toEqual({ phoneNumber: `•• ${member.phone.e164.slice(-2)}`, expiresAt: new Date(t.clock.now().getTime() + 5 * minute).toISOString() });
    const text = t.texts()[0]!;
    expect(text.to).toBe(member.phone.e164);
    expect(text.body).toMatch(/^\d{6} is your Org signin@s2\.example code to sign in\./);

    const signedIn = await browser.submitCode(lastCode(t, member.phone.e164));
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    expect(signedIn.json()).toEqual({ status: 'signed_in' });
    expect(browser.sessionToken).toBeDefined();
    expect((await browser.get('/api/v1/session')).statusCode).toBe(200);
    expect((await readUser(t, member.userId)).lastLoginMethod).toBe('sms');
    const events = await auditEventsOf(t, member.userId, 'user.signed_in');
    expect(events.at(-1)!.details).toMatchObject({ secondFactor: 'sms' });
    expect((await auditEventsOf(t, member.userId, 'two_factor.sms_code_sent')).map((e) => e.details.purpose)).toEqual(['enrol', 'sign_in']);

    // Outside a challenge nothing is sent.
    expectProblem(await new Browser(t.app).post('/api/v1/auth/two-factor/sms'), 401, 'unauthenticated');
  });

  it('S2 with an authenticator and a number, both are offered and either code signs in', async () => {
    const member = { ...(await signUpMember(t, { email: 'both@s2.example' })), phone: freshPhone() };
    const { secret } = await enrolTotp(t, member.browser);
    expect(await enrolSms(t, member.browser, member.phone)).toEqual({ phoneNumber: member.phone.e164 });
    nextStep(t);
    t.clock.advance(minute);
    const byApp = await startChallenge(t.app, member.email);
    expect((await byApp.submitCode(totpCode(t, secret))).statusCode).toBe(200);
    const byText = await startChallenge(t.app, member.email);
    expect((await byText.login(member.email)).json().methods).toEqual(['totp', 'sms', 'recovery_code']);
    expect((await byText.post('/api/v1/auth/two-factor/sms')).statusCode).toBe(202);
    expect((await byText.submitCode(lastCode(t, member.phone.e164))).statusCode).toBe(200);
  });

  it('S2 codes have 7 digits when the organization says so, and 6 by default', async () => {
    const member = { ...(await signUpMember(t, { email: 'seven@s2.example' })), phone: freshPhone() };
    const patched = await member.browser.patch('/api/v1/organization', { twoFactor: { smsCodeLength: 7 } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().twoFactor).toMatchObject({ smsAllowed: true, smsCodeLength: 7 });
    expect((await auditEventsOf(t, member.userId, 'two_factor.sms_enabled'))).toHaveLength(0);
    await enrolSms(t, member.browser, member.phone);
    expect(lastCode(t, member.phone.e164)).toMatch(/^\d{7}$/);
    t.clock.advance(minute);
    const browser = await startChallenge(t.app, member.email);
    expect((await browser.post('/api/v1/auth/two-factor/sms')).statusCode).toBe(202);
    const code = lastCode(t, member.phone.e164);
    expect(code).toMatch(/^\d{7}$/);
    expect((await browser.submitCode(`${code.slice(0, 3)} ${code.slice(3)}`)).statusCode).toBe(200);
    for (const smsCodeLength of [5, 8, '7', null]) {
      expectProblem(await member.browser.patch('/api/v1/organization', { twoFactor: { smsCodeLength } }), 400, 'validation_failed', String(smsCodeLength));
    }
    expectProblem(await member.browser.patch('/api/v1/organization', { twoFactor: { smsAllowed: 'yes' } }), 400, 'validation_failed');
  });

  it('S2 a code is valid 5 minutes', async () => {
    const member = await memberWithSms(t, 'expiry@s2.example');
    const browser = await startChallenge(t.app, member.email);
    expect((await browser.post('/api/v1/auth/two-factor/sms')).statusCode).toBe(202);
    const code = lastCode(t, member.phone.e164);
    t.clock.advance(5 * minute);
    expectProblem(await browser.submitCode(code), 400, 'invalid_code');
    // A new text brings a new code that works.
    expect((await browser.post('/api/v1/auth/two-factor/sms')).statusCode).toBe(202);
    t.clock.advance(5 * minute - second);
    expect((await browser.submitCode(lastCode(t, member.phone.e164))).statusCode).toBe(200);

    // An enrolment waits 5 minutes too.
    const other = await signUpMember(t, { email: 'expiry-enrol@s2.example' });
    expect((await startSms(other.browser, otherPhone.typed)).statusCode).toBe(201);
    t.clock.advance(5 * minute);
    expectProblem(await other.browser.post('/api/v1/me/two-factor/sms/confirm', { code: lastCode(t, otherPhone.e164) }), 404, 'not_found');
  });

  it('S2 a code works once: used again it fails, and of 8 simultaneous sign-ins with it exactly one succeeds', async () => {
    const member = await memberWithSms(t, 'once@s2.example');
    const first = await startChallenge(t.app, member.email);
    expect((await first.post('/api/v1/auth/two-factor/sms')).statusCode).toBe(202);
    const code = lastCode(t, member.phone.e164);
    expect((await first.submitCode(code)).statusCode).toBe(200);
    const again = await startChallenge(t.app, member.email);
    expectProblem(await again.submitCode(code), 400, 'invalid_code');

    t.clock.advance(minute);
    const browsers = await Promise.all(Array.from({ length: 8 }, () => startChallenge(t.app, member.email)));
    expect((await browsers[0]!.post('/api/v1/auth/two-factor/sms')).statusCode).toBe(202);
    const raced = lastCode(t, member.phone.e164);
    const answers = await Promise.all(browsers.map((b) => b.submitCode(raced)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 400, 400, 400, 400, 400, 400, 400]);
  });

  it('S2 resending waits 60 seconds (429 with Retry-After), and a member gets at most 10 texts a day', async () => {
    const member = await memberWithSms(t, 'resend@s2.example');
    const browser = await startChallenge(t.app, member.email);
    expect((await browser.post('/api/v1/auth/two-factor/sms')).statusCode).toBe(202);
    t.clock.advance(20 * second);
    const early = await browser.post('/api/v1/auth/two-factor/sms');
    expectProblem(early, 429, 'rate_limited');
    expect(early.headers['retry-after']).toBe('40');
    t.clock.advance(40 * second);
    expect((await browser.post('/api/v1/auth/two-factor/sms')).statusCode).toBe(202);

    // Enrolment (1) and two sign-in texts so far; seven more reach the daily cap of 10.
    for (let i = 0; i < 7; i++) {
      t.clock.advance(minute);
      const sent = await member.browser.post('/api/v1/me/two-factor/sms/code');
      expect(sent.statusCode, `text ${i + 4}: ${sent.body}`).toBe(202);
    }
    t.clock.advance(minute);
    const capped = await member.browser.post('/api/v1/me/two-factor/sms/code');
    expectProblem(capped, 429, 'rate_limited');
    expect(Number(capped.headers['retry-after'])).toBeGreaterThan(12 * 60 * 60);
    t.clock.advance(day);
    expect((await (await startChallenge(t.app, member.email)).post('/api/v1/auth/two-factor/sms')).statusCode).toBe(202);
  });

  it('S2 one number gets at most 10 texts a day, whoever asks', async () => {
    const shared = { typed: '+41 78 555 00 11', e164: '+41785550011' };
    const ann = await signUpMember(t, { email: 'ann@s2-number.example' });
    const ben = await signUpMember(t, { email: 'ben@s2-number.example' });
    for (let i = 0; i < 6; i++) {
      expect((await startSms(ann.browser, shared.typed)).statusCode).toBe(201);
      t.clock.advance(minute);
      await ann.browser.reauthenticate();
    }
    for (let i = 0; i < 4; i++) {
      expect((await startSms(ben.browser, shared.typed)).statusCode).toBe(201);
      t.clock.advance(minute);
      await ben.browser.reauthenticate();
    }
    expectProblem(await startSms(ben.browser, shared.typed), 429, 'rate_limited');
    // Ben's own texts are not used up: another number still works.
    expect((await startSms(ben.browser, otherPhone.typed)).statusCode).toBe(201);
  });

  it('L3 wrong texted codes count towards the lock like any wrong code; locked, no code is sent or accepted', async () => {
    const member = await memberWithSms(t, 'lock@l3.example');
    const browser = await startChallenge(t.app, member.email);
    expect((await browser.post('/api/v1/auth/two-factor/sms')).statusCode).toBe(202);
    const code = lastCode(t, member.phone.e164);
    const wrong = code === '999999' ? '888888' : '999999';
    for (let i = 0; i < 10; i++) expectProblem(await browser.submitCode(wrong), 400, 'invalid_code', `try ${i + 1}`);
    expect(await auditEventsOf(t, member.userId, 'two_factor.locked')).toHaveLength(1);
    expectProblem(await browser.submitCode(code), 429, 'rate_limited');
    t.clock.advance(minute);
    expectProblem(await browser.post('/api/v1/auth/two-factor/sms'), 429, 'rate_limited');
  });

  it('S4 an organization that disallows texts: not offered at sign-in, refused to add or send, and the member page says so', async () => {
    const member = await memberWithSms(t, 'disallow@s4.example');
    const patched = await member.browser.patch('/api/v1/organization', { twoFactor: { smsAllowed: false } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().twoFactor).toMatchObject({ smsAllowed: false, smsCodeLength: 6 });
    expect((await t.store.db.selectFrom('auditEvents').select('details').where('type', '=', 'organization.updated').where('organizationId', '=', member.organizationId).execute()).map((e) => JSON.parse(e.details))).toEqual([{ changes: { smsAllowed: 0 } }]);

    const browser = new Browser(t.app);
    expect((await browser.login(member.email)).json()).toEqual({ status: 'two_factor_required', methods: ['recovery_code'] });
    expectProblem(await browser.post('/api/v1/auth/two-factor/sms'), 403, 'sms_not_allowed');
    expectProblem(await startSms(member.browser, otherPhone.typed), 403, 'sms_not_allowed');
    expectProblem(await member.browser.post('/api/v1/me/two-factor/sms/code'), 403, 'sms_not_allowed');
    expect((await status(member.browser)).sms).toEqual({ phoneNumber: member.phone.masked, allowed: false, allowedCountries: null });
    // The recovery codes still sign in.
    expect((await browser.submitCode(member.recoveryCodes[0]!)).statusCode).toBe(200);
  });

  it('S1 D1 D2 removing the number with a texted code turns two-factor off with its recovery codes', async () => {
    const member = await memberWithSms(t, 'remove@d1.example');
    expectProblem(await member.browser.delete('/api/v1/me/two-factor/sms', { code: '000000' }), 400, 'invalid_code');
    t.clock.advance(11 * minute);
    expect((await member.browser.post('/api/v1/me/two-factor/sms/code')).statusCode).toBe(202);
    const code = lastCode(t, member.phone.e164);
    expectProblem(await member.browser.delete('/api/v1/me/two-factor/sms', { code }), 403, 'reauthentication_required');
    expect((await member.browser.reauthenticate()).statusCode).toBe(204);
    expectProblem(await member.browser.delete('/api/v1/me/two-factor/sms', { code: 'abc' }), 400, 'validation_failed');
    const removed = await member.browser.delete('/api/v1/me/two-factor/sms', { code });
    expect(removed.statusCode, removed.body).toBe(204);
    expect(await status(member.browser)).toEqual({ enabled: false, required: false, methods: [], recoveryCodes: { remaining: 0, total: 0 }, sms: { phoneNumber: null, allowed: true, allowedCountries: null } });
    expect((await readUser(t, member.userId)).twoFactorEnabled).toBe(0);
    expect(await mailTo(t, member.email, 'Two-factor authentication is off')).toHaveLength(1);
    expect((await auditEventsOf(t, member.userId, 'two_factor.sms_removed'))[0]!.details).toEqual({ confirmedWith: 'sms', twoFactorOff: true });
    expect((await new Browser(t.app).login(member.email)).json()).toEqual({ status: 'signed_in' });
    expectProblem(await member.browser.delete('/api/v1/me/two-factor/sms', { code }), 404, 'not_found');
  });

  it('D1 the only factor cannot be removed while required; with an authenticator too it can, and two-factor stays on', async () => {
    const member = await memberWithSms(t, 'required@d1.example');
    expect((await member.browser.patch('/api/v1/organization', { twoFactor: { requirement: 'required' } })).statusCode).toBe(200);
    expectProblem(await member.browser.delete('/api/v1/me/two-factor/sms', { code: member.recoveryCodes[0]! }), 403, 'two_factor_required_by_policy');

    const { secret } = await enrolTotp(t, member.browser);
    nextStep(t);
    const removed = await member.browser.delete('/api/v1/me/two-factor/sms', { code: totpCode(t, secret) });
    expect(removed.statusCode, removed.body).toBe(204);
    const after = await status(member.browser);
    expect(after).toMatchObject({ enabled: true, required: true, methods: ['totp'], sms: { phoneNumber: null, allowed: true, allowedCountries: null } });
    expect(after.recoveryCodes.remaining).toBe(8);
    expect((await readUser(t, member.userId)).twoFactorEnabled).toBe(1);
    expect(await mailTo(t, member.email, 'Two-factor authentication is off')).toHaveLength(0);
  });

  it('D1 M3 turning two-factor off and an operator reset remove the number too', async () => {
    const member = await memberWithSms(t, 'off@d1.example');
    const off = await member.browser.delete('/api/v1/me/two-factor', { code: member.recoveryCodes[0]! });
    expect(off.statusCode, off.body).toBe(204);
    expect((await status(member.browser)).sms.phoneNumber).toBeNull();
    expect((await readUser(t, member.userId)).twoFactorEnabled).toBe(0);

    const reset = await memberWithSms(t, 'reset@m3.example');
    const result = await resetTwoFactorByEmailAsOperator(t.context, reset.email);
    expect(result.ok && result.changed).toBe(true);
    expect((await auditEventsOf(t, reset.userId, 'two_factor.reset'))[0]!.details).toMatchObject({ methods: ['sms'] });
    expect((await readUser(t, reset.userId)).twoFactorEnabled).toBe(0);
    expect((await new Browser(t.app).login(reset.email)).json()).toEqual({ status: 'signed_in' });
  });

  it('S3 the development outbox is on /api/dev/mailbox as `texts`, newest first', async () => {
    const member = await memberWithSms(t, 'outbox@s3.example');
    const mailbox = await member.browser.get('/api/dev/mailbox');
    expect(mailbox.statusCode).toBe(200);
    const { texts, messages } = mailbox.json();
    expect(Array.isArray(messages)).toBe(true);
    expect(texts[0]).toEqual({ to: member.phone.e164, body: expect.stringMatching(/^\d{6} is your Org outbox@s3\.example code to confirm this phone number\./), sentAt: expect.any(String) });
    expect(Object.keys(texts[0]).sort()).toEqual(['body', 'sentAt', 'to']);
  });

  it('S3 in production the log sender keeps no outbox and never logs the code', async () => {
    const lines: Array<{ object: object; message: string }> = [];
    const logger = { info: (object: object, message: string) => lines.push({ object, message }), error: (object: object, message: string) => lines.push({ object, message }) };
    const production = createLogSender({ isProduction: true, logger });
    await production.send({ to: phone.e164, body: '123456 is your code' });
    expect(production.outbox).toBeUndefined();
    expect(JSON.stringify(lines)).not.toContain('123456');
    expect(JSON.stringify(lines)).not.toContain(phone.e164);
    const development = createLogSender({ isProduction: false, logger });
    await development.send({ to: phone.e164, body: '654321 is your code' });
    expect(development.outbox!.list()[0]).toMatchObject({ to: phone.e164, body: '654321 is your code' });
    // N4: the development outbox shows them; the log does not.
    expect(JSON.stringify(lines)).not.toContain('654321');
    expect(JSON.stringify(lines)).not.toContain(phone.e164);
  });

  it('Security floor S1 S2: no table row holds a phone number or a texted code in clear', async () => {
    const dump = await dumpAllTables(t.store);
    expect(dump.sms_numbers).toBeDefined();
    expect(JSON.parse(dump.sms_codes!).length).toBeGreaterThan(0);
    const codes = [...new Set(t.texts().map((m) => /^(\d{6,7}) /.exec(m.body)![1]!))];
    expect(codes.length).toBeGreaterThan(10);
    for (const [table, text] of Object.entries(dump)) {
      for (const number of [...usedNumbers.flatMap((n) => [n.e164, n.e164.slice(3), n.typed]), '785550011']) {
        expect(text.includes(number), `${number} in ${table}`).toBe(false);
      }
      // A code as a number of its own (not inside a longer run of digits such as a timestamp).
      for (const code of codes) expect(new RegExp(`(?<![0-9])${code}(?![0-9])`).test(text), `code ${code} in ${table}`).toBe(false);
    }
  });
});

describe(`S3 the Twilio sender on ${testDatabaseKind}`, () => {
  const accountSid = 'AC0123456789abcdef0123456789abcdef';
  const authToken = 'twilio-auth-token-for-tests';
  const from = '+15005550006';
  interface Received {
    method: string | undefined;
    url: string | undefined;
    authorization: string | undefined;
    contentType: string | undefined;
    form: Record<string, string>;
    rawBody: string;
  }
  const received: Received[] = [];
  let answer: 'created' | 'refused' = 'created';
  let server: Server;
  let t: TestApp;

  const readBody = (request: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => resolve(body));
    });

  beforeAll(async () => {
    server = createServer(async (request, response) => {
      const rawBody = await readBody(request);
      received.push({ method: request.method, url: request.url, authorization: request.headers.authorization, contentType: request.headers['content-type'], form: Object.fromEntries(new URLSearchParams(rawBody)), rawBody });
      response.setHeader('content-type', 'application/json');
      if (answer === 'refused') {
        response.statusCode = 400;
        response.end(JSON.stringify({ code: 21211, message: "The 'To' number is not a valid phone number.", more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 }));
        return;
      }
      response.statusCode = 201;
      response.end(JSON.stringify({ sid: 'SM0123456789abcdef0123456789abcdef', status: 'queued', to: received.at(-1)!.form.To, from }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    t = await createTestApp({ smsProvider: 'twilio', twilio: { accountSid, authToken, from, apiBase: `http://127.0.0.1:${port}` } });
  });
  afterAll(async () => {
    await t.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const codeIn = (request: Received) => /^(\d{6}) /.exec(request.form.Body!)![1]!;

  it('S3 posts To, From and Body, form-encoded with HTTP Basic, to the Messages resource; no outbox', async () => {
    const member = await signUpMember(t, { email: 'twilio@s3.example' });
    const started = await startSms(member.browser, phone.typed);
    expect(started.statusCode, started.body).toBe(201);
    const request = received.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe(`/2010-04-01/Accounts/${accountSid}/Messages.json`);
    expect(request.authorization).toBe(`Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`);
    expect(request.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.keys(request.form).sort()).toEqual(['Body', 'From', 'To']);
    expect(request.form).toMatchObject({ To: phone.e164, From: from });
    expect(request.form.Body).toMatch(/^\d{6} is your Org of twilio@s3\.example code to confirm this phone number\./);
    expect(t.texts()).toHaveLength(0);
    expect((await member.browser.get('/api/dev/mailbox')).json().texts).toEqual([]);

    const confirmed = await member.browser.post('/api/v1/me/two-factor/sms/confirm', { code: codeIn(request) });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
  });

  it('S3 a refused message answers 502 sms_delivery_failed; the code stays valid', async () => {
    const member = await signUpMember(t, { email: 'refused@s3.example' });
    answer = 'refused';
    try {
      expectProblem(await startSms(member.browser, otherPhone.typed), 502, 'sms_delivery_failed');
    } finally {
      answer = 'created';
    }
    // The code was stored before the send; had the text arrived, it would confirm the number.
    const confirmed = await member.browser.post('/api/v1/me/two-factor/sms/confirm', { code: codeIn(received.at(-1)!) });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().phoneNumber).toBe(otherPhone.e164);
  });
});
