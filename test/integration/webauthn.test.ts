// Security keys and passkeys (W1–W4) over HTTP on both databases, with a software authenticator
// built on node:crypto (real attestation and assertion objects, ES256): registration of both
// kinds, the second step, a passkey sign-in without a password, and every refusal — a replayed
// assertion, a counter going back (a cloned key), a wrong origin or RP id, a bad signature, user
// verification missing — with the L3 lock, D1 removal, M3 reset and the status everywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEventsOf, Browser, enrolTotp, expectProblem, inviteMember, nextStep, totpCode, mailTo, readUser, signUpMember, startChallenge, type Member } from '../support/two-factor.js';
import { SoftwareAuthenticator } from '../support/software-authenticator.js';
import { createRoot } from '../support/attestation-certificates.js';
import { purgeExpiredRecords } from '../../src/services/housekeeping.js';
import { createTestApp, publicUrl, type TestApp } from '../support/test-app.js';

const rpId = new URL(publicUrl).hostname;
const origin = new URL(publicUrl).origin;
let t: TestApp;
let counter = 0;
const nextEmail = (label: string) => `${label}-${++counter}@example.com`;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** W1: options, the authenticator's answer, and the server's verdict. */
async function register(browser: Browser, authenticator: SoftwareAuthenticator, kind: 'passkey' | 'security_key', input: { name?: string; format?: 'none' | 'packed'; userVerified?: boolean; origin?: string; rpId?: string } = {}) {
  const options = await browser.post('/api/v1/me/two-factor/webauthn/options', { kind });
  expect(options.statusCode, options.body).toBe(200);
  const response = authenticator.register(options.json(), input);
  return browser.post('/api/v1/me/two-factor/webauthn', { name: input.name ?? 'My key', response });
}

async function memberWithKey(kind: 'passkey' | 'security_key', authenticatorOptions: { counter?: number; synced?: boolean } = {}): Promise<Member & { authenticator: SoftwareAuthenticator; recoveryCodes: string[]; credentialId: string }> {
  const member = await signUpMember(t, { email: nextEmail(kind) });
  const authenticator = new SoftwareAuthenticator({ origin, rpId, ...authenticatorOptions });
  const registered = await register(member.browser, authenticator, kind);
  expect(registered.statusCode, registered.body).toBe(201);
  return { ...member, authenticator, recoveryCodes: registered.json().recoveryCodes, credentialId: registered.json().id };
}

/** W2: the password step, then the options of the second step. */
async function secondStepOptions(email: string): Promise<{ browser: Browser; challenge: string; allow: string[] }> {
  const browser = await startChallenge(t.app, email);
  const options = await browser.post('/api/v1/auth/two-factor/webauthn/options');
  expect(options.statusCode, options.body).toBe(200);
  const body = options.json();
  return { browser, challenge: body.challenge, allow: body.allowCredentials.map((c: { id: string }) => c.id) };
}

async function passkeyOptions(browser = new Browser(t.app)): Promise<{ browser: Browser; challenge: string; body: Record<string, unknown> }> {
  const options = await browser.post('/api/v1/auth/passkey/options');
  expect(options.statusCode, options.body).toBe(200);
  return { browser, challenge: options.json().challenge, body: options.json() };
}

