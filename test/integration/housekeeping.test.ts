// Housekeeping on both databases: rows created through the API (sign-in challenges, pending
// authenticator and phone setups, texted codes, e-mailed tokens, sessions, throttle counters) are
// deleted once expired under the configured session lifetime, while live ones stay and still work;
// rows exactly at a cutoff, deletes in batches, and two instances purging at once. On the database
// chosen by TESSERA_TEST_DATABASE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { longestThrottleWindowInMs } from '../../src/core/retention.js';
import type { AppContext } from '../../src/services/context.js';
import { purgeExpiredRecords, type PurgeCounts } from '../../src/services/housekeeping.js';
import { openStore } from '../../src/store/database.js';
import { deleteExpiredThrottles } from '../../src/store/throttles.js';
import { strongPassword, tokenFromLink } from '../support/agent.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';
import { Browser, minute, signUpMember, startChallenge, totpCode, memberWithTwoFactor, type Member } from '../support/two-factor.js';

const hour = 60 * minute;
const day = 24 * hour;
/** Shorter than the defaults, so the test also shows that the configured lifetime is the one used. */
const sessionLifetime = { idleTimeoutInMs: 12 * hour, absoluteTimeoutInMs: day };
const nothing: PurgeCounts = { signInChallenges: 0, totpEnrollments: 0, smsEnrollments: 0, smsCodes: 0, emailTokens: 0, sessions: 0, throttles: 0, knownBrowsers: 0, oidcPayloads: 0, applicationGrants: 0, webauthnChallenges: 0 };

