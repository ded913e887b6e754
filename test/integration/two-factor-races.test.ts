// T5 and R2 under concurrency: the same code sent at once from several sign-in challenges is
// accepted exactly once — on SQLite and PostgreSQL, and on PostgreSQL also across two server
// instances sharing one database. (On SQLite one write connection serializes the transactions,
// so there these tests prove the end-to-end property; on PostgreSQL the requests truly overlap
// and only the conditional UPDATEs keep the answer at one.)
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';
import { auditEventsOf, createSecondInstance, expectProblem, mailTo, memberWithTwoFactor, nextStep, readUser, startChallenge, totpCode, type Browser } from '../support/two-factor.js';

const parallelRequests = 8;

describe(`two-factor races on ${testDatabaseKind}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function sessionCount(userId: string): Promise<number> {
    return (await t.store.db.selectFrom('sessions').select('id').where('userId', '=', userId).execute()).length;
  }

  /** Opens one challenge per app in turn (the password step is done one by one, it is not the race). */
  async function openChallenges(apps: FastifyInstance[], email: string): Promise<Browser[]> {
    const browsers: Browser[] = [];
    for (let i = 0; i < parallelRequests; i++) browsers.push(await startChallenge(apps[i % apps.length]!, email));
    return browsers;
  }

  /** Losers of an authenticator-code race hear `code_already_used` (T5, issue 17), of a recovery-code race `invalid_code`. */
  function expectExactlyOneWinner(responses: LightMyRequestResponse[], browsers: Browser[], loserCode: 'code_already_used' | 'invalid_code' = 'code_already_used'): number {
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 200), JSON.stringify(statuses)).toHaveLength(1);
    const winner = statuses.indexOf(200);
    responses.forEach((response, index) => {
      if (index === winner) return;
      expectProblem(response, 400, loserCode, `loser ${index}`);
      expect(browsers[index]!.sessionToken, `loser ${index}`).toBeUndefined();
    });
    expect(browsers[winner]!.sessionToken).toBeDefined();
    return winner;
  }

  it(`T5 ${parallelRequests} simultaneous sign-ins from separate challenges with the same authenticator code: exactly one succeeds`, async () => {
    const member = await memberWithTwoFactor(t, { email: 'race-totp@race.example' });
    const browsers = await openChallenges([t.app], member.email);
    const sessionsBefore = await sessionCount(member.userId);
    const code = totpCode(t, member.secret);
    const responses = await Promise.all(browsers.map((b) => b.submitCode(code)));
    const winner = expectExactlyOneWinner(responses, browsers);
    expect(responses[winner]!.json()).toEqual({ status: 'signed_in' });
    expect(await sessionCount(member.userId)).toBe(sessionsBefore + 1);
    expect(await auditEventsOf(t, member.userId, 'user.signed_in')).toHaveLength(2); // sign-up and the winner
    expect((await browsers[winner]!.get('/api/v1/session')).statusCode).toBe(200);
    // The losers' challenges are still open and take the next step's code.
    nextStep(t);
    const loser = browsers[(winner + 1) % parallelRequests]!;
    expect((await loser.submitCode(totpCode(t, member.secret))).statusCode).toBe(200);
  });

  it(`R2 ${parallelRequests} simultaneous sign-ins with the same recovery code: exactly one succeeds and it is used once`, async () => {
    const member = await memberWithTwoFactor(t, { email: 'race-recovery@race.example', name: 'Rae Race' });
    const browsers = await openChallenges([t.app], member.email);
    const sessionsBefore = await sessionCount(member.userId);
    const code = member.recoveryCodes[4]!;
    const responses = await Promise.all(browsers.map((b) => b.submitCode(code)));
    const winner = expectExactlyOneWinner(responses, browsers, 'invalid_code');
    expect(responses[winner]!.json()).toEqual({ status: 'signed_in', recoveryCodesRemaining: 7 });
    expect(await sessionCount(member.userId)).toBe(sessionsBefore + 1);
    const rows = await t.store.db.selectFrom('recoveryCodes').select('usedAt').where('userId', '=', member.userId).execute();
    expect(rows.filter((r) => r.usedAt !== null)).toHaveLength(1);
    // R7: one use, one e-mail.
    expect(await mailTo(t, member.email, 'A recovery code was used to sign in')).toHaveLength(1);
    expect(await auditEventsOf(t, member.userId, 'two_factor.recovery_code_used')).toHaveLength(1);
  });

  it(`R2 R6 ${parallelRequests} simultaneous sign-ins with the last recovery code (deplete): one succeeds and the member must regenerate`, async () => {
    const member = await memberWithTwoFactor(t, { email: 'race-last@race.example' });
    for (const code of member.recoveryCodes.slice(1)) {
      const browser = await startChallenge(t.app, member.email);
      expect((await browser.submitCode(code)).statusCode).toBe(200);
    }
    const browsers = await openChallenges([t.app], member.email);
    const responses = await Promise.all(browsers.map((b) => b.submitCode(member.recoveryCodes[0])));
    const winner = expectExactlyOneWinner(responses, browsers, 'invalid_code');
    expect(responses[winner]!.json()).toEqual({ status: 'signed_in', recoveryCodesRemaining: 0 });
    expect((await readUser(t, member.userId)).recoveryCodesRegenerationRequired).toBe(1);
  });

  it('R6 the last two recovery codes used at the same moment: the member must still regenerate', async () => {
    const member = await memberWithTwoFactor(t, { email: 'race-last-two@race.example' });
    for (const code of member.recoveryCodes.slice(2)) {
      const browser = await startChallenge(t.app, member.email);
      expect((await browser.submitCode(code)).statusCode).toBe(200);
    }
    const pair = [await startChallenge(t.app, member.email), await startChallenge(t.app, member.email)];
    const responses = await Promise.all(pair.map((b, i) => b.submitCode(member.recoveryCodes[i])));
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200]);
    expect(responses.map((r) => r.json().recoveryCodesRemaining).sort()).toEqual([0, 1]);
    expect((await readUser(t, member.userId)).recoveryCodesRegenerationRequired).toBe(1);
    expectProblem(await pair[0]!.get('/api/v1/me/sessions'), 403, 'recovery_codes_regeneration_required');
  });

  // SQLite serves one process: better-sqlite3 waits for locks synchronously, so two in-process
  // instances on one SQLite file would stall each other instead of racing. Multi-instance
  // deployments run on PostgreSQL (SPEC: "PostgreSQL when one machine is no longer enough").
  describe.skipIf(testDatabaseKind !== 'postgres')('with two server instances on one PostgreSQL database (skipped on SQLite: one process per SQLite file)', () => {
    let other: Awaited<ReturnType<typeof createSecondInstance>>;
    beforeAll(async () => {
      other = await createSecondInstance(t);
    });
    afterAll(async () => {
      await other.close();
    });

    it(`T5 ${parallelRequests} simultaneous sign-ins with the same code, split over two instances: exactly one succeeds`, async () => {
      const member = await memberWithTwoFactor(t, { email: 'two-instances@race.example' });
      const browsers = await openChallenges([t.app, other.app], member.email);
      const code = totpCode(t, member.secret);
      const responses = await Promise.all(browsers.map((b) => b.submitCode(code)));
      const winner = expectExactlyOneWinner(responses, browsers);
      // The winner's session works on both instances.
      for (const app of [t.app, other.app]) {
        const response = await app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: `tessera_session=${browsers[winner]!.sessionToken}` } });
        expect(response.statusCode).toBe(200);
      }
      expect((await readUser(t, member.userId)).totpLastAcceptedStep).toBe(Math.floor(t.clock.now().getTime() / 30_000));
    });

    it(`R2 ${parallelRequests} simultaneous sign-ins with the same recovery code, split over two instances: exactly one succeeds`, async () => {
      const member = await memberWithTwoFactor(t, { email: 'two-instances-recovery@race.example' });
      const browsers = await openChallenges([t.app, other.app], member.email);
      const responses = await Promise.all(browsers.map((b) => b.submitCode(member.recoveryCodes[0])));
      expectExactlyOneWinner(responses, browsers, 'invalid_code');
      const rows = await t.store.db.selectFrom('recoveryCodes').select('usedAt').where('userId', '=', member.userId).execute();
      expect(rows.filter((r) => r.usedAt !== null)).toHaveLength(1);
    });
  });
});