describe('W1 W4 registration', () => {
  it('W1 W4: a passkey as the first factor gives recovery codes, is listed with its kind and storage, and e-mails the member', async () => {
    const member = await memberWithKey('passkey', { synced: true });
    expect(member.recoveryCodes).toHaveLength(8);
    const status = await member.browser.get('/api/v1/me/two-factor');
    expect(status.json()).toMatchObject({ enabled: true, methods: ['webauthn'], recoveryCodes: { remaining: 8, total: 8 } });
    const list = (await member.browser.get('/api/v1/me/two-factor/webauthn')).json().credentials;
    expect(list).toEqual([{ id: member.credentialId, name: 'My key', kind: 'passkey', storage: 'synced', userVerified: true, createdAt: expect.any(String), lastUsedAt: null }]);
    expect(await mailTo(t, member.email, 'Two-factor authentication is on')).toHaveLength(1);
    const [added] = await auditEventsOf(t, member.userId, 'two_factor.webauthn_added');
    expect(added!.details).toMatchObject({ kind: 'passkey', firstFactor: true, storage: 'synced' });
    expect((await readUser(t, member.userId)).twoFactorEnabled).toBe(1);
  });

  it('W1: a second credential (packed self-attestation) gives no new codes, is device-bound, and e-mails "added"', async () => {
    const member = await memberWithKey('passkey');
    const key = new SoftwareAuthenticator({ origin, rpId, counter: 0 });
    t.clock.advance(1000);
    const second = await register(member.browser, key, 'security_key', { name: 'YubiKey 5', format: 'packed' });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json().recoveryCodes).toBeUndefined();
    const list = (await member.browser.get('/api/v1/me/two-factor/webauthn')).json().credentials;
    expect(list.map((c: { name: string; kind: string; storage: string }) => [c.name, c.kind, c.storage])).toEqual([
      ['My key', 'passkey', 'device_bound'],
      ['YubiKey 5', 'security_key', 'device_bound'],
    ]);
    expect(await mailTo(t, member.email, 'A security key or passkey was added')).toHaveLength(1);
  });

  it('W4: a passkey needs user verification at registration; a security key does not', async () => {
    const member = await signUpMember(t, { email: nextEmail('uv') });
    const refused = await register(member.browser, new SoftwareAuthenticator({ origin, rpId }), 'passkey', { userVerified: false });
    expectProblem(refused, 400, 'webauthn_rejected');
    expect((await member.browser.get('/api/v1/me/two-factor')).json().enabled).toBe(false);
    const accepted = await register(member.browser, new SoftwareAuthenticator({ origin, rpId }), 'security_key', { userVerified: false });
    expect(accepted.statusCode, accepted.body).toBe(201);
    expect((await member.browser.get('/api/v1/me/two-factor/webauthn')).json().credentials[0]).toMatchObject({ kind: 'security_key', userVerified: false });
  });

  it('W1: a registration from another origin or for another RP id, or answering options twice, is refused and stores nothing', async () => {
    const member = await signUpMember(t, { email: nextEmail('reg') });
    expectProblem(await register(member.browser, new SoftwareAuthenticator({ origin, rpId }), 'passkey', { origin: 'http://evil.test' }), 400, 'webauthn_rejected');
    expectProblem(await register(member.browser, new SoftwareAuthenticator({ origin, rpId }), 'passkey', { rpId: 'evil.test' }), 400, 'webauthn_rejected');
    const options = (await member.browser.post('/api/v1/me/two-factor/webauthn/options', { kind: 'passkey' })).json();
    const first = new SoftwareAuthenticator({ origin, rpId });
    expect((await member.browser.post('/api/v1/me/two-factor/webauthn', { name: 'One', response: first.register(options) })).statusCode).toBe(201);
    const again = new SoftwareAuthenticator({ origin, rpId });
    expectProblem(await member.browser.post('/api/v1/me/two-factor/webauthn', { name: 'Two', response: again.register(options) }), 400, 'webauthn_rejected');
    expect((await member.browser.get('/api/v1/me/two-factor/webauthn')).json().credentials).toHaveLength(1);
  });

  it('W1: options expire after 5 minutes, and housekeeping reclaims them', async () => {
    const member = await signUpMember(t, { email: nextEmail('expiry') });
    const options = (await member.browser.post('/api/v1/me/two-factor/webauthn/options', { kind: 'security_key' })).json();
    t.clock.advance(5 * 60 * 1000 + 1);
    const late = await member.browser.post('/api/v1/me/two-factor/webauthn', { response: new SoftwareAuthenticator({ origin, rpId }).register(options) });
    expectProblem(late, 400, 'webauthn_rejected');
    expect((await purgeExpiredRecords(t.context)).webauthnChallenges).toBeGreaterThanOrEqual(1);
    expect(await t.store.db.selectFrom('webauthnChallenges').select('id').where('challenge', '=', options.challenge).executeTakeFirst()).toBeUndefined();
  });

  it('bad input of any shape is a 4xx and changes nothing', async () => {
    const member = await signUpMember(t, { email: nextEmail('shape') });
    for (const body of [{}, { response: {} }, { response: { id: 'x', rawId: 'x', type: 'public-key', clientExtensionResults: {}, response: { clientDataJSON: 'AAAA', attestationObject: 'AAAA' } } }, { response: 'x' }]) {
      const answer = await member.browser.post('/api/v1/me/two-factor/webauthn', body);
      expect(answer.statusCode, answer.body).toBeGreaterThanOrEqual(400);
      expect(answer.statusCode, answer.body).toBeLessThan(500);
    }
    expectProblem(await member.browser.post('/api/v1/me/two-factor/webauthn/options', { kind: 'fingerprint' }), 400, 'validation_failed');
    expect((await member.browser.get('/api/v1/me/two-factor')).json().enabled).toBe(false);
  });
});