describe(`housekeeping (purge of expired rows) on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let start: number;
  beforeAll(async () => {
    t = await createTestApp({ sessionLifetime });
    start = t.clock.now().getTime();
  });
  afterAll(async () => {
    await t.close();
  });

  const db = () => t.store.db;

  async function countRows(table: 'signInChallenges' | 'totpEnrollments' | 'smsEnrollments' | 'smsCodes' | 'emailTokens' | 'sessions', userId: string): Promise<number> {
    const row = await db()
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('userId', '=', userId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function countAuditEvents(): Promise<number> {
    const row = await db()
      .selectFrom('auditEvents')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function expectSignedIn(browser: Browser, label: string): Promise<void> {
    const response = await browser.get('/api/v1/session');
    expect(response.statusCode, `${label}: ${response.body}`).toBe(200);
  }

  async function resetLinkFor(email: string): Promise<string> {
    const response = await new Browser(t.app).post('/api/v1/auth/password-reset', { email });
    expect(response.statusCode, response.body).toBe(202);
    const mail = (await t.mail()).find((m) => m.to === email && m.subject === 'Reset your password');
    return tokenFromLink(mail!.text, 'http://tessera.test/reset-password');
  }

  // The journey below runs in order on one clock: `start` is when the first rows were made.
  let ada: Member;
  let mfa: Member & { secret: string };
  let late: Member;
  let bob: Member;
  let mfaAgain: Browser;
  let adaResetToken: string;

  it('deletes expired challenges, pending setups, texted codes and e-mailed tokens; live and used-but-unexpired rows stay and work; no audit event', async () => {
    // At start: rows that will expire.
    ada = await signUpMember(t, { email: 'ada@example.com' });
    mfa = await memberWithTwoFactor(t, { email: 'mfa@example.com' });
    late = await signUpMember(t, { email: 'late@example.com', verify: false });
    const abandoned = await startChallenge(t.app, mfa.email);
    expect((await ada.browser.post('/api/v1/me/two-factor/totp')).statusCode).toBe(201);
    const texted = await ada.browser.post('/api/v1/me/two-factor/sms', { phoneNumber: '+41 79 123 45 67' });
    expect(texted.statusCode, texted.body).toBe(201);
    adaResetToken = await resetLinkFor(ada.email);
    expect((await new Browser(t.app).login(ada.email, 'not the password at all')).statusCode).toBe(401);
    for (const table of ['totpEnrollments', 'smsEnrollments', 'smsCodes'] as const) expect(await countRows(table, ada.userId), table).toBe(1);
    expect(await countRows('signInChallenges', mfa.userId)).toBe(1);
    // Ada's verification link (used, valid for a day) and her reset link.
    expect(await countRows('emailTokens', ada.userId)).toBe(2);

    // Two hours later every one of them has expired (10 minutes, 5 minutes, 1 hour); new ones are made.
    t.clock.advance(2 * hour);
    await expectSignedIn(ada.browser, 'ada');
    const liveChallenge = await startChallenge(t.app, mfa.email);
    bob = await signUpMember(t, { email: 'bob@example.com' });
    const setup = await bob.browser.post('/api/v1/me/two-factor/totp');
    expect(setup.statusCode).toBe(201);
    const bobResetToken = await resetLinkFor(bob.email);
    const auditEventsBefore = await countAuditEvents();

    expect(await purgeExpiredRecords(t.context)).toEqual({ ...nothing, signInChallenges: 1, totpEnrollments: 1, smsEnrollments: 1, smsCodes: 1, emailTokens: 1 });
    expect(await countAuditEvents()).toBe(auditEventsBefore);
    for (const table of ['totpEnrollments', 'smsEnrollments', 'smsCodes'] as const) expect(await countRows(table, ada.userId), table).toBe(0);
    // Only the used verification link is left: used, but not expired yet.
    const adaTokens = await db().selectFrom('emailTokens').select(['purpose', 'usedAt']).where('userId', '=', ada.userId).execute();
    expect(adaTokens).toEqual([{ purpose: 'verify_email', usedAt: expect.anything() }]);
    expect(await countRows('emailTokens', late.userId)).toBe(1);
    expect(await countRows('signInChallenges', mfa.userId)).toBe(1);
    // Nothing changed for the expired ones (refused before, gone now)…
    expect((await abandoned.submitCode(totpCode(t, mfa.secret))).statusCode).toBe(401);
    expect((await new Browser(t.app).post('/api/v1/auth/password-reset/confirm', { token: adaResetToken, password: 'another long passphrase' })).json().code).toBe('invalid_token');
    // …and the live ones still work.
    await expectSignedIn(ada.browser, 'ada');
    const signedIn = await liveChallenge.submitCode(totpCode(t, mfa.secret));
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    mfaAgain = liveChallenge;
    await expectSignedIn(mfaAgain, 'mfa, second sign-in');
    const confirmed = await bob.browser.post('/api/v1/me/two-factor/totp/confirm', { code: totpCode(t, setup.json().secret) });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect((await new Browser(t.app).post('/api/v1/auth/password-reset/confirm', { token: bobResetToken, password: 'a brand new passphrase' })).statusCode).toBe(204);
    // Running again finds nothing more.
    expect(await purgeExpiredRecords(t.context)).toEqual(nothing);
  });

  it('A3 deletes sessions past the configured idle timeout, then past the absolute lifetime, and dead throttle counters; live sessions keep working', async () => {
    // 13 hours after start: sessions not used since start have been idle for 13 hours (> 12).
    t.clock.advance(11 * hour);
    await expectSignedIn(ada.browser, 'ada');
    expect(await purgeExpiredRecords(t.context)).toEqual({ ...nothing, sessions: 2, emailTokens: 1 });
    expect(await countRows('sessions', mfa.userId)).toBe(1);
    expect(await countRows('sessions', late.userId)).toBe(0);
    // Bob's used reset link (valid for an hour from start + 2 h) went with them.
    expect(await db().selectFrom('emailTokens').select('purpose').where('userId', '=', bob.userId).execute()).toEqual([{ purpose: 'verify_email' }]);
    expect((await mfa.browser.get('/api/v1/session')).statusCode).toBe(401);
    await expectSignedIn(mfaAgain, 'mfa, second sign-in');
    await expectSignedIn(ada.browser, 'ada');

    // 23 hours after start: both live sessions are used once more.
    t.clock.advance(10 * hour);
    await expectSignedIn(ada.browser, 'ada');
    await expectSignedIn(mfaAgain, 'mfa, second sign-in');
    // 25 hours after start: Ada's session has lived longer than the absolute lifetime (one day),
    // the verification links from start have expired, and so have the windows of every counter
    // started then (the longest rule is a day); counters started at start + 2 h stay.
    t.clock.advance(2 * hour);
    const counters = await db().selectFrom('throttles').select(['key', 'windowStartedAt']).execute();
    const startedAtStart = counters.filter((c) => Number(c.windowStartedAt) < start + hour);
    const startedLater = counters.filter((c) => Number(c.windowStartedAt) >= start + 2 * hour);
    expect(startedAtStart.length + startedLater.length).toBe(counters.length);
    for (const prefix of ['login:account:ada', 'reset:account:ada', 'sms:member:minute:', 'sms:member:day:', 'sms:number:day:']) {
      expect(startedAtStart.map((c) => c.key).some((key) => key.startsWith(prefix)), prefix).toBe(true);
    }
    expect(startedLater.map((c) => c.key)).toContain('reset:account:bob@example.com');

    expect(await purgeExpiredRecords(t.context)).toEqual({ ...nothing, sessions: 1, emailTokens: 3, throttles: startedAtStart.length });
    expect(await countRows('sessions', ada.userId)).toBe(0);
    expect((await ada.browser.get('/api/v1/session')).statusCode).toBe(401);
    await expectSignedIn(mfaAgain, 'mfa, second sign-in');
    const left = await db().selectFrom('throttles').select('key').execute();
    expect(left.map((c) => c.key).sort()).toEqual(startedLater.map((c) => c.key).sort());
    for (const member of [ada, mfa, late]) expect(await countRows('emailTokens', member.userId), member.email).toBe(0);
    expect(await countRows('emailTokens', bob.userId)).toBe(1);
    // Her counters gone, Ada signs in as before.
    expect((await new Browser(t.app).login(ada.email, strongPassword)).statusCode).toBe(200);
  });

  it('a row exactly at a cutoff is deleted, one a millisecond newer is kept', async () => {
    await purgeExpiredRecords(t.context);
    const now = t.clock.now().getTime();
    const userId = bob.userId;
    const session = (id: string, createdAt: number, lastSeenAt: number) => ({ id, tokenHash: `hash-${id}`, userId, createdAt, lastSeenAt, reauthenticatedAt: null, ip: null, userAgent: null });
    await db()
      .insertInto('sessions')
      .values([
        session('edge-idle', now - hour, now - sessionLifetime.idleTimeoutInMs),
        session('edge-idle-kept', now - hour, now - sessionLifetime.idleTimeoutInMs + 1),
        session('edge-absolute', now - sessionLifetime.absoluteTimeoutInMs, now),
        session('edge-absolute-kept', now - sessionLifetime.absoluteTimeoutInMs + 1, now),
      ])
      .execute();
    const token = (id: string, expiresAt: number) => ({ id, tokenHash: `hash-${id}`, purpose: 'password_reset' as const, userId, createdAt: now - hour, expiresAt, usedAt: null });
    await db()
      .insertInto('emailTokens')
      .values([token('edge-token', now), token('edge-token-kept', now + 1)])
      .execute();
    await db()
      .insertInto('throttles')
      .values([
        { key: 'edge:dead', count: 99, windowStartedAt: now - longestThrottleWindowInMs },
        { key: 'edge:kept', count: 99, windowStartedAt: now - longestThrottleWindowInMs + 1 },
      ])
      .execute();

    expect(await purgeExpiredRecords(t.context)).toEqual({ ...nothing, sessions: 2, emailTokens: 1, throttles: 1 });
    expect((await db().selectFrom('sessions').select('id').where('id', 'like', 'edge-%').orderBy('id').execute()).map((r) => r.id)).toEqual(['edge-absolute-kept', 'edge-idle-kept']);
    expect((await db().selectFrom('emailTokens').select('id').where('id', 'like', 'edge-%').execute()).map((r) => r.id)).toEqual(['edge-token-kept']);
    expect((await db().selectFrom('throttles').select('key').where('key', 'like', 'edge:%').execute()).map((r) => r.key)).toEqual(['edge:kept']);
    await db().deleteFrom('sessions').where('id', 'like', 'edge-%').execute();
    await db().deleteFrom('emailTokens').where('id', 'like', 'edge-%').execute();
    await db().deleteFrom('throttles').where('key', 'like', 'edge:%').execute();
  });

  async function insertDeadCounters(prefix: string, count: number): Promise<void> {
    const startedAt = t.clock.now().getTime() - longestThrottleWindowInMs - hour;
    await db()
      .insertInto('throttles')
      .values(Array.from({ length: count }, (_, i) => ({ key: `${prefix}:${String(i).padStart(3, '0')}`, count: 1, windowStartedAt: startedAt })))
      .execute();
  }

  async function insertExpiredSessions(prefix: string, count: number): Promise<void> {
    const lastSeenAt = t.clock.now().getTime() - sessionLifetime.idleTimeoutInMs - hour;
    await db()
      .insertInto('sessions')
      .values(Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, tokenHash: `hash-${prefix}-${i}`, userId: bob.userId, createdAt: lastSeenAt, lastSeenAt, reauthenticatedAt: null, ip: null, userAgent: null })))
      .execute();
  }

  it('deletes at most one batch per statement and loops until a batch comes back short', async () => {
    await purgeExpiredRecords(t.context);
    const cutoff = t.clock.now().getTime() - longestThrottleWindowInMs;
    await insertDeadCounters('batch', 25);
    await db().insertInto('throttles').values({ key: 'batch:live', count: 1, windowStartedAt: t.clock.now().getTime() }).execute();
    expect(await deleteExpiredThrottles(db(), cutoff, 10)).toBe(10);
    expect(await deleteExpiredThrottles(db(), cutoff, 10)).toBe(10);
    expect(await deleteExpiredThrottles(db(), cutoff, 10)).toBe(5);
    expect(await deleteExpiredThrottles(db(), cutoff, 10)).toBe(0);

    // Through the service: 25 rows in batches of 10, and an exact multiple (20) that needs a last, empty batch.
    await insertDeadCounters('batch', 25);
    await insertExpiredSessions('batch', 20);
    expect(await purgeExpiredRecords(t.context, 10)).toEqual({ ...nothing, throttles: 25, sessions: 20 });
    expect(await db().selectFrom('throttles').select('key').where('key', 'like', 'batch:%').execute()).toEqual([{ key: 'batch:live' }]);
    expect(await countRows('sessions', bob.userId)).toBe(0);
    await expectSignedIn(mfaAgain, 'mfa, second sign-in');
    await expect(purgeExpiredRecords(t.context, 0)).rejects.toThrow(/batchSize/);
  });

  it('two instances purging at once delete each row once and fail nothing', async () => {
    await purgeExpiredRecords(t.context);
    await insertDeadCounters('twice', 60);
    await insertExpiredSessions('twice', 30);
    const store = openStore(t.database.url);
    try {
      const second: AppContext = { ...t.context, db: store.db, sessionLookup: store.sessions };
      const runs = await Promise.all([purgeExpiredRecords(t.context, 7), purgeExpiredRecords(second, 7), purgeExpiredRecords(t.context, 7)]);
      // A pass that lost a race gets a short batch and stops; the next pass (here, or an hour
      // later) takes any rest. Every row is counted by exactly one delete.
      runs.push(await purgeExpiredRecords(second, 7));
      expect(runs.reduce((sum, run) => sum + run.throttles, 0)).toBe(60);
      expect(runs.reduce((sum, run) => sum + run.sessions, 0)).toBe(30);
    } finally {
      await store.close();
    }
    expect(await db().selectFrom('throttles').select('key').where('key', 'like', 'twice:%').execute()).toEqual([]);
    await expectSignedIn(mfaAgain, 'mfa, second sign-in');
  });
});
