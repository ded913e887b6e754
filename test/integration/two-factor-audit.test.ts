// Security floor for two-factor changes: "every security-relevant event lands in the audit log,
// in the same transaction as the change". The database is made to refuse one event type; the
// request must then fail as a whole (500 internal_error, nothing changed, no e-mail), and succeed
// once the event can be written again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';
import { expectProblem, mailTo, memberWithTwoFactor, nextStep, readUser, refuseAuditEvents, startChallenge, totpCode, type Enrolment, type Member } from '../support/two-factor.js';

describe(`two-factor changes and their audit events on ${testDatabaseKind}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  /** Everything a second step or a settings change could alter for the member. */
  async function memberState(member: Member) {
    const user = await readUser(t, member.userId);
    const codes = await t.store.db.selectFrom('recoveryCodes').select(['codeHash', 'usedAt']).where('userId', '=', member.userId).orderBy('codeHash').execute();
    const sessions = await t.store.db.selectFrom('sessions').select('id').where('userId', '=', member.userId).orderBy('id').execute();
    const credential = await t.store.db.selectFrom('totpCredentials').select(['secretSealed', 'confirmedAt']).where('userId', '=', member.userId).executeTakeFirst();
    const events = await t.store.db.selectFrom('auditEvents').select('id').where('targetUserId', '=', member.userId).execute();
    return {
      lastLoginAt: user.lastLoginAt,
      lastLoginMethod: user.lastLoginMethod,
      step: user.totpLastAcceptedStep,
      failures: user.secondFactorFailures,
      lockedUntil: user.secondFactorLockedUntil,
      mustRegenerate: user.recoveryCodesRegenerationRequired,
      codes,
      sessions: sessions.map((s) => s.id),
      credential,
      events: events.length,
      mails: (await t.mail()).filter((m) => m.to === member.email).length,
    };
  }

  async function withRefusedEvent<T>(type: string, action: () => Promise<T>): Promise<T> {
    const restore = await refuseAuditEvents(t.store, type);
    try {
      return await action();
    } finally {
      await restore();
    }
  }

  let member: Member & Enrolment;
  beforeAll(async () => {
    member = await memberWithTwoFactor(t, { email: 'atomic@audit.example' });
  });

  it('Security floor L2 L4: a second step with an authenticator code and its user.signed_in event commit together', async () => {
    nextStep(t);
    const browser = await startChallenge(t.app, member.email);
    const before = await memberState(member);
    const code = totpCode(t, member.secret);
    const response = await withRefusedEvent('user.signed_in', () => browser.submitCode(code));
    expectProblem(response, 500, 'internal_error');
    expect(response.body).not.toContain('audit refused');
    expect(browser.sessionToken).toBeUndefined();
    expect(await memberState(member)).toEqual(before);
    // The step was not claimed (T5) and the challenge not spent: the same code works now.
    expect((await browser.submitCode(code)).statusCode).toBe(200);
  });

  it('Security floor R2 R6 R7: using a recovery code, its session and its two_factor.recovery_code_used event commit together', async () => {
    const browser = await startChallenge(t.app, member.email);
    const before = await memberState(member);
    const code = member.recoveryCodes[0]!;
    const response = await withRefusedEvent('two_factor.recovery_code_used', () => browser.submitCode(code));
    expectProblem(response, 500, 'internal_error');
    expect(browser.sessionToken).toBeUndefined();
    expect(await memberState(member)).toEqual(before);
    const done = await browser.submitCode(code);
    expect(done.json()).toEqual({ status: 'signed_in', recoveryCodesRemaining: 7 });
    expect(await mailTo(t, member.email, 'A recovery code was used to sign in')).toHaveLength(1);
  });

  it('Security floor L3: a wrong code is counted together with its two_factor.code_rejected event', async () => {
    const browser = await startChallenge(t.app, member.email);
    const before = await memberState(member);
    const response = await withRefusedEvent('two_factor.code_rejected', () => browser.submitCode('0000-0000'));
    expectProblem(response, 500, 'internal_error');
    expect(await memberState(member)).toEqual(before);
    expectProblem(await browser.submitCode('0000-0000'), 400, 'invalid_code');
    expect((await readUser(t, member.userId)).secondFactorFailures).toBe(before.failures + 1);
  });

  it('Security floor L3: the lock is set together with its two_factor.locked event (and only then e-mailed)', async () => {
    const browser = await startChallenge(t.app, member.email);
    for (let i = (await readUser(t, member.userId)).secondFactorFailures; i < 9; i++) expectProblem(await browser.submitCode(`0000-00${10 + i}`), 400, 'invalid_code');
    const before = await memberState(member);
    expect(before.failures).toBe(9);
    const response = await withRefusedEvent('two_factor.locked', () => browser.submitCode('1111-1111'));
    expectProblem(response, 500, 'internal_error');
    expect(await memberState(member)).toEqual(before);
    expect(await mailTo(t, member.email, 'Sign-in paused after wrong codes')).toHaveLength(0);
    expectProblem(await browser.submitCode('1111-1111'), 400, 'invalid_code');
    expect((await readUser(t, member.userId)).secondFactorLockedUntil).toBe(t.clock.now().getTime() + 15 * 60 * 1000);
    expect(await mailTo(t, member.email, 'Sign-in paused after wrong codes')).toHaveLength(1);
    t.clock.advance(15 * 60 * 1000);
  });

  it('Security floor T4 D1 R5: enabling, turning off and regenerating commit with their events', async () => {
    const other = await memberWithTwoFactor(t, { email: 'atomic-settings@audit.example' });
    const { browser } = other;
    expect((await browser.reauthenticate()).statusCode).toBe(204);

    // R5: the old codes stay valid when the new set could not be recorded.
    let before = await memberState(other);
    expectProblem(await withRefusedEvent('two_factor.recovery_codes_regenerated', () => browser.post('/api/v1/me/two-factor/recovery-codes')), 500, 'internal_error');
    expect(await memberState(other)).toEqual(before);

    // D1: still on, and the code not used up.
    const code = totpCode(t, other.secret);
    expectProblem(await withRefusedEvent('two_factor.disabled', () => browser.delete('/api/v1/me/two-factor', { code })), 500, 'internal_error');
    expect(await memberState(other)).toEqual(before);
    expect((await browser.get('/api/v1/me/two-factor')).json().enabled).toBe(true);

    // T4: replacing the authenticator — the old key stays, the pending setup stays.
    nextStep(t);
    const pending = (await browser.post('/api/v1/me/two-factor/totp')).json().secret as string;
    before = await memberState(other);
    const confirmCode = totpCode(t, pending);
    expectProblem(await withRefusedEvent('two_factor.authenticator_replaced', () => browser.post('/api/v1/me/two-factor/totp/confirm', { code: confirmCode })), 500, 'internal_error');
    expect(await memberState(other)).toEqual(before);
    expect((await browser.post('/api/v1/me/two-factor/totp/confirm', { code: confirmCode })).statusCode).toBe(200);
  });
});