describe('W2 second step', () => {
  it('W2 L1 L4: the challenge offers webauthn first; a right assertion signs in once and records the method', async () => {
    const member = await memberWithKey('security_key', { counter: 0 });
    const login = await new Browser(t.app).login(member.email);
    expect(login.json()).toMatchObject({ status: 'two_factor_required', methods: ['webauthn', 'recovery_code'] });
    const { browser, challenge, allow } = await secondStepOptions(member.email);
    expect(allow).toEqual([member.authenticator.id]);
    const assertion = member.authenticator.assert(challenge, { userVerified: false });
    const signedIn = await browser.post('/api/v1/auth/two-factor/webauthn', { response: assertion });
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    expect(signedIn.json()).toEqual({ status: 'signed_in' });
    expect((await browser.get('/api/v1/session')).statusCode).toBe(200);
    expect((await readUser(t, member.userId)).lastLoginMethod).toBe('webauthn');
    const list = (await browser.get('/api/v1/me/two-factor/webauthn')).json().credentials;
    expect(list[0].lastUsedAt).not.toBeNull();

    // Replayed, in another sign-in: the challenge was used, so it is refused.
    const other = await startChallenge(t.app, member.email);
    await other.post('/api/v1/auth/two-factor/webauthn/options');
    expectProblem(await other.post('/api/v1/auth/two-factor/webauthn', { response: assertion }), 400, 'webauthn_rejected');
  });

  it('W2: a counter that goes back is refused and audited as a possibly cloned key', async () => {
    const member = await memberWithKey('security_key', { counter: 0 });
    const first = await secondStepOptions(member.email);
    expect((await first.browser.post('/api/v1/auth/two-factor/webauthn', { response: member.authenticator.assert(first.challenge, { counter: 5 }) })).statusCode).toBe(200);
    const clone = await secondStepOptions(member.email);
    const refused = await clone.browser.post('/api/v1/auth/two-factor/webauthn', { response: member.authenticator.assert(clone.challenge, { counter: 3 }) });
    expectProblem(refused, 400, 'webauthn_rejected');
    expect(clone.browser.sessionToken).toBeUndefined();
    const [event] = await auditEventsOf(t, member.userId, 'two_factor.webauthn_clone_suspected');
    expect(event!.details).toMatchObject({ storedCounter: 5, receivedCounter: 3 });
    // The same counter again is refused too; a higher one works.
    const same = await secondStepOptions(member.email);
    expectProblem(await same.browser.post('/api/v1/auth/two-factor/webauthn', { response: member.authenticator.assert(same.challenge, { counter: 5 }) }), 400, 'webauthn_rejected');
    const next = await secondStepOptions(member.email);
    expect((await next.browser.post('/api/v1/auth/two-factor/webauthn', { response: member.authenticator.assert(next.challenge, { counter: 6 }) })).statusCode).toBe(200);
  });

  it('W2: a wrong origin, a wrong RP id, a bad signature, no user presence, another member’s key or a made-up challenge are refused and counted (L3)', async () => {
    const member = await memberWithKey('passkey');
    const stranger = await memberWithKey('passkey');
    const cases = [
      (c: string) => member.authenticator.assert(c, { origin: 'https://tessera.test.evil.example' }),
      (c: string) => member.authenticator.assert(c, { rpId: 'evil.test' }),
      (c: string) => member.authenticator.assert(c, { corruptSignature: true }),
      (c: string) => member.authenticator.assert(c, { userPresent: false }),
      (c: string) => stranger.authenticator.assert(c),
      () => member.authenticator.assert('bm90LWEtY2hhbGxlbmdl'),
    ];
    for (const make of cases) {
      const { browser, challenge } = await secondStepOptions(member.email);
      expectProblem(await browser.post('/api/v1/auth/two-factor/webauthn', { response: make(challenge) }), 400, 'webauthn_rejected');
      expect(browser.sessionToken).toBeUndefined();
    }
    expect((await readUser(t, member.userId)).secondFactorFailures).toBe(cases.length);
    const rejected = await auditEventsOf(t, member.userId, 'two_factor.code_rejected');
    expect(rejected.map((e) => e.details.reason)).toEqual(['verification_failed', 'verification_failed', 'verification_failed', 'verification_failed', 'unknown_credential', 'challenge']);
    // A right one still works and clears the count.
    const { browser, challenge } = await secondStepOptions(member.email);
    expect((await browser.post('/api/v1/auth/two-factor/webauthn', { response: member.authenticator.assert(challenge) })).statusCode).toBe(200);
    expect((await readUser(t, member.userId)).secondFactorFailures).toBe(0);
  });

  it('L3: after 10 refused assertions the second step is locked, a right assertion included', async () => {
    const member = await memberWithKey('passkey');
    for (let i = 0; i < 10; i++) {
      const { browser, challenge } = await secondStepOptions(member.email);
      await browser.post('/api/v1/auth/two-factor/webauthn', { response: member.authenticator.assert(challenge, { corruptSignature: true }) });
    }
    const browser = await startChallenge(t.app, member.email);
    const options = await browser.post('/api/v1/auth/two-factor/webauthn/options');
    expectProblem(options, 429, 'rate_limited');
    expect(await mailTo(t, member.email, 'Sign-in paused after wrong codes')).toHaveLength(1);
    expect((await auditEventsOf(t, member.userId, 'two_factor.locked')).length).toBe(1);
  });

  it('W2: concurrent submissions of one assertion sign in once', async () => {
    const member = await memberWithKey('passkey');
    const { browser, challenge } = await secondStepOptions(member.email);
    const assertion = member.authenticator.assert(challenge);
    const copy = new Browser(t.app);
    for (const [name, value] of browser.cookies) copy.cookies.set(name, value);
    const answers = await Promise.all([browser.post('/api/v1/auth/two-factor/webauthn', { response: assertion }), copy.post('/api/v1/auth/two-factor/webauthn', { response: assertion })]);
    const statuses = answers.map((a) => a.statusCode).sort();
    // The loser finds either the assertion's challenge or the sign-in already used.
    expect(statuses[0]).toBe(200);
    expect([400, 401]).toContain(statuses[1]);
  });
});

