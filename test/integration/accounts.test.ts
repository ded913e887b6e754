// A1–A5 over HTTP, on the database chosen by TESSERA_TEST_DATABASE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, signUp, strongPassword, tokenFromLink } from '../support/agent.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';

describe(`accounts on ${testDatabaseKind}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('A1 sign-up creates an organization and its administrator, signed in, and e-mails a verification link', async () => {
    const agent = new Agent(t.app);
    const response = await agent.post('/api/v1/signup', { organization: 'Acme', name: 'Ada', email: 'Ada@Example.com', password: strongPassword });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.user).toMatchObject({ email: 'Ada@Example.com', name: 'Ada', role: 'admin', emailVerified: false });
    expect(body.organization).toMatchObject({ name: 'Acme', twoFactor: { requirement: 'optional', recoveryCodePolicy: 'deplete' } });
    expect(body.requiredActions).toEqual([]);
    // G1: the device cookie comes along; this is about the session's.
    const cookie = ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((c) => c.startsWith('tessera_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);

    const session = await agent.get('/api/v1/session');
    expect(session.statusCode).toBe(200);
    expect(session.json().user.email).toBe('Ada@Example.com');

    const [mail] = await t.mail();
    expect(mail!.to).toBe('Ada@Example.com');
    const token = tokenFromLink(mail!.text, 'http://tessera.test/verify-email');
    const verified = await new Agent(t.app).post('/api/v1/auth/verify-email', { token });
    expect(verified.statusCode).toBe(204);
    expect((await agent.get('/api/v1/session')).json().user.emailVerified).toBe(true);
    // Single use: opened again, the link says the address is already verified (issue 17 item 8), and changes nothing.
    const again = await new Agent(t.app).post('/api/v1/auth/verify-email', { token });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('email_already_verified');
    const verifiedEvents = await t.store.db.selectFrom('auditEvents').select('id').where('type', '=', 'user.email_verified').execute();
    expect(verifiedEvents).toHaveLength(1);
  });

  it('A1 a verification token nobody was sent, or a used one of an account not verified yet, stays invalid_token', async () => {
    const unknown = await new Agent(t.app).post('/api/v1/auth/verify-email', { token: 'a'.repeat(43) });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('invalid_token');
    const agent = new Agent(t.app);
    expect((await agent.post('/api/v1/signup', { organization: 'Twice', name: 'Tia', email: 'tia@example.com', password: strongPassword })).statusCode).toBe(201);
    const first = (await t.mail()).find((m) => m.to === 'tia@example.com')!;
    const oldToken = tokenFromLink(first.text, 'http://tessera.test/verify-email');
    // A newer link retires the older one: the address is not verified, so the old link is just invalid.
    expect((await agent.post('/api/v1/auth/verify-email/resend')).statusCode).toBe(202);
    const retired = await new Agent(t.app).post('/api/v1/auth/verify-email', { token: oldToken });
    expect(retired.statusCode).toBe(400);
    expect(retired.json().code).toBe('invalid_token');
  });

  it('A1 refuses a second account for the same address in any letter case', async () => {
    const response = await new Agent(t.app).post('/api/v1/signup', { organization: 'Other', name: 'Eve', email: 'ADA@example.COM', password: strongPassword });
    expect(response.statusCode).toBe(409);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 409, code: 'email_taken' });
  });

  it('A1 applies the password policy: 10 to 256 characters, nothing else', async () => {
    const agent = new Agent(t.app);
    const short = await agent.post('/api/v1/signup', { organization: 'X', name: 'X', email: 'short@example.com', password: '123456789' });
    expect(short.statusCode).toBe(400);
    expect(short.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: 'password' }] });
    const long = await agent.post('/api/v1/signup', { organization: 'X', name: 'X', email: 'long@example.com', password: 'a'.repeat(257) });
    expect(long.statusCode).toBe(400);
    const simple = await agent.post('/api/v1/signup', { organization: 'X', name: 'X', email: 'simple@example.com', password: 'aaaaaaaaaa' });
    expect(simple.statusCode).toBe(201);
  });

  it('A2 answers a wrong e-mail and a wrong password alike', async () => {
    await signUp(t.app, { email: 'grace@example.com', name: 'Grace' });
    const wrongPassword = await new Agent(t.app).post('/api/v1/auth/login', { email: 'grace@example.com', password: 'not the password' });
    const unknownEmail = await new Agent(t.app).post('/api/v1/auth/login', { email: 'nobody@example.com', password: 'not the password' });
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownEmail.statusCode).toBe(401);
    expect(wrongPassword.body).toBe(unknownEmail.body);
    expect(wrongPassword.json().code).toBe('invalid_credentials');
  });

  it('A2 A3 signs in case-insensitively with a new session token each time', async () => {
    const first = new Agent(t.app);
    const login = await first.post('/api/v1/auth/login', { email: 'GRACE@example.com', password: strongPassword });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toEqual({ status: 'signed_in' });
    const firstToken = first.cookie;
    expect(firstToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await first.post('/api/v1/auth/login', { email: 'grace@example.com', password: strongPassword });
    expect(first.cookie).not.toBe(firstToken);
    // The replaced session no longer works.
    const stale = new Agent(t.app);
    stale.cookie = firstToken;
    expect((await stale.get('/api/v1/session')).statusCode).toBe(401);
  });

  it('A3 lists sessions and ends any of them; signing out ends the current one', async () => {
    const laptop = new Agent(t.app, { 'user-agent': 'Laptop' });
    const phone = new Agent(t.app, { 'user-agent': 'Phone' });
    await laptop.post('/api/v1/auth/login', { email: 'grace@example.com', password: strongPassword });
    await phone.post('/api/v1/auth/login', { email: 'grace@example.com', password: strongPassword });
    const list = await laptop.get('/api/v1/me/sessions');
    expect(list.statusCode).toBe(200);
    const sessions = list.json().sessions as Array<{ id: string; current: boolean; userAgent: string; ip: string; createdAt: string; lastSeenAt: string }>;
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    expect(sessions.find((s) => s.current)!.userAgent).toBe('Laptop');
    const phoneSession = sessions.find((s) => s.userAgent === 'Phone')!;
    expect(phoneSession.ip).toBe('127.0.0.1');
    expect(new Date(phoneSession.lastSeenAt).toISOString()).toBe(phoneSession.lastSeenAt);

    expect((await laptop.delete(`/api/v1/me/sessions/${phoneSession.id}`)).statusCode).toBe(204);
    expect((await phone.get('/api/v1/session')).statusCode).toBe(401);
    expect((await laptop.delete(`/api/v1/me/sessions/${phoneSession.id}`)).statusCode).toBe(404);

    const logout = await laptop.post('/api/v1/auth/logout');
    expect(logout.statusCode).toBe(204);
    expect(laptop.cookie).toBeUndefined();
    expect((await laptop.get('/api/v1/me/sessions')).statusCode).toBe(401);
  });

  it('A3 ends sessions after 12 idle hours and after 30 days in any case', async () => {
    const agent = new Agent(t.app);
    await agent.post('/api/v1/auth/login', { email: 'grace@example.com', password: strongPassword });
    t.clock.advance(11 * 60 * 60 * 1000);
    expect((await agent.get('/api/v1/session')).statusCode).toBe(200);
    t.clock.advance(11 * 60 * 60 * 1000);
    expect((await agent.get('/api/v1/session')).statusCode).toBe(200);
    t.clock.advance(12 * 60 * 60 * 1000 + 1);
    expect((await agent.get('/api/v1/session')).statusCode).toBe(401);

    const busy = new Agent(t.app);
    await busy.post('/api/v1/auth/login', { email: 'grace@example.com', password: strongPassword });
    // Active every 11 hours, so never idle for 12: still ends at 30 days.
    const hour = 60 * 60 * 1000;
    let elapsed = 0;
    while (elapsed + 11 * hour < 30 * 24 * hour) {
      t.clock.advance(11 * hour);
      elapsed += 11 * hour;
      expect((await busy.get('/api/v1/session')).statusCode).toBe(200);
    }
    t.clock.advance(30 * 24 * hour - elapsed);
    expect((await busy.get('/api/v1/session')).statusCode).toBe(401);
  });

  it('A5 re-authentication checks the password', async () => {
    const agent = new Agent(t.app);
    await agent.post('/api/v1/auth/login', { email: 'grace@example.com', password: strongPassword });
    const wrong = await agent.post('/api/v1/auth/reauthenticate', { password: 'wrong password' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('invalid_credentials');
    expect((await agent.post('/api/v1/auth/reauthenticate', { password: strongPassword })).statusCode).toBe(204);
    expect((await new Agent(t.app).post('/api/v1/auth/reauthenticate', { password: strongPassword })).statusCode).toBe(401);
  });

  it('A4 resets the password once by e-mailed link, ends every session, and says nothing about unknown addresses', async () => {
    const signedIn = new Agent(t.app);
    await signedIn.post('/api/v1/auth/login', { email: 'grace@example.com', password: strongPassword });
    const before = (await t.mail()).length;
    const unknown = await new Agent(t.app).post('/api/v1/auth/password-reset', { email: 'nobody@example.com' });
    const known = await new Agent(t.app).post('/api/v1/auth/password-reset', { email: 'Grace@example.com' });
    expect(unknown.statusCode).toBe(202);
    expect(known.statusCode).toBe(202);
    expect(unknown.body).toBe(known.body);
    const mails = await t.mail();
    expect(mails.length).toBe(before + 1);
    expect(mails[0]!.to).toBe('grace@example.com');
    const token = tokenFromLink(mails[0]!.text, 'http://tessera.test/reset-password');

    const newPassword = 'a brand new passphrase';
    const weak = await new Agent(t.app).post('/api/v1/auth/password-reset/confirm', { token, password: 'short' });
    expect(weak.statusCode).toBe(400);
    const confirmed = await new Agent(t.app).post('/api/v1/auth/password-reset/confirm', { token, password: newPassword });
    expect(confirmed.statusCode).toBe(204);
    const reused = await new Agent(t.app).post('/api/v1/auth/password-reset/confirm', { token, password: 'yet another passphrase' });
    expect(reused.json().code).toBe('invalid_token');
    expect((await signedIn.get('/api/v1/session')).statusCode).toBe(401);
    expect((await new Agent(t.app).post('/api/v1/auth/login', { email: 'grace@example.com', password: strongPassword })).statusCode).toBe(401);
    expect((await new Agent(t.app).post('/api/v1/auth/login', { email: 'grace@example.com', password: newPassword })).statusCode).toBe(200);
    // Put it back for the tests below.
    await new Agent(t.app).post('/api/v1/auth/password-reset', { email: 'grace@example.com' });
    const back = tokenFromLink((await t.mail())[0]!.text, 'http://tessera.test/reset-password');
    expect((await new Agent(t.app).post('/api/v1/auth/password-reset/confirm', { token: back, password: strongPassword })).statusCode).toBe(204);
  });

  it('A4 reset links expire after one hour', async () => {
    await new Agent(t.app).post('/api/v1/auth/password-reset', { email: 'grace@example.com' });
    const token = tokenFromLink((await t.mail())[0]!.text, 'http://tessera.test/reset-password');
    t.clock.advance(60 * 60 * 1000 + 1);
    const late = await new Agent(t.app).post('/api/v1/auth/password-reset/confirm', { token, password: 'too late for this one' });
    expect(late.statusCode).toBe(400);
    expect(late.json().code).toBe('invalid_token');
  });

  it('changes the password with the current one and signs out other sessions', async () => {
    const here = new Agent(t.app);
    const elsewhere = new Agent(t.app);
    await here.post('/api/v1/auth/login', { email: 'grace@example.com', password: strongPassword });
    await elsewhere.post('/api/v1/auth/login', { email: 'grace@example.com', password: strongPassword });
    const wrong = await here.post('/api/v1/me/password', { currentPassword: 'not it at all', newPassword: 'another long passphrase' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().errors[0].field).toBe('currentPassword');
    expect((await here.post('/api/v1/me/password', { currentPassword: strongPassword, newPassword: 'another long passphrase' })).statusCode).toBe(204);
    expect((await here.get('/api/v1/session')).statusCode).toBe(200);
    expect((await elsewhere.get('/api/v1/session')).statusCode).toBe(401);
    expect((await here.post('/api/v1/me/password', { currentPassword: 'another long passphrase', newPassword: strongPassword })).statusCode).toBe(204);
    const renamed = await here.patch('/api/v1/me', { name: '  Grace Hopper ' });
    expect(renamed.json().user.name).toBe('Grace Hopper');
  });

  it('throttles password guessing per account with 429 rate_limited and Retry-After', async () => {
    await signUp(t.app, { email: 'target@example.com' });
    for (let i = 0; i < 10; i++) {
      expect((await new Agent(t.app).post('/api/v1/auth/login', { email: 'target@example.com', password: `guess number ${i}` })).statusCode).toBe(401);
    }
    const locked = await new Agent(t.app).post('/api/v1/auth/login', { email: 'target@example.com', password: strongPassword });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('rate_limited');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    t.clock.advance(15 * 60 * 1000);
    expect((await new Agent(t.app).post('/api/v1/auth/login', { email: 'target@example.com', password: strongPassword })).statusCode).toBe(200);
  });
});
