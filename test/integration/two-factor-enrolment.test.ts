// Setting up an authenticator (T1–T4, T6), turning two-factor authentication off (D1), the
// e-mails about it (D2), and the Security floor's "nothing secret in a database dump" for TOTP
// secrets and recovery codes — over HTTP, on the database chosen by TESSERA_TEST_DATABASE.
import { existsSync, readFileSync } from 'node:fs';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';
import {
  Browser,
  dumpAllTables,
  enrolTotp,
  expectProblem,
  mailTo,
  memberWithTwoFactor,
  minute,
  nextStep,
  readUser,
  second,
  signInWithCode,
  signUpMember,
  startChallenge,
  totpCode,
} from '../support/two-factor.js';

const base32Of20Bytes = /^[A-Z2-7]{32}$/;

describe(`two-factor enrolment and turning it off on ${testDatabaseKind}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function status(browser: Browser) {
    const response = await browser.get('/api/v1/me/two-factor');
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }

  async function pendingEnrollments(userId: string): Promise<number> {
    return (await t.store.db.selectFrom('totpEnrollments').select('userId').where('userId', '=', userId).execute()).length;
  }

  it('T1 A1 setup needs a verified e-mail address: email_not_verified, and nothing is stored', async () => {
    const member = await signUpMember(t, { email: 'unverified@t1.example', verify: false });
    const response = await member.browser.post('/api/v1/me/two-factor/totp');
    expectProblem(response, 403, 'email_not_verified');
    expect(response.body).not.toMatch(/otpauth|secret/i);
    expect(await pendingEnrollments(member.userId)).toBe(0);
    expect(await status(member.browser)).toEqual({ enabled: false, required: false, methods: [], recoveryCodes: { remaining: 0, total: 0 }, sms: { phoneNumber: null, allowed: true, allowedCountries: null } });
  });

  it('T1 A5 setup needs a re-authentication in the last 10 minutes; POST /auth/reauthenticate allows it', async () => {
    const member = await signUpMember(t, { email: 'reauth@t1.example' });
    // Signing up confirmed the password just now; ten minutes later it no longer counts.
    t.clock.advance(10 * minute);
    expectProblem(await member.browser.post('/api/v1/me/two-factor/totp'), 403, 'reauthentication_required');
    expect(await pendingEnrollments(member.userId)).toBe(0);
    expectProblem(await member.browser.reauthenticate('not the password at all'), 401, 'invalid_credentials');
    expectProblem(await member.browser.post('/api/v1/me/two-factor/totp'), 403, 'reauthentication_required');
    expect((await member.browser.reauthenticate()).statusCode).toBe(204);
    const started = await member.browser.post('/api/v1/me/two-factor/totp');
    expect(started.statusCode, started.body).toBe(201);
    expect(await pendingEnrollments(member.userId)).toBe(1);
  });

  it('T2 T3 setup returns a 20-byte base32 key, an otpauth URI with issuer, account, SHA1, 6 digits, 30 s, and an SVG QR code', async () => {
    const member = await signUpMember(t, { email: 'Ada.Key@T2.example', organization: 'Acme & Co' });
    const response = await member.browser.post('/api/v1/me/two-factor/totp');
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(['expiresAt', 'otpauthUri', 'qrCodeSvg', 'secret']);
    expect(body.secret).toMatch(base32Of20Bytes);
    expect(OTPAuth.Secret.fromBase32(body.secret).bytes.length).toBe(20);
    expect(body.expiresAt).toBe(new Date(t.clock.now().getTime() + 10 * minute).toISOString());

    // The URI as an independent parser reads it.
    const parsed = OTPAuth.URI.parse(body.otpauthUri);
    expect(parsed).toBeInstanceOf(OTPAuth.TOTP);
    const totp = parsed as OTPAuth.TOTP;
    expect(totp.secret.base32).toBe(body.secret);
    expect(totp.issuer).toBe('Acme & Co');
    expect(totp.label).toBe('Ada.Key@T2.example');
    expect(totp.algorithm).toBe('SHA1');
    expect(totp.digits).toBe(6);
    expect(totp.period).toBe(30);
    // And its literal shape (SPEC T2): otpauth://totp/ISSUER:EMAIL?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30
    const literal = /^otpauth:\/\/totp\/([^?]+)\?(.+)$/.exec(body.otpauthUri);
    expect(literal, body.otpauthUri).not.toBeNull();
    expect(decodeURIComponent(literal![1]!)).toBe('Acme & Co:Ada.Key@T2.example');
    expect(Object.fromEntries(new URLSearchParams(literal![2]!))).toEqual({ secret: body.secret, issuer: 'Acme & Co', algorithm: 'SHA1', digits: '6', period: '30' });

    expect(body.qrCodeSvg.trimStart().startsWith('<svg')).toBe(true);
    expect(body.qrCodeSvg).toMatch(/<\/svg>\s*$/);
    expect(body.qrCodeSvg).toMatch(/<path[^>]+d="M/);
  });

  it('T2 the issuer is the brand name once an administrator sets one', async () => {
    const member = await signUpMember(t, { email: 'brand@t2.example', organization: 'Plain Name' });
    const patched = await member.browser.patch('/api/v1/organization', { brandName: 'Shiny Brand' });
    expect(patched.statusCode, patched.body).toBe(200);
    const body = (await member.browser.post('/api/v1/me/two-factor/totp')).json();
    const totp = OTPAuth.URI.parse(body.otpauthUri) as OTPAuth.TOTP;
    expect(totp.issuer).toBe('Shiny Brand');
    expect(new URL(body.otpauthUri).searchParams.get('issuer')).toBe('Shiny Brand');
  });

  it('T1 T4 a pending setup stays open 10 minutes; after that a right code finds nothing and two-factor stays off', async () => {
    const inTime = await signUpMember(t, { email: 'intime@t1.example' });
    const late = await signUpMember(t, { email: 'late@t1.example' });
    const inTimeSecret = (await inTime.browser.post('/api/v1/me/two-factor/totp')).json().secret;
    const lateSecret = (await late.browser.post('/api/v1/me/two-factor/totp')).json().secret;

    t.clock.advance(9 * minute + 59 * second);
    const confirmed = await inTime.browser.post('/api/v1/me/two-factor/totp/confirm', { code: totpCode(t, inTimeSecret) });
    expect(confirmed.statusCode, confirmed.body).toBe(200);

    t.clock.advance(1 * second);
    const tooLate = await late.browser.post('/api/v1/me/two-factor/totp/confirm', { code: totpCode(t, lateSecret) });
    expectProblem(tooLate, 404, 'not_found');
    expect((await status(late.browser)).enabled).toBe(false);
    // An abandoned setup leaves sign-in as it was: password only.
    const login = await new Browser(t.app).login(late.email);
    expect(login.json()).toEqual({ status: 'signed_in' });
  });

  it('T1 starting again replaces the pending setup: the first key no longer confirms', async () => {
    const member = await signUpMember(t, { email: 'restart@t1.example' });
    const first = (await member.browser.post('/api/v1/me/two-factor/totp')).json().secret;
    const second_ = (await member.browser.post('/api/v1/me/two-factor/totp')).json().secret;
    expect(second_).not.toBe(first);
    expect(await pendingEnrollments(member.userId)).toBe(1);
    const firstCode = totpCode(t, first);
    // Guard against the one-in-a-million case of the two keys sharing a code at this instant.
    if ([-1, 0, 1].some((offset) => totpCode(t, second_, offset) === firstCode)) return;
    expectProblem(await member.browser.post('/api/v1/me/two-factor/totp/confirm', { code: firstCode }), 400, 'invalid_code');
    expect((await status(member.browser)).enabled).toBe(false);
    const confirmed = await member.browser.post('/api/v1/me/two-factor/totp/confirm', { code: totpCode(t, second_) });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
  });

  it('T4 T6 R1 nothing is active until a valid code; confirming returns 8 recovery codes of 8 digits', async () => {
    const member = await signUpMember(t, { email: 'confirm@t4.example' });
    const { secret } = (await member.browser.post('/api/v1/me/two-factor/totp')).json();
    expect(await status(member.browser)).toEqual({ enabled: false, required: false, methods: [], recoveryCodes: { remaining: 0, total: 0 }, sms: { phoneNumber: null, allowed: true, allowedCountries: null } });

    const right = totpCode(t, secret);
    const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
    const refused = await member.browser.post('/api/v1/me/two-factor/totp/confirm', { code: wrong });
    expectProblem(refused, 400, 'invalid_code');
    expect(refused.json().errors).toEqual([{ field: 'code', message: expect.any(String) }]);
    // A code two steps away is outside the accepted window (T5: one step either side).
    expectProblem(await member.browser.post('/api/v1/me/two-factor/totp/confirm', { code: totpCode(t, secret, 2) }), 400, 'invalid_code');
    expect((await status(member.browser)).enabled).toBe(false);
    expect((await new Browser(t.app).login(member.email)).json()).toEqual({ status: 'signed_in' });

    // One step of drift is accepted.
    const confirmed = await member.browser.post('/api/v1/me/two-factor/totp/confirm', { code: totpCode(t, secret, -1) });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const { recoveryCodes } = confirmed.json();
    expect(Object.keys(confirmed.json())).toEqual(['recoveryCodes']);
    expect(recoveryCodes).toHaveLength(8);
    for (const code of recoveryCodes) expect(code).toMatch(/^\d{4}-\d{4}$/);
    expect(new Set(recoveryCodes).size).toBe(8);

    expect(await status(member.browser)).toEqual({ enabled: true, required: false, methods: ['totp'], recoveryCodes: { remaining: 8, total: 8 }, sms: { phoneNumber: null, allowed: true, allowedCountries: null } });
    // The setup is used up.
    nextStep(t);
    expectProblem(await member.browser.post('/api/v1/me/two-factor/totp/confirm', { code: totpCode(t, secret) }), 404, 'not_found');
    // And sign-in now asks for the second factor.
    expect((await new Browser(t.app).login(member.email)).json().status).toBe('two_factor_required');
  });

  it('T4 after confirming, no endpoint returns the key or the URI again', async () => {
    const member = await memberWithTwoFactor(t, { email: 'nosecret@t4.example' });
    const { browser, secret } = member;
    expect((await browser.reauthenticate()).statusCode).toBe(204);
    const urls = [
      '/api/v1/session',
      '/api/v1/me/two-factor',
      '/api/v1/me/two-factor/recovery-codes',
      '/api/v1/me/sessions',
      '/api/v1/organization',
      '/api/v1/organization/users',
      '/api/v1/organization/audit-events',
    ];
    for (const url of urls) {
      const response = await browser.get(url);
      expect(response.statusCode, url).toBe(200);
      expect(response.body, url).not.toContain(secret);
      expect(response.body.toLowerCase(), url).not.toContain(secret.toLowerCase());
      expect(response.body, url).not.toContain('otpauth');
    }
    // GET /me/two-factor has exactly the contract's fields.
    expect(Object.keys(await status(browser)).sort()).toEqual(['enabled', 'methods', 'recoveryCodes', 'required', 'sms']);
  });

  it('T4 T5 a new setup after turning it off makes a new key; the old key and old recovery codes stop working', async () => {
    const member = await memberWithTwoFactor(t, { email: 'again@t4.example' });
    const { browser } = member;
    expect((await browser.delete('/api/v1/me/two-factor', { code: totpCode(t, member.secret) })).statusCode).toBe(204);
    nextStep(t);
    const again = await enrolTotp(t, browser);
    expect(again.secret).not.toBe(member.secret);
    expect(again.recoveryCodes.some((c) => member.recoveryCodes.includes(c))).toBe(false);
    nextStep(t);

    const oldCode = totpCode(t, member.secret);
    if (oldCode !== totpCode(t, again.secret)) {
      const withOldKey = await startChallenge(t.app, member.email);
      expectProblem(await withOldKey.submitCode(oldCode), 400, 'invalid_code');
    }
    const withOldRecovery = await startChallenge(t.app, member.email);
    expectProblem(await withOldRecovery.submitCode(member.recoveryCodes[0]), 400, 'invalid_code');
    const { response } = await signInWithCode(t.app, member.email, totpCode(t, again.secret));
    expect(response.statusCode, response.body).toBe(200);
  });

  it('T4 replacing the authenticator while it is on: the new key works, the old one does not', async () => {
    const member = await memberWithTwoFactor(t, { email: 'replace@t4.example' });
    const replacement = await enrolTotp(t, member.browser);
    expect(replacement.secret).not.toBe(member.secret);
    nextStep(t);
    const oldCode = totpCode(t, member.secret);
    if (oldCode !== totpCode(t, replacement.secret)) {
      expectProblem(await (await startChallenge(t.app, member.email)).submitCode(oldCode), 400, 'invalid_code');
    }
    expect((await signInWithCode(t.app, member.email, totpCode(t, replacement.secret))).response.statusCode).toBe(200);
  });

  it('D1 turning it off needs a recent re-authentication and a current code', async () => {
    const member = await memberWithTwoFactor(t, { email: 'off@d1.example' });
    const { browser } = member;
    t.clock.advance(10 * minute);
    expectProblem(await browser.delete('/api/v1/me/two-factor', { code: totpCode(t, member.secret) }), 403, 'reauthentication_required');
    expect((await status(browser)).enabled).toBe(true);
    expect((await browser.reauthenticate()).statusCode).toBe(204);

    const right = totpCode(t, member.secret);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    expectProblem(await browser.delete('/api/v1/me/two-factor', { code: wrong }), 400, 'invalid_code');
    expectProblem(await browser.delete('/api/v1/me/two-factor', { code: '0000-0000' }), 400, 'invalid_code');
    expect((await status(browser)).enabled).toBe(true);

    const gridStatus = async () => ((await browser.get('/api/v1/organization/users')).json().users as Array<{ email: string; twoFactor: { status: string } }>).find((u) => u.email === member.email)!.twoFactor.status;
    expect(await gridStatus()).toBe('on');
    const off = await browser.delete('/api/v1/me/two-factor', { code: right });
    expect(off.statusCode, off.body).toBe(204);
    expect(await gridStatus()).toBe('off');
    expect(await status(browser)).toEqual({ enabled: false, required: false, methods: [], recoveryCodes: { remaining: 0, total: 0 }, sms: { phoneNumber: null, allowed: true, allowedCountries: null } });
    expect((await new Browser(t.app).login(member.email)).json()).toEqual({ status: 'signed_in' });
    // Turning it off again: nothing to turn off.
    expect((await browser.delete('/api/v1/me/two-factor', { code: right })).statusCode).toBe(404);
  });

  it('D1 a recovery code also turns it off', async () => {
    const member = await memberWithTwoFactor(t, { email: 'off-recovery@d1.example' });
    const off = await member.browser.delete('/api/v1/me/two-factor', { code: member.recoveryCodes[3]!.replace('-', '') });
    expect(off.statusCode, off.body).toBe(204);
    expect((await status(member.browser)).enabled).toBe(false);
  });

  it('D1 when it is required of the member, or by the organization, the API refuses to turn it off', async () => {
    const member = await memberWithTwoFactor(t, { email: 'required@d1.example' });
    const { browser } = member;
    await t.store.db.updateTable('users').set({ twoFactorRequired: 1 }).where('id', '=', member.userId).execute();
    expect(await status(browser)).toMatchObject({ enabled: true, required: true });
    expectProblem(await browser.delete('/api/v1/me/two-factor', { code: totpCode(t, member.secret) }), 403, 'two_factor_required_by_policy');
    expect((await status(browser)).enabled).toBe(true);
    // The refused attempt did not use up the code either: it still signs in.
    expect((await signInWithCode(t.app, member.email, totpCode(t, member.secret))).response.statusCode).toBe(200);
    nextStep(t);

    await t.store.db.updateTable('users').set({ twoFactorRequired: 0 }).where('id', '=', member.userId).execute();
    await t.store.db.updateTable('organizations').set({ twoFactorRequirement: 'required' }).where('id', '=', member.organizationId).execute();
    expect(await status(browser)).toMatchObject({ enabled: true, required: true });
    expectProblem(await browser.delete('/api/v1/me/two-factor', { code: member.recoveryCodes[0] }), 403, 'two_factor_required_by_policy');
    expect((await status(browser)).recoveryCodes).toEqual({ remaining: 8, total: 8 });

    await t.store.db.updateTable('organizations').set({ twoFactorRequirement: 'optional' }).where('id', '=', member.organizationId).execute();
    expect((await browser.delete('/api/v1/me/two-factor', { code: totpCode(t, member.secret) })).statusCode).toBe(204);
  });

  it('D1 P4 a member invited as "Two-factor authentication: Required" cannot turn it off', async () => {
    const admin = await signUpMember(t, { email: 'admin@d1-invite.example', name: 'Ines Admin', organization: 'Invite Co' });
    const invited = await admin.browser.post('/api/v1/organization/users', { email: 'required@d1-invite.example', name: 'Rita Required', role: 'member', twoFactorRequired: true });
    expect(invited.statusCode, invited.body).toBe(201);
    const mail = (await mailTo(t, 'required@d1-invite.example', 'Someone invited you to join an organization on Tessera'))[0]!;
    const token = /accept-invitation\?token=([A-Za-z0-9_-]+)/.exec(mail.text)![1];
    const browser = new Browser(t.app);
    expect((await browser.post('/api/v1/invitations/accept', { token, name: 'Rita Required', password: 'rita has a long passphrase' })).statusCode).toBe(201);
    expect(await status(browser)).toEqual({ enabled: false, required: true, methods: [], recoveryCodes: { remaining: 0, total: 0 }, sms: { phoneNumber: null, allowed: true, allowedCountries: null } });
    const enrolment = await enrolTotp(t, browser);
    nextStep(t);
    expectProblem(await browser.delete('/api/v1/me/two-factor', { code: totpCode(t, enrolment.secret) }), 403, 'two_factor_required_by_policy');
    expectProblem(await browser.delete('/api/v1/me/two-factor', { code: enrolment.recoveryCodes[0] }), 403, 'two_factor_required_by_policy');
    expect(await status(browser)).toEqual({ enabled: true, required: true, methods: ['totp'], recoveryCodes: { remaining: 8, total: 8 }, sms: { phoneNumber: null, allowed: true, allowedCountries: null } });
  });

  it('D2 turning it on, regenerating codes and turning it off each e-mail the member', async () => {
    const member = await signUpMember(t, { email: 'mail@d2.example', name: 'Mia Mail' });
    const { browser } = member;
    const enrolment = await enrolTotp(t, browser);
    const on = await mailTo(t, member.email, 'Two-factor authentication is on');
    expect(on).toHaveLength(1);
    // Issue 10 item 7: no greeting by name (a name may have been typed by someone else).
    expect(on[0]!.text.startsWith('Hello,\n')).toBe(true);

    const regenerated = await browser.post('/api/v1/me/two-factor/recovery-codes');
    expect(regenerated.statusCode, regenerated.body).toBe(200);
    expect(await mailTo(t, member.email, 'New recovery codes')).toHaveLength(1);

    nextStep(t);
    expect((await browser.delete('/api/v1/me/two-factor', { code: totpCode(t, enrolment.secret) })).statusCode).toBe(204);
    expect(await mailTo(t, member.email, 'Two-factor authentication is off')).toHaveLength(1);
    // No secret travels by e-mail.
    for (const mail of (await t.mail()).filter((m) => m.to === member.email)) {
      expect(mail.text).not.toContain(enrolment.secret);
      for (const code of enrolment.recoveryCodes) expect(mail.text).not.toContain(code);
    }
  });

  it('T3 R2 Security floor: no table row (nor the raw SQLite file) holds a TOTP key or a recovery code', async () => {
    const member = await memberWithTwoFactor(t, { email: 'dump@vault.example' });
    const { browser } = member;
    // One pending setup left open as well, and a used recovery code.
    const pending = (await browser.post('/api/v1/me/two-factor/totp')).json().secret as string;
    const used = await signInWithCode(t.app, member.email, member.recoveryCodes[0]!);
    expect(used.response.statusCode).toBe(200);
    // And a sign-in challenge still waiting for its second step (L1): its token is stored hashed.
    const waiting = (await startChallenge(t.app, member.email)).challengeToken!;

    const keys = [member.secret, pending];
    const secrets: Array<{ label: string; value: string }> = [];
    for (const key of keys) {
      const bytes = Buffer.from(OTPAuth.Secret.fromBase32(key).bytes);
      secrets.push({ label: 'key', value: key }, { label: 'key lower case', value: key.toLowerCase() }, { label: 'key hex', value: bytes.toString('hex') }, { label: 'key base64', value: bytes.toString('base64').replace(/=+$/, '') });
    }
    const challengeBytes = Buffer.from(waiting, 'base64url');
    secrets.push({ label: 'challenge token', value: waiting }, { label: 'challenge token hex', value: challengeBytes.toString('hex') }, { label: 'challenge token base64', value: challengeBytes.toString('base64').replace(/=+$/, '') });
    for (const code of member.recoveryCodes) secrets.push({ label: 'recovery code', value: code }, { label: 'recovery code digits', value: code.replace('-', '') });

    const dump = await dumpAllTables(t.store);
    // The rows are there, so a miss below means something.
    expect(JSON.parse(dump.totp_credentials!).length).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(dump.totp_enrollments!).length).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(dump.sign_in_challenges!).length).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(dump.recovery_codes!).filter((r: { userId?: string; user_id?: string }) => (r.userId ?? r.user_id) === member.userId)).toHaveLength(8);
    for (const [table, text] of Object.entries(dump)) {
      for (const secret of secrets) expect(text.includes(secret.value), `${secret.label} ${secret.value} found in table ${table}`).toBe(false);
    }

    if (t.database.kind === 'sqlite') {
      const files = [t.database.url, `${t.database.url}-wal`].filter((file) => existsSync(file));
      const contents = files.map((file) => readFileSync(file));
      expect(contents.some((bytes) => bytes.includes(Buffer.from('dump@vault.example')))).toBe(true);
      for (const [index, bytes] of contents.entries()) {
        for (const secret of secrets) expect(bytes.includes(Buffer.from(secret.value)), `${secret.label} found in ${files[index]}`).toBe(false);
      }
    }
    // The member can still read them back through the API (R3): sealed, not lost.
    expect((await browser.reauthenticate()).statusCode).toBe(204);
    const shown = (await browser.get('/api/v1/me/two-factor/recovery-codes')).json().codes.map((c: { code: string }) => c.code);
    expect(new Set(shown)).toEqual(new Set(member.recoveryCodes));
    expect((await readUser(t, member.userId)).lastLoginMethod).toBe('recovery_code');
  });
});