describe('W3 passkey sign-in', () => {
  it('W3: a passkey with user verification signs in without a password; without it, it is refused', async () => {
    const member = await memberWithKey('passkey');
    const { browser, challenge, body } = await passkeyOptions();
    expect(body).toMatchObject({ rpId, userVerification: 'required', allowCredentials: [] });
    const signedIn = await browser.post('/api/v1/auth/passkey', { response: member.authenticator.assert(challenge) });
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    expect(signedIn.json()).toEqual({ status: 'signed_in' });
    expect((await browser.get('/api/v1/session')).json().user.id).toBe(member.userId);
    expect((await readUser(t, member.userId)).lastLoginMethod).toBe('passkey');

    const unverified = await passkeyOptions();
    expectProblem(await unverified.browser.post('/api/v1/auth/passkey', { response: member.authenticator.assert(unverified.challenge, { userVerified: false }) }), 400, 'webauthn_rejected');
    expect(unverified.browser.sessionToken).toBeUndefined();
  });

  it('W3: a passkey assertion is accepted once, and a second-step challenge cannot be used for it', async () => {
    const member = await memberWithKey('passkey');
    const { browser, challenge } = await passkeyOptions();
    const assertion = member.authenticator.assert(challenge);
    expect((await browser.post('/api/v1/auth/passkey', { response: assertion })).statusCode).toBe(200);
    expectProblem(await new Browser(t.app).post('/api/v1/auth/passkey', { response: assertion }), 400, 'webauthn_rejected');
    const second = await secondStepOptions(member.email);
    expectProblem(await new Browser(t.app).post('/api/v1/auth/passkey', { response: member.authenticator.assert(second.challenge) }), 400, 'webauthn_rejected');
  });

  it('W3: an organization that turned passkey sign-in off refuses it; the key still works as a second step', async () => {
    const member = await memberWithKey('passkey');
    const changed = await member.browser.patch('/api/v1/organization', { passkeySignIn: false });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().passkeySignIn).toBe(false);
    const { browser, challenge } = await passkeyOptions();
    expectProblem(await browser.post('/api/v1/auth/passkey', { response: member.authenticator.assert(challenge) }), 403, 'passkey_sign_in_disabled');
    const step = await secondStepOptions(member.email);
    expect((await step.browser.post('/api/v1/auth/two-factor/webauthn', { response: member.authenticator.assert(step.challenge) })).statusCode).toBe(200);
  });
});

