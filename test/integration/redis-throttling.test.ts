// REDIS_URL: request throttling shared between instances. The Redis counters against the real
// Redis on 127.0.0.1:6379 (same fixed windows as the database, atomic under concurrency), sign-in
// and text-message limits over HTTP with two instances on one Redis and nothing in the `throttles`
// table, and the fallback to the database when Redis is down or stalls. Keys use a fresh prefix
// per run and are deleted afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl, useScratchRedis } from '../support/redis.js';
import { ConfigError, readConfig } from '../../src/config.js';
import type { ThrottleCounters } from '../../src/core/ports.js';
import type { ThrottleRule } from '../../src/core/throttle-policy.js';
import { databaseThrottleCounters } from '../../src/throttling/database-throttle-counters.js';
import { Agent, signUp, strongPassword } from '../support/agent.js';
import { Browser, expectProblem, minute, second, signUpMember } from '../support/two-factor.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';

const { keyPrefix, admin } = useScratchRedis();
/** Nothing listens on port 1: every connection is refused. */
const unreachableRedisUrl = 'redis://127.0.0.1:1';


describe('REDIS_URL configuration', () => {
  it('accepts redis:// and rediss:// URLs and refuses anything else with a ConfigError', () => {
    expect(readConfig({}).redisUrl).toBeUndefined();
    expect(readConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redisUrl).toBe('redis://127.0.0.1:6379');
    expect(readConfig({ REDIS_URL: 'rediss://:secret@cache.example.com:6380/2' }).redisUrl).toBe('rediss://:secret@cache.example.com:6380/2');
    for (const wrong of ['127.0.0.1:6379', 'http://127.0.0.1:6379', 'redis://', 'not a url']) {
      expect(() => readConfig({ REDIS_URL: wrong }), wrong).toThrow(ConfigError);
      expect(() => readConfig({ REDIS_URL: wrong }), wrong).toThrow(/REDIS_URL must start with redis:\/\/ or rediss:\/\//);
    }
  });
});

describe(`Redis throttle counters (database: ${testDatabaseKind})`, () => {
  let t: TestApp;
  let counters: ThrottleCounters;
  const start = Date.UTC(2026, 10, 23, 9, 0, 0);
  beforeAll(async () => {
    t = await createTestApp({ redisUrl }, { redisKeyPrefix: keyPrefix });
    counters = t.context.throttles.on(t.context.db);
  });
  afterAll(async () => {
    await t.close();
  });

  it('hit counts within a window, read returns the counter, clear removes it; the hash expires after the window', async () => {
    expect(await counters.read('unit:basic')).toBeUndefined();
    expect(await counters.hit('unit:basic', start, minute)).toEqual({ count: 1, windowStartedAt: start });
    expect(await counters.hit('unit:basic', start + 10, minute)).toEqual({ count: 2, windowStartedAt: start });
    expect(await counters.hit('unit:basic', start + 20, minute)).toEqual({ count: 3, windowStartedAt: start });
    expect(await counters.read('unit:basic')).toEqual({ count: 3, windowStartedAt: start });
    expect(await admin.hgetall(`${keyPrefix}unit:basic`)).toEqual({ count: '3', windowStartedAt: String(start) });
    const ttl = await admin.pttl(`${keyPrefix}unit:basic`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(minute);
    await counters.clear('unit:basic');
    expect(await counters.read('unit:basic')).toBeUndefined();
    expect(await admin.exists(`${keyPrefix}unit:basic`)).toBe(0);
  });

  it('a window restarts exactly when windowStartedAt <= now - windowInMs', async () => {
    await counters.hit('unit:window', start, minute);
    expect(await counters.hit('unit:window', start + minute - 1, minute)).toEqual({ count: 2, windowStartedAt: start });
    expect(await counters.hit('unit:window', start + minute, minute)).toEqual({ count: 1, windowStartedAt: start + minute });
    expect(await counters.read('unit:window')).toEqual({ count: 1, windowStartedAt: start + minute });
  });

  it('claim counts only under the limit or in a restarted window; a refused claim counts nothing anywhere', async () => {
    const rule: ThrottleRule = { name: 'unit', limit: 2, windowInMs: minute };
    const claim = (key: string, at: number, limitedBy = rule) => counters.claim([{ key, rule: limitedBy }], at);
    expect(await claim('unit:claim', start)).toBe(true);
    expect(await claim('unit:claim', start + 1)).toBe(true);
    expect(await claim('unit:claim', start + 2)).toBe(false);
    expect(await claim('unit:claim', start + minute - 1)).toBe(false);
    expect(await counters.read('unit:claim')).toEqual({ count: 2, windowStartedAt: start });
    expect(await claim('unit:claim', start + minute)).toBe(true);
    expect(await counters.read('unit:claim')).toEqual({ count: 1, windowStartedAt: start + minute });

    // All or nothing: the full counter refuses, and the one with room is not counted either.
    const full: ThrottleRule = { name: 'unit', limit: 1, windowInMs: minute };
    expect(await claim('unit:full', start, full)).toBe(true);
    expect(await counters.claim([{ key: 'unit:room', rule }, { key: 'unit:full', rule: full }], start + 1)).toBe(false);
    expect(await counters.read('unit:room')).toBeUndefined();
    expect(await counters.read('unit:full')).toEqual({ count: 1, windowStartedAt: start });
    expect(await counters.claim([{ key: 'unit:room', rule }, { key: 'unit:other', rule }], start + 1)).toBe(true);
    expect(await counters.read('unit:room')).toEqual({ count: 1, windowStartedAt: start + 1 });
    expect(await counters.read('unit:other')).toEqual({ count: 1, windowStartedAt: start + 1 });
  });

  it('behaves like the database counters, step by step', async () => {
    const rule: ThrottleRule = { name: 'parity', limit: 3, windowInMs: 1000 };
    const steps = async (on: ThrottleCounters, key: string) => {
      const seen: unknown[] = [];
      for (const at of [0, 1, 999]) seen.push(await on.hit(key, start + at, rule.windowInMs));
      seen.push(await on.read(key));
      seen.push(await on.hit(key, start + 1000, rule.windowInMs));
      for (const at of [1000, 1500, 1600, 1999]) seen.push(await on.claim([{ key, rule }], start + at));
      seen.push(await on.read(key));
      seen.push(await on.claim([{ key, rule }], start + 2000));
      await on.clear(key);
      seen.push(await on.read(key));
      seen.push(await on.claim([{ key, rule }], start + 2000));
      seen.push(await on.hit(key, start + 2999, rule.windowInMs));
      seen.push(await on.read(key));
      return seen;
    };
    const inRedis = await steps(counters, 'parity:redis');
    const inDatabase = await steps(databaseThrottleCounters(t.context.db), 'parity:database');
    expect(inRedis).toEqual(inDatabase);
    const at = (offset: number, count: number) => ({ count, windowStartedAt: start + offset });
    expect(inRedis).toEqual([at(0, 1), at(0, 2), at(0, 3), at(0, 3), at(1000, 1), true, true, false, false, at(1000, 3), true, undefined, true, at(2000, 2), at(2000, 2)]);
    await t.context.db.deleteFrom('throttles').where('key', '=', 'parity:database').execute();
  });

  it('counts every one of 50 simultaneous hits, and of 20 simultaneous claims with limit 10 exactly 10 succeed', async () => {
    const hits = await Promise.all(Array.from({ length: 50 }, () => counters.hit('unit:concurrent-hits', start, minute)));
    expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await counters.read('unit:concurrent-hits')).toEqual({ count: 50, windowStartedAt: start });

    const rule: ThrottleRule = { name: 'unit', limit: 10, windowInMs: minute };
    const claims = await Promise.all(Array.from({ length: 20 }, () => counters.claim([{ key: 'unit:concurrent-claims', rule }], start)));
    expect(claims.filter(Boolean)).toHaveLength(10);
    expect(await counters.read('unit:concurrent-claims')).toEqual({ count: 10, windowStartedAt: start });
  });

  it('with Redis answering, nothing is written to the throttles table', async () => {
    expect(await t.context.db.selectFrom('throttles').select('key').execute()).toEqual([]);
  });

  it('on the database, a refused claim inside a transaction undoes only its own counts', async () => {
    const rule: ThrottleRule = { name: 'unit', limit: 1, windowInMs: minute };
    const db = t.context.db;
    await databaseThrottleCounters(db).claim([{ key: 'tx:full', rule }], start);
    const refused = await db.transaction().execute(async (trx) => {
      await databaseThrottleCounters(trx).hit('tx:before', start, minute);
      const claimed = await databaseThrottleCounters(trx).claim([{ key: 'tx:room', rule }, { key: 'tx:full', rule }], start + 1);
      await databaseThrottleCounters(trx).hit('tx:after', start, minute);
      return !claimed;
    });
    expect(refused).toBe(true);
    const left = await db.selectFrom('throttles').select(['key', 'count']).where('key', 'like', 'tx:%').orderBy('key').execute();
    expect(left).toEqual([
      { key: 'tx:after', count: 1 },
      { key: 'tx:before', count: 1 },
      { key: 'tx:full', count: 1 },
    ]);
    await db.deleteFrom('throttles').where('key', 'like', 'tx:%').execute();
  });
});

describe(`throttling over HTTP with Redis, two instances (database: ${testDatabaseKind})`, () => {
  let one: TestApp;
  let two: TestApp;
  const advanceBoth = (milliseconds: number) => {
    one.clock.advance(milliseconds);
    two.clock.advance(milliseconds);
  };
  beforeAll(async () => {
    one = await createTestApp({ redisUrl }, { redisKeyPrefix: keyPrefix });
    two = await createTestApp({ redisUrl }, { redisKeyPrefix: keyPrefix, database: one.database });
  });
  afterAll(async () => {
    await two.close();
    await one.close();
  });

  it('A2 10 wrong passwords per account, spread over both instances, lock sign-in on both (429 rate_limited, Retry-After) until the window ends', async () => {
    await signUp(one.app, { email: 'shared@redis.example' });
    for (let i = 0; i < 10; i++) {
      const app = i % 2 === 0 ? one.app : two.app;
      expect((await new Agent(app).post('/api/v1/auth/login', { email: 'shared@redis.example', password: `guess number ${i}` })).statusCode).toBe(401);
    }
    for (const app of [one.app, two.app]) {
      const locked = await new Agent(app).post('/api/v1/auth/login', { email: 'shared@redis.example', password: strongPassword });
      expect(locked.statusCode).toBe(429);
      expect(locked.json().code).toBe('rate_limited');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(await admin.hget(`${keyPrefix}login:account:shared@redis.example`, 'count')).toBe('10');
    advanceBoth(15 * minute);
    expect((await new Agent(two.app).post('/api/v1/auth/login', { email: 'shared@redis.example', password: strongPassword })).statusCode).toBe(200);
    // G2: the right password claimed a place in the new window and gave it back: not a guess.
    expect(await admin.hget(`${keyPrefix}login:account:shared@redis.example`, 'count')).toBe('0');
    expect(await admin.hget(`${keyPrefix}login:address:127.0.0.1`, 'count')).toBe('0');
  });

  it('S2 a resend within the minute is refused on the other instance (429, Retry-After) and the send counters are in Redis', async () => {
    const member = await signUpMember(one, { email: 'texts@redis.example' });
    expect((await member.browser.post('/api/v1/me/two-factor/sms', { phoneNumber: '+41 79 555 01 02' })).statusCode).toBe(201);
    advanceBoth(20 * second);
    const onTwo = new Browser(two.app);
    for (const [name, value] of member.browser.cookies) onTwo.cookies.set(name, value);
    const early = await onTwo.post('/api/v1/me/two-factor/sms', { phoneNumber: '+41 79 555 01 02' });
    expectProblem(early, 429, 'rate_limited');
    expect(early.headers['retry-after']).toBe('40');
    expect(await admin.hget(`${keyPrefix}sms:member:minute:${member.userId}`, 'count')).toBe('1');
    expect(await admin.hget(`${keyPrefix}sms:member:day:${member.userId}`, 'count')).toBe('1');
    advanceBoth(40 * second);
    expect((await onTwo.post('/api/v1/me/two-factor/sms', { phoneNumber: '+41 79 555 01 02' })).statusCode).toBe(201);
    expect(await admin.hget(`${keyPrefix}sms:member:day:${member.userId}`, 'count')).toBe('2');
  });

  it('nothing was written to the throttles table', async () => {
    expect(await one.context.db.selectFrom('throttles').select('key').execute()).toEqual([]);
  });
});

describe(`fallback to the database when Redis is unreachable (database: ${testDatabaseKind})`, () => {
  let t: TestApp;
  const warnings: Array<{ details: object; message: string }> = [];
  beforeAll(async () => {
    t = await createTestApp({ redisUrl: unreachableRedisUrl }, { redisKeyPrefix: keyPrefix, logger: { info() {}, warn: (details, message) => warnings.push({ details, message }) } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('A2 sign-in throttling still holds, in the database, and no request waits on Redis', async () => {
    const counters = t.context.throttles.on(t.context.db);
    const before = performance.now();
    expect(await counters.read('fallback:probe')).toBeUndefined();
    // Well under the command timeout (500 ms): a refused connection fails at once, nothing waits.
    expect(performance.now() - before).toBeLessThan(250);

    await signUp(t.app, { email: 'fallback@redis.example' });
    for (let i = 0; i < 10; i++) {
      const startedAt = performance.now();
      expect((await new Agent(t.app).post('/api/v1/auth/login', { email: 'fallback@redis.example', password: `guess number ${i}` })).statusCode).toBe(401);
      expect(performance.now() - startedAt).toBeLessThan(5000);
    }
    const locked = await new Agent(t.app).post('/api/v1/auth/login', { email: 'fallback@redis.example', password: strongPassword });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('rate_limited');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(await t.context.db.selectFrom('throttles').select(['key', 'count']).where('key', '=', 'login:account:fallback@redis.example').executeTakeFirst()).toEqual({
      key: 'login:account:fallback@redis.example',
      count: 10,
    });
  });

  it('warns at most once a minute, without keys or addresses', async () => {
    expect(warnings).toHaveLength(1);
    t.clock.advance(minute);
    await t.context.throttles.on(t.context.db).read('fallback:probe');
    expect(warnings).toHaveLength(2);
    expect(warnings[1]!.details).toMatchObject({ operation: 'read' });
    expect((warnings[1]!.details as { similarWarningsLeftOut?: number }).similarWarningsLeftOut).toBeGreaterThan(10);
    const logged = JSON.stringify(warnings);
    expect(logged).not.toContain('redis.example');
    // Neither the counters' keys (e-mail and client addresses) nor their contents.
    expect(logged).not.toContain('login:');
  });
});

describe(`fallback when Redis stalls (database: ${testDatabaseKind})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ redisUrl }, { redisKeyPrefix: keyPrefix });
  });
  afterAll(async () => {
    await t.close();
  });

  it('a write Redis does not answer within the command timeout is counted in the database instead', async () => {
    const counters = t.context.throttles.on(t.context.db);
    const now = t.clock.now().getTime();
    // Redis holds every write for 1.5 s; the call gives up after 500 ms.
    await admin.call('CLIENT', 'PAUSE', '1500', 'WRITE');
    const startedAt = performance.now();
    expect(await counters.hit('stall:hit', now, minute)).toEqual({ count: 1, windowStartedAt: now });
    const elapsed = performance.now() - startedAt;
    expect(elapsed).toBeGreaterThan(400);
    expect(elapsed).toBeLessThan(1400);
    expect(await t.context.db.selectFrom('throttles').select('count').where('key', '=', 'stall:hit').executeTakeFirst()).toEqual({ count: 1 });
    await admin.call('CLIENT', 'UNPAUSE');
  });
});
