// P5 A3 (issue 10 item 8): a member who must set up two-factor authentication signs in with the
// password into a setup-only session; completing the setup (an authenticator, a first phone
// number, or a security key or passkey) replaces that session with a complete one under a new
// token, in the setup's transaction.
// The old token answers 401 afterwards. On the database chosen by TESSERA_TEST_DATABASE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftwareAuthenticator } from '../support/software-authenticator.js';
import { createTestApp, publicUrl, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';
import { Browser, expectProblem, inviteMember, memberWithTwoFactor, nextStep, startChallenge, totpCode, type Member } from '../support/two-factor.js';

const setupAction = 'two_factor_setup_required';

describe(`the session after a required setup on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let admin: Member;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await memberWithTwoFactor(t, { email: 'ada@setup-session.example', name: 'Ada Admin', organization: 'Setup Session Co' });
  });
  afterAll(async () => {
    await t.close();
  });

  /** A member required to set up (P4), signed in with the password into a setup-only session (P5). */
  async function signInIntoSetup(email: string): Promise<{ browser: Browser; setupToken: string; userId: string }> {
    const member = await inviteMember(t, admin, { email, name: 'Bob Member', twoFactorRequired: true });
    const browser = new Browser(t.app);
    const response = await browser.login(email);
    expect(response.json()).toEqual({ status: setupAction });
    const setupToken = browser.sessionToken!;
    expect(setupToken).toBeDefined();
    expect((await browser.get('/api/v1/session')).json().requiredActions).toEqual([{ action: setupAction, blocking: true }]);
    return { browser, setupToken, userId: member.userId };
  }

  /** A request with only this session token, as a browser that kept the old cookie would send. */
  function withToken(token: string, url: string) {
    return t.app.inject({ method: 'GET', url, headers: { cookie: `tessera_session=${token}` } });
  }

  async function expectRenewed(browser: Browser, setupToken: string, userId: string): Promise<void> {
    const newToken = browser.sessionToken;
    expect(newToken).toBeDefined();
    expect(newToken).not.toBe(setupToken);
    // The setup-only token is gone: 401 everywhere, also where it worked before.
    expectProblem(await withToken(setupToken, '/api/v1/session'), 401, 'unauthenticated');
    expectProblem(await withToken(setupToken, '/api/v1/me/two-factor'), 401, 'unauthenticated');
    // The new one is a complete session.
    const state = await withToken(newToken!, '/api/v1/session');
    expect(state.statusCode, state.body).toBe(200);
    expect(state.json().requiredActions).toEqual([]);
    expect((await browser.get('/api/v1/me/sessions')).statusCode).toBe(200);
    const sessions = await t.store.db.selectFrom('sessions').select(['setupOnly']).where('userId', '=', userId).execute();
    // Only the new one: the invitation's session was limited to setup too, and ended with the setup.
    expect(sessions).toEqual([{ setupOnly: 0 }]);
  }

  it('P5 A3 confirming an authenticator in a setup-only session issues a new session token; the old one answers 401', async () => {
    const { browser, setupToken, userId } = await signInIntoSetup('bob-totp@setup-session.example');
    const started = await browser.post('/api/v1/me/two-factor/totp');
    expect(started.statusCode, started.body).toBe(201);
    const confirmed = await browser.post('/api/v1/me/two-factor/totp/confirm', { code: totpCode(t, started.json().secret) });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.headers['set-cookie']).toMatch(/^tessera_session=/);
    expect(confirmed.json().recoveryCodes).toHaveLength(8);
    nextStep(t);
    await expectRenewed(browser, setupToken, userId);
  });

  it('P5 A3 S1 confirming a first phone number in a setup-only session issues a new session token; the old one answers 401', async () => {
    const { browser, setupToken, userId } = await signInIntoSetup('bob-sms@setup-session.example');
    const started = await browser.post('/api/v1/me/two-factor/sms', { phoneNumber: '+41 76 555 77 01' });
    expect(started.statusCode, started.body).toBe(201);
    const code = /^(\d{6,7}) /.exec(t.texts().find((m) => m.to === '+41765557701')!.body)![1]!;
    const confirmed = await browser.post('/api/v1/me/two-factor/sms/confirm', { code });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.headers['set-cookie']).toMatch(/^tessera_session=/);
    expect(confirmed.json().recoveryCodes).toHaveLength(8);
    await expectRenewed(browser, setupToken, userId);
  });

  /** W1: registration options, the software authenticator's answer, and the server's verdict. */
  async function registerKey(browser: Browser, kind: 'passkey' | 'security_key') {
    const options = await browser.post('/api/v1/me/two-factor/webauthn/options', { kind });
    expect(options.statusCode, options.body).toBe(200);
    const authenticator = new SoftwareAuthenticator({ origin: new URL(publicUrl).origin, rpId: new URL(publicUrl).hostname });
    return browser.post('/api/v1/me/two-factor/webauthn', { name: 'My key', response: authenticator.register(options.json()) });
  }

  for (const kind of ['passkey', 'security_key'] as const) {
    it(`P5 A3 W1 registering a first ${kind === 'passkey' ? 'passkey' : 'security key'} in a setup-only session issues a new session token; the old one answers 401`, async () => {
      const { browser, setupToken, userId } = await signInIntoSetup(`bob-${kind}@setup-session.example`);
      const registered = await registerKey(browser, kind);
      expect(registered.statusCode, registered.body).toBe(201);
      expect(registered.headers['set-cookie']).toMatch(/^tessera_session=/);
      expect(registered.json().recoveryCodes).toHaveLength(8);
      await expectRenewed(browser, setupToken, userId);
    });
  }

  it('P5 A3 W5 a member whose authenticator app no longer counts (phishing-resistant required) adds a key in the setup-only session: new token, the old one answers 401', async () => {
    const owner = await memberWithTwoFactor(t, { email: 'owner@strict-setup-session.example', organization: 'Strict Setup Co' });
    const strict = await owner.browser.patch('/api/v1/organization', { twoFactor: { requirement: 'required', requirePhishingResistant: true } });
    expect(strict.statusCode, strict.body).toBe(200);
    // The next sign-in: the app's code, then a session limited to setting up a key.
    const browser = await startChallenge(t.app, owner.email);
    expect((await browser.submitCode(totpCode(t, owner.secret))).statusCode).toBe(200);
    nextStep(t);
    const setupToken = browser.sessionToken!;
    expect((await browser.get('/api/v1/session')).json().requiredActions).toEqual([expect.objectContaining({ action: setupAction, blocking: true })]);
    const registered = await registerKey(browser, 'security_key');
    expect(registered.statusCode, registered.body).toBe(201);
    expect(registered.headers['set-cookie']).toMatch(/^tessera_session=/);
    const newToken = browser.sessionToken!;
    expect(newToken).not.toBe(setupToken);
    expectProblem(await withToken(setupToken, '/api/v1/session'), 401, 'unauthenticated');
    expectProblem(await withToken(setupToken, '/api/v1/me/two-factor'), 401, 'unauthenticated');
    const state = await withToken(newToken, '/api/v1/session');
    expect(state.statusCode, state.body).toBe(200);
    expect(state.json().requiredActions).toEqual([]);
    expect((await browser.get('/api/v1/me/sessions')).statusCode).toBe(200);
    const setupOnly = await t.store.db.selectFrom('sessions').select('id').where('userId', '=', owner.userId).where('setupOnly', '=', 1).execute();
    expect(setupOnly).toEqual([]);
  });

  it('P5 a complete session keeps its token when the member sets up an authenticator', async () => {
    const member = await inviteMember(t, admin, { email: 'cy@setup-session.example', name: 'Cy Ready' });
    const token = member.browser.sessionToken!;
    expect((await member.browser.reauthenticate()).statusCode).toBe(204);
    const started = await member.browser.post('/api/v1/me/two-factor/totp');
    const confirmed = await member.browser.post('/api/v1/me/two-factor/totp/confirm', { code: totpCode(t, started.json().secret) });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.headers['set-cookie']).toBeUndefined();
    expect(member.browser.sessionToken).toBe(token);
    expect((await withToken(token, '/api/v1/session')).statusCode).toBe(200);
    nextStep(t);
  });
});