describe('W3 options throttle', () => {
  it('W3: passkey options are limited per client address (each stores a challenge)', async () => {
    const browser = new Browser(t.app, { remoteAddress: '198.51.100.77' });
    for (let i = 0; i < 120; i++) expect((await browser.post('/api/v1/auth/passkey/options')).statusCode).toBe(200);
    const refused = await browser.post('/api/v1/auth/passkey/options');
    expectProblem(refused, 429, 'rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await new Browser(t.app, { remoteAddress: '198.51.100.78' }).post('/api/v1/auth/passkey/options')).statusCode).toBe(200);
  });
});

describe('W1 D1 management', () => {
  it('W1: rename, e-mailed and audited', async () => {
    const member = await memberWithKey('security_key');
    const renamed = await member.browser.patch(`/api/v1/me/two-factor/webauthn/${member.credentialId}`, { name: '  Blue key ' });
    expect(renamed.statusCode, renamed.body).toBe(204);
    expect((await member.browser.get('/api/v1/me/two-factor/webauthn')).json().credentials[0].name).toBe('Blue key');
    expect(await mailTo(t, member.email, 'A security key or passkey was renamed')).toHaveLength(1);
    expect((await auditEventsOf(t, member.userId, 'two_factor.webauthn_renamed'))[0]!.details).toMatchObject({ from: 'My key', to: 'Blue key' });
    expectProblem(await member.browser.patch('/api/v1/me/two-factor/webauthn/00000000-0000-7000-8000-000000000000', { name: 'x' }), 404, 'not_found');
  });

  it('W1 D1: removing the last key with a fresh assertion turns two-factor authentication off; a wrong assertion removes nothing', async () => {
    const member = await memberWithKey('passkey');
    const bad = (await member.browser.post('/api/v1/me/two-factor/webauthn/confirm/options')).json();
    expectProblem(await member.browser.delete(`/api/v1/me/two-factor/webauthn/${member.credentialId}`, { response: member.authenticator.assert(bad.challenge, { corruptSignature: true }) }), 400, 'webauthn_rejected');
    const options = (await member.browser.post('/api/v1/me/two-factor/webauthn/confirm/options')).json();
    const removed = await member.browser.delete(`/api/v1/me/two-factor/webauthn/${member.credentialId}`, { response: member.authenticator.assert(options.challenge) });
    expect(removed.statusCode, removed.body).toBe(204);
    expect((await member.browser.get('/api/v1/me/two-factor')).json()).toMatchObject({ enabled: false, methods: [], recoveryCodes: { remaining: 0 } });
    expect((await auditEventsOf(t, member.userId, 'two_factor.webauthn_removed'))[0]!.details).toMatchObject({ confirmedWith: 'webauthn', twoFactorOff: true });
    expect(await mailTo(t, member.email, 'A security key or passkey was removed')).toHaveLength(1);
    expect((await new Browser(t.app).login(member.email)).json().status).toBe('signed_in');
  });

  it('W1 D1: removal with a recovery code; refused without proof, and refused for the last factor while required', async () => {
    const member = await memberWithKey('security_key');
    expectProblem(await member.browser.delete(`/api/v1/me/two-factor/webauthn/${member.credentialId}`, {}), 400, 'validation_failed');
    const required = await member.browser.patch('/api/v1/organization', { twoFactor: { requirement: 'required' } });
    expect(required.statusCode, required.body).toBe(200);
    expectProblem(await member.browser.delete(`/api/v1/me/two-factor/webauthn/${member.credentialId}`, { code: member.recoveryCodes[0] }), 403, 'two_factor_required_by_policy');
    await member.browser.patch('/api/v1/organization', { twoFactor: { requirement: 'optional' } });
    expect((await member.browser.delete(`/api/v1/me/two-factor/webauthn/${member.credentialId}`, { code: member.recoveryCodes[0] })).statusCode).toBe(204);
  });

  it('A5: a member whose only factor is a key confirms with it (after the password) to add another', async () => {
    const member = await memberWithKey('passkey');
    t.clock.advance(11 * 60 * 1000);
    expect((await member.browser.reauthenticate()).statusCode).toBe(204);
    expectProblem(await member.browser.post('/api/v1/me/two-factor/webauthn/options', { kind: 'security_key' }), 403, 'second_factor_reauthentication_required');
    const bad = (await member.browser.post('/api/v1/me/two-factor/webauthn/confirm/options')).json();
    expectProblem(await member.browser.post('/api/v1/me/two-factor/webauthn/confirm', { response: member.authenticator.assert(bad.challenge, { corruptSignature: true }) }), 400, 'webauthn_rejected');
    const options = (await member.browser.post('/api/v1/me/two-factor/webauthn/confirm/options')).json();
    expect((await member.browser.post('/api/v1/me/two-factor/webauthn/confirm', { response: member.authenticator.assert(options.challenge) })).statusCode).toBe(204);
    expect((await member.browser.post('/api/v1/me/two-factor/webauthn/options', { kind: 'security_key' })).statusCode).toBe(200);
  });

  it('D1 M3: turning two-factor authentication off and an administrator’s reset remove the credentials', async () => {
    const admin = await memberWithKey('passkey');
    const off = await admin.browser.delete('/api/v1/me/two-factor', { code: admin.recoveryCodes[0] });
    expect(off.statusCode, off.body).toBe(204);
    expect((await admin.browser.get('/api/v1/me/two-factor/webauthn')).json().credentials).toEqual([]);
  });
});

describe('W6 and everywhere methods appear', () => {
  it('W6 L4 M2 M4: the grid shows and filters by method, the member page names the key, the overview counts it', async () => {
    const admin = await memberWithKey('passkey');
    const { browser, challenge } = await secondStepOptions(admin.email);
    expect((await browser.post('/api/v1/auth/two-factor/webauthn', { response: admin.authenticator.assert(challenge) })).statusCode).toBe(200);
    const withKeys = (await browser.get('/api/v1/organization/users?method=webauthn')).json().users;
    expect(withKeys).toEqual([expect.objectContaining({ id: admin.userId, twoFactor: expect.objectContaining({ status: 'on', methods: ['webauthn'] }), lastLogin: expect.objectContaining({ withTwoFactor: true, method: 'webauthn' }) })]);
    expect((await browser.get('/api/v1/organization/users?method=totp')).json().users).toEqual([]);
    expectProblem(await browser.get('/api/v1/organization/users?method=fingerprint'), 400, 'validation_failed');
    const detail = (await browser.get(`/api/v1/organization/users/${admin.userId}`)).json();
    expect(detail.methods).toEqual([{ type: 'webauthn', createdAt: expect.any(String), name: 'My key', kind: 'passkey' }]);
    const adoption = (await browser.get('/api/v1/organization/two-factor/adoption')).json();
    expect(adoption.methods).toEqual({ totp: 0, sms: 0, webauthn: 1 });
  });

  it('M3: an administrator’s reset removes the member’s security keys and passkeys', async () => {
    const admin = await signUpMember(t, { email: nextEmail('resetter') });
    const member = await inviteMember(t, admin, { email: nextEmail('reset'), name: 'Keyed Member' });
    const authenticator = new SoftwareAuthenticator({ origin, rpId });
    expect((await register(member.browser, authenticator, 'security_key')).statusCode).toBe(201);
    const reset = await admin.browser.post(`/api/v1/organization/users/${member.userId}/two-factor/reset`);
    expect(reset.statusCode, reset.body).toBe(204);
    expect((await member.browser.get('/api/v1/me/two-factor/webauthn')).json().credentials).toEqual([]);
    expect((await auditEventsOf(t, member.userId, 'two_factor.reset'))[0]!.details).toMatchObject({ methods: ['webauthn'] });
    expect((await new Browser(t.app).login(member.email)).json().status).toBe('signed_in');
  });
});

describe('W5 organization policy', () => {
  it('W5 P5: requiring phishing-resistant sign-in treats an authenticator app as not set up until a key is added', async () => {
    const admin = await signUpMember(t, { email: nextEmail('strict') });
    const { secret } = await enrolTotp(t, admin.browser);
    nextStep(t);
    const notSetUp = (await admin.browser.get('/api/v1/organization/webauthn/not-set-up')).json();
    expect(notSetUp).toEqual({ users: [{ id: admin.userId, email: admin.email, name: admin.name }], total: 1 });
    const strict = await admin.browser.patch('/api/v1/organization', { twoFactor: { requirement: 'required', requirePhishingResistant: true } });
    expect(strict.statusCode, strict.body).toBe(200);
    expect(strict.json()).toMatchObject({ twoFactor: { requirePhishingResistant: true, allowedMethods: ['totp', 'sms', 'webauthn'], allowedAuthenticators: null }, passkeySignIn: true });
    const actions = (await admin.browser.get('/api/v1/session')).json().requiredActions;
    expect(actions).toEqual([expect.objectContaining({ action: 'two_factor_setup_required', blocking: false })]);
    expectProblem(await admin.browser.patch('/api/v1/organization', { name: 'Renamed' }), 403, 'two_factor_setup_required');

    // The next sign-in: the app's code, then straight into the setup of a key.
    const browser = await startChallenge(t.app, admin.email);
    expect((await browser.submitCode(totpCode(t, secret))).statusCode).toBe(200);
    expect((await browser.get('/api/v1/session')).json().requiredActions).toEqual([expect.objectContaining({ action: 'two_factor_setup_required', blocking: true })]);
    expectProblem(await browser.get('/api/v1/me/sessions'), 403, 'two_factor_setup_required');
    const registered = await register(browser, new SoftwareAuthenticator({ origin, rpId }), 'passkey');
    expect(registered.statusCode, registered.body).toBe(201);
    expect(registered.json().recoveryCodes).toBeUndefined();
    expect((await browser.get('/api/v1/session')).json().requiredActions).toEqual([]);
  });

  it('W5: a policy must keep a usable method, and a method that does not count cannot be added', async () => {
    const admin = await signUpMember(t, { email: nextEmail('policy') });
    expectProblem(await admin.browser.patch('/api/v1/organization', { twoFactor: { allowedMethods: ['totp'], requirePhishingResistant: true } }), 400, 'validation_failed');
    expectProblem(await admin.browser.patch('/api/v1/organization', { twoFactor: { allowedMethods: [] } }), 400, 'validation_failed');
    const narrowed = await admin.browser.patch('/api/v1/organization', { twoFactor: { allowedMethods: ['totp', 'sms'] } });
    expect(narrowed.json().twoFactor.allowedMethods).toEqual(['totp', 'sms']);
    expectProblem(await admin.browser.post('/api/v1/me/two-factor/webauthn/options', { kind: 'passkey' }), 403, 'method_not_allowed');
  });

  it('W5: an authenticator app or text messages the organization does not allow cannot be set up (method_not_allowed), nor a setup started before finished', async () => {
    const admin = await signUpMember(t, { email: nextEmail('methods') });
    // A setup of each started while both were allowed…
    const totpStarted = await admin.browser.post('/api/v1/me/two-factor/totp');
    expect(totpStarted.statusCode, totpStarted.body).toBe(201);
    const number = { typed: '+41 76 444 12 34', e164: '+41764441234' };
    expect((await admin.browser.post('/api/v1/me/two-factor/sms', { phoneNumber: number.typed })).statusCode).toBe(201);
    const textedCode = /^(\d{6,7}) /.exec(t.texts().find((text) => text.to === number.e164)!.body)![1]!;

    expect((await admin.browser.patch('/api/v1/organization', { twoFactor: { allowedMethods: ['webauthn'] } })).statusCode).toBe(200);
    // …is not finished once they are not allowed.
    expectProblem(await admin.browser.post('/api/v1/me/two-factor/totp/confirm', { code: totpCode(t, totpStarted.json().secret) }), 403, 'method_not_allowed', 'totp confirm');
    expectProblem(await admin.browser.post('/api/v1/me/two-factor/sms/confirm', { code: textedCode }), 403, 'method_not_allowed', 'sms confirm');
    // And no new setup starts (nor is anything texted).
    const textsBefore = t.texts().length;
    expectProblem(await admin.browser.post('/api/v1/me/two-factor/totp'), 403, 'method_not_allowed', 'totp start');
    expectProblem(await admin.browser.post('/api/v1/me/two-factor/sms', { phoneNumber: '+41 76 444 12 35' }), 403, 'method_not_allowed', 'sms start');
    expect(t.texts().length).toBe(textsBefore);
    expect((await admin.browser.get('/api/v1/me/two-factor')).json()).toMatchObject({ enabled: false, methods: [] });

    // Allowed again, each can be set up.
    expect((await admin.browser.patch('/api/v1/organization', { twoFactor: { allowedMethods: ['totp', 'sms'] } })).statusCode).toBe(200);
    expect((await admin.browser.post('/api/v1/me/two-factor/totp')).statusCode).toBe(201);
    t.clock.advance(2 * 60 * 1000); // S2: past the interval between two texts to one member
    const smsAgain = await admin.browser.post('/api/v1/me/two-factor/sms', { phoneNumber: '+41 76 444 12 36' });
    expect(smsAgain.statusCode, smsAgain.body).toBe(201);
  });

  it('W5: with an allow-list of models, a key without an attestation statement of an allowed model is refused', async () => {
    const admin = await signUpMember(t, { email: nextEmail('models') });
    const allowed = '0f0e0d0c-0b0a-0908-0706-050403020100';
    // W5: a model comes with its attestation root (any parseable certificate will do for this test).
    const rootCertificates = [(await createRoot()).pem];
    expect((await admin.browser.patch('/api/v1/organization', { twoFactor: { allowedAuthenticators: [{ aaguid: allowed.toUpperCase(), rootCertificates }] } })).json().twoFactor.allowedAuthenticators).toEqual([allowed]);
    const options = (await admin.browser.post('/api/v1/me/two-factor/webauthn/options', { kind: 'security_key' })).json();
    expect(options.attestation).toBe('direct');
    const unlisted = new SoftwareAuthenticator({ origin, rpId });
    expectProblem(await admin.browser.post('/api/v1/me/two-factor/webauthn', { response: unlisted.register(options, { format: 'none' }) }), 403, 'method_not_allowed');
    // Self-attestation names no model either, even with the allowed AAGUID.
    const selfAttested = new SoftwareAuthenticator({ origin, rpId, aaguid: Buffer.from(allowed.replace(/-/g, ''), 'hex') });
    const again = (await admin.browser.post('/api/v1/me/two-factor/webauthn/options', { kind: 'security_key' })).json();
    expectProblem(await admin.browser.post('/api/v1/me/two-factor/webauthn', { response: selfAttested.register(again, { format: 'packed' }) }), 403, 'method_not_allowed');
    expect((await admin.browser.get('/api/v1/me/two-factor/webauthn')).json().credentials).toEqual([]);
  });
});
