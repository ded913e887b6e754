// Recovery codes over HTTP (R1–R7): showing them, regenerating them, the organization's
// deplete / replace policy, and the e-mail after each use — on the database chosen by
// TESSERA_TEST_DATABASE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';
import { Browser, auditEventsOf, expectProblem, mailTo, memberWithTwoFactor, minute, signInWithCode, startChallenge, totpCode } from '../support/two-factor.js';

const usedSubject = 'A recovery code was used to sign in';
const blocking = { action: 'recovery_codes_regeneration_required', blocking: true };

describe(`recovery codes on ${testDatabaseKind}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function listCodes(browser: Browser): Promise<Array<{ code: string; usedAt: string | null }>> {
    const response = await browser.get('/api/v1/me/two-factor/recovery-codes');
    expect(response.statusCode, response.body).toBe(200);
    return response.json().codes;
  }

  async function remainingMentioned(email: string): Promise<number[]> {
    // Newest first from the mailbox; oldest first here.
    return (await mailTo(t, email, usedSubject)).map((m) => Number(/(\d+) recovery codes? remains?/.exec(m.text)![1])).reverse();
  }

  it('R3 A5 showing the codes needs a recent re-authentication, and marks used ones with their date of use', async () => {
    const member = await memberWithTwoFactor(t, { email: 'show@r3.example' });
    const { browser } = member;
    t.clock.advance(10 * minute);
    expectProblem(await browser.get('/api/v1/me/two-factor/recovery-codes'), 403, 'second_factor_reauthentication_required');
    // The password alone does not reveal them: a current code goes with it.
    expect((await browser.reauthenticate()).statusCode).toBe(204);
    expectProblem(await browser.get('/api/v1/me/two-factor/recovery-codes'), 403, 'second_factor_reauthentication_required');
    expect((await browser.reauthenticate(undefined, totpCode(t, member.secret))).statusCode).toBe(204);
    const fresh = await listCodes(browser);
    // In the order they were shown when two-factor authentication was turned on.
    expect(fresh.map((c) => c.code)).toEqual(member.recoveryCodes);
    expect(fresh.every((c) => c.usedAt === null)).toBe(true);

    const usedAt = t.clock.now().toISOString();
    expect((await signInWithCode(t.app, member.email, member.recoveryCodes[2]!.replace('-', ' '))).response.statusCode).toBe(200);
    t.clock.advance(1 * minute);
    const afterUse = await listCodes(browser);
    expect(afterUse).toHaveLength(8);
    for (const entry of afterUse) {
      expect(entry.code).toMatch(/^\d{4}-\d{4}$/);
      expect(entry.usedAt, entry.code).toBe(entry.code === member.recoveryCodes[2] ? usedAt : null);
    }
    expect((await browser.get('/api/v1/me/two-factor')).json().recoveryCodes).toEqual({ remaining: 7, total: 8 });
  });

  it('R3 R5 without two-factor authentication there are no codes to show or regenerate', async () => {
    const member = await memberWithTwoFactor(t, { email: 'none@r3.example' });
    expect((await member.browser.delete('/api/v1/me/two-factor', { code: totpCode(t, member.secret) })).statusCode).toBe(204);
    expectProblem(await member.browser.get('/api/v1/me/two-factor/recovery-codes'), 404, 'not_found');
    expectProblem(await member.browser.post('/api/v1/me/two-factor/recovery-codes'), 404, 'not_found');
    const rows = await t.store.db.selectFrom('recoveryCodes').select('id').where('userId', '=', member.userId).execute();
    expect(rows).toHaveLength(0);
  });

  it('R5 A5 regenerating needs a recent re-authentication, gives a new set, and the old codes stop working at once', async () => {
    const member = await memberWithTwoFactor(t, { email: 'regen@r5.example' });
    const { browser } = member;
    t.clock.advance(10 * minute);
    expectProblem(await browser.post('/api/v1/me/two-factor/recovery-codes'), 403, 'second_factor_reauthentication_required');
    expect((await browser.reauthenticate(undefined, totpCode(t, member.secret))).statusCode).toBe(204);
    // One old code already used, so the new set must clear "used" too.
    expect((await signInWithCode(t.app, member.email, member.recoveryCodes[0]!)).response.statusCode).toBe(200);

    const response = await browser.post('/api/v1/me/two-factor/recovery-codes');
    expect(response.statusCode, response.body).toBe(200);
    const codes = response.json().codes as string[];
    expect(codes).toHaveLength(8);
    for (const code of codes) expect(code).toMatch(/^\d{4}-\d{4}$/);
    expect(new Set(codes).size).toBe(8);
    expect(codes.filter((c) => member.recoveryCodes.includes(c))).toEqual([]);
    expect((await browser.get('/api/v1/me/two-factor')).json().recoveryCodes).toEqual({ remaining: 8, total: 8 });
    expect((await listCodes(browser)).map((c) => c.code).sort()).toEqual([...codes].sort());

    const withOld = await startChallenge(t.app, member.email);
    expectProblem(await withOld.submitCode(member.recoveryCodes[1]), 400, 'invalid_code');
    expect((await withOld.submitCode(codes[1])).json()).toEqual({ status: 'signed_in', recoveryCodesRemaining: 7 });
    expect(await mailTo(t, member.email, 'New recovery codes')).toHaveLength(1);
    expect(await auditEventsOf(t, member.userId, 'two_factor.recovery_codes_regenerated')).toHaveLength(1);
  });

  it('R6 R7 deplete (the default): signing in with the last code blocks everything but generating a new set', async () => {
    const member = await memberWithTwoFactor(t, { email: 'deplete@r6.example', organization: 'Deplete Inc' });
    const organization = (await member.browser.get('/api/v1/organization')).json();
    expect(organization.twoFactor.recoveryCodePolicy).toBe('deplete');

    let last: Browser | undefined;
    for (const [index, code] of member.recoveryCodes.entries()) {
      const { browser, response } = await signInWithCode(t.app, member.email, code);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json().recoveryCodesRemaining).toBe(7 - index);
      const state = (await browser.get('/api/v1/session')).json();
      if (index < 7) {
        expect(state.requiredActions, `after code ${index + 1}`).toEqual([]);
        expect((await browser.get('/api/v1/me/sessions')).statusCode).toBe(200);
      }
      last = browser;
    }
    expect(await remainingMentioned(member.email)).toEqual([7, 6, 5, 4, 3, 2, 1, 0]);
    const lastMail = (await mailTo(t, member.email, usedSubject))[0]!;
    expect(lastMail.text).toContain('0 recovery codes remain');

    const browser = last!;
    const state = await browser.get('/api/v1/session');
    expect(state.statusCode).toBe(200);
    expect(state.json().requiredActions).toContainEqual(blocking);
    // Every other route refuses with the action's code…
    for (const [method, url, body] of [
      ['GET', '/api/v1/me/sessions'],
      ['PATCH', '/api/v1/me', { name: 'Someone Else' }],
      ['GET', '/api/v1/organization'],
      ['GET', '/api/v1/organization/users'],
      ['POST', '/api/v1/me/two-factor/totp'],
      ['GET', '/api/v1/me/two-factor/recovery-codes'],
      ['DELETE', '/api/v1/me/two-factor', { code: totpCode(t, member.secret) }],
    ] as Array<['GET' | 'PATCH' | 'POST' | 'DELETE', string, unknown?]>) {
      expectProblem(await browser.request(method, url, body), 403, 'recovery_codes_regeneration_required', `${method} ${url}`);
    }
    // …in every session of the member, not only the one that used the code.
    expectProblem(await member.browser.get('/api/v1/me/sessions'), 403, 'recovery_codes_regeneration_required');
    // What completes it stays open: the status, re-authentication, and a new set.
    expect((await browser.get('/api/v1/me/two-factor')).json()).toMatchObject({ enabled: true, recoveryCodes: { remaining: 0, total: 8 } });
    t.clock.advance(10 * minute);
    expectProblem(await browser.post('/api/v1/me/two-factor/recovery-codes'), 403, 'second_factor_reauthentication_required');
    expect((await browser.reauthenticate(undefined, totpCode(t, member.secret))).statusCode).toBe(204);
    const regenerated = await browser.post('/api/v1/me/two-factor/recovery-codes');
    expect(regenerated.statusCode, regenerated.body).toBe(200);
    expect(regenerated.json().codes).toHaveLength(8);

    expect((await browser.get('/api/v1/session')).json().requiredActions).toEqual([]);
    expect((await browser.get('/api/v1/me/sessions')).statusCode).toBe(200);
    expect((await member.browser.get('/api/v1/me/sessions')).statusCode).toBe(200);
    // Signing out is always possible.
    expect((await browser.post('/api/v1/auth/logout')).statusCode).toBe(204);
  });

  it('R6 deplete: signing out and in again with an authenticator code does not escape the required action', async () => {
    const member = await memberWithTwoFactor(t, { email: 'escape@r6.example' });
    for (const code of member.recoveryCodes) expect((await signInWithCode(t.app, member.email, code)).response.statusCode).toBe(200);
    const { browser, response } = await signInWithCode(t.app, member.email, totpCode(t, member.secret));
    expect(response.statusCode).toBe(200);
    expect((await browser.get('/api/v1/session')).json().requiredActions).toContainEqual(blocking);
    expectProblem(await browser.get('/api/v1/me/sessions'), 403, 'recovery_codes_regeneration_required');
  });

  it('R6 R7 replace: each used code is replaced by a fresh one, so 8 stay available and nothing blocks', async () => {
    const member = await memberWithTwoFactor(t, { email: 'replace@r6.example', organization: 'Replace Ltd' });
    const patched = await member.browser.patch('/api/v1/organization', { twoFactor: { recoveryCodePolicy: 'replace' } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().twoFactor.recoveryCodePolicy).toBe('replace');

    const used = new Set<string>();
    let available = [...member.recoveryCodes];
    // Ten uses: more than the first set holds, each with a code that exists only thanks to a replacement later on.
    for (let i = 0; i < 10; i++) {
      const code = available[0]!;
      const { browser, response } = await signInWithCode(t.app, member.email, code);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({ status: 'signed_in', recoveryCodesRemaining: 8 });
      expect((await browser.get('/api/v1/session')).json().requiredActions).toEqual([]);
      expect((await browser.get('/api/v1/me/sessions')).statusCode).toBe(200);
      used.add(code);
      // The set keeps its size: used codes listed beside their replacements do not count in it.
      expect((await browser.get('/api/v1/me/two-factor')).json().recoveryCodes).toEqual({ remaining: 8, total: 8 });
      const listed = await listCodes(browser);
      const unused = listed.filter((c) => c.usedAt === null).map((c) => c.code);
      expect(unused).toHaveLength(8);
      expect(unused.filter((c) => used.has(c))).toEqual([]);
      for (const code of used) expect(listed.find((c) => c.code === code)?.usedAt, code).toEqual(expect.any(String));
      // Exactly one code is new: the replacement.
      expect(unused.filter((c) => !available.includes(c))).toHaveLength(1);
      available = unused;
    }
    expect(await remainingMentioned(member.email)).toEqual(Array(10).fill(8));
    // A used code stays used.
    expectProblem((await signInWithCode(t.app, member.email, [...used][0]!)).response, 400, 'invalid_code');
    const events = await auditEventsOf(t, member.userId, 'two_factor.recovery_code_used');
    expect(events).toHaveLength(10);
    expect(events.every((e) => e.details.remaining === 8)).toBe(true);
  });

  it('R6 switching from replace back to deplete applies deplete from then on', async () => {
    const member = await memberWithTwoFactor(t, { email: 'switch@r6.example' });
    await member.browser.patch('/api/v1/organization', { twoFactor: { recoveryCodePolicy: 'replace' } });
    expect((await signInWithCode(t.app, member.email, member.recoveryCodes[0]!)).response.json().recoveryCodesRemaining).toBe(8);
    expect((await member.browser.patch('/api/v1/organization', { twoFactor: { recoveryCodePolicy: 'deplete' } })).statusCode).toBe(200);
    expect((await signInWithCode(t.app, member.email, member.recoveryCodes[1]!)).response.json().recoveryCodesRemaining).toBe(7);
    expect((await member.browser.get('/api/v1/me/two-factor')).json().recoveryCodes).toEqual({ remaining: 7, total: 8 });
  });

  it('R6 only administrators change the policy, and only to deplete or replace', async () => {
    const member = await memberWithTwoFactor(t, { email: 'policy@r6.example' });
    expectProblem(await member.browser.patch('/api/v1/organization', { twoFactor: { recoveryCodePolicy: 'unlimited' } }), 400, 'validation_failed');
    expect((await member.browser.get('/api/v1/organization')).json().twoFactor.recoveryCodePolicy).toBe('deplete');
    // A teammate who is not an administrator cannot.
    expect((await member.browser.post('/api/v1/organization/users', { email: 'teammate@r6.example', name: 'Tim Mate', role: 'member' })).statusCode).toBe(201);
    const invitation = (await mailTo(t, 'teammate@r6.example', 'Someone invited you to join an organization on Tessera'))[0]!;
    const token = /accept-invitation\?token=([A-Za-z0-9_-]+)/.exec(invitation.text)![1];
    const teammate = new Browser(t.app);
    expect((await teammate.post('/api/v1/invitations/accept', { token, name: 'Tim Mate', password: 'a teammate passphrase' })).statusCode).toBe(201);
    expectProblem(await teammate.patch('/api/v1/organization', { twoFactor: { recoveryCodePolicy: 'replace' } }), 403, 'forbidden');
    expect((await member.browser.get('/api/v1/organization')).json().twoFactor.recoveryCodePolicy).toBe('deplete');
  });
});
