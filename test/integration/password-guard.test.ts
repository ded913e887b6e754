// G2 (issue 11): the password step's throttling holds under bursts (a place is claimed atomically
// before argon2 runs), never locks the owner's known browsers out, counts IPv6 by /64, believes
// X-Forwarded-For only from TRUST_PROXY, and hashes only when it is earned (A4 confirm, the hash
// queue cap). Each case runs with the counters in the database and in Redis, on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl, useScratchRedis } from '../support/redis.js';
import { ConfigError, readConfig, type Config } from '../../src/config.js';
import { createArgon2Hasher, type PasswordHasher } from '../../src/security/passwords.js';
import { strongPassword, tokenFromLink } from '../support/agent.js';
import { Browser, createSecondInstance, expectProblem, mailTo, minute, signUpMember } from '../support/two-factor.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';

const { keyPrefix } = useScratchRedis();


/** A client at its own address, so only the counters a test is about can refuse it. */
let nextHost = 1;
function stranger(t: TestApp | { app: TestApp['app'] }, options: { userAgent?: string } = {}): Browser {
  const host = nextHost++;
  return new Browser(t.app, { remoteAddress: `198.51.${Math.floor(host / 250)}.${(host % 250) + 1}`, ...options });
}

function statusesOf(responses: ReadonlyArray<{ statusCode: number }>): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { statusCode } of responses) counts[statusCode] = (counts[statusCode] ?? 0) + 1;
  return counts;
}

async function counterOf(t: TestApp, key: string): Promise<number> {
  return (await t.context.throttles.on(t.context.db).read(key))?.count ?? 0;
}

const modes: Array<{ name: string; overrides: Partial<Config> }> = [
  { name: 'counters in the database', overrides: {} },
  { name: 'counters in Redis', overrides: { redisUrl } },
];

for (const mode of modes) {
  describe(`G2 password step (${mode.name}; database: ${testDatabaseKind})`, () => {
    let t: TestApp;
    let other: Awaited<ReturnType<typeof createSecondInstance>>;
    beforeAll(async () => {
      t = await createTestApp(mode.overrides, { redisKeyPrefix: keyPrefix });
      other = await createSecondInstance(t);
    });
    afterAll(async () => {
      await other.close();
      await t.close();
    });

    it('G2 40 concurrent wrong passwords for one account on two instances: 10 are evaluated, 30 answer 429; the right password is then refused for unknown clients', async () => {
      const ada = await signUpMember(t, { email: `burst-${mode.overrides.redisUrl ? 'r' : 'd'}@guard.example` });
      const responses = await Promise.all(
        Array.from({ length: 40 }, (_, i) => stranger(i % 2 === 0 ? t : other).login(ada.email, `wrong guess ${i}`)),
      );
      expect(statusesOf(responses)).toEqual({ 401: 10, 429: 30 });
      for (const response of responses) if (response.statusCode === 429) expectProblem(response, 429, 'rate_limited');
      const failures = await t.store.db.selectFrom('auditEvents').select('id').where('type', '=', 'user.sign_in_failed').where('targetUserId', '=', ada.userId).execute();
      expect(failures).toHaveLength(10);
      const right = await stranger(t).login(ada.email, strongPassword);
      expectProblem(right, 429, 'rate_limited', 'right password, unknown client');
      expect(Number(right.headers['retry-after'])).toBeGreaterThan(14 * 60);
      t.clock.advance(15 * minute);
      expect((await stranger(t).login(ada.email, strongPassword)).statusCode).toBe(200);
    });

    it('G2 a right password gives its place back: signing in often never locks anyone out, and it does not reopen a tripped limit', async () => {
      const ben = await signUpMember(t, { email: `often-${mode.overrides.redisUrl ? 'r' : 'd'}@guard.example` });
      for (let i = 0; i < 15; i++) expect((await stranger(t).login(ben.email)).statusCode, `sign-in ${i}`).toBe(200);
      for (let i = 0; i < 9; i++) expect((await stranger(t).login(ben.email, `wrong ${i}`)).statusCode).toBe(401);
      expect((await stranger(t).login(ben.email)).statusCode).toBe(200);
      expect((await stranger(t).login(ben.email, 'wrong again')).statusCode).toBe(401);
      expectProblem(await stranger(t).login(ben.email), 429, 'rate_limited');
      t.clock.advance(15 * minute);
    });

    it('G2 A5 K2 re-authentication and HTTP Basic claim before hashing too: a burst gets at most the limit', async () => {
      const cy = await signUpMember(t, { email: `reauth-${mode.overrides.redisUrl ? 'r' : 'd'}@guard.example` });
      const reauths = await Promise.all(Array.from({ length: 20 }, (_, i) => cy.browser.reauthenticate(`wrong ${i}`)));
      expect(statusesOf(reauths)).toEqual({ 401: 10, 429: 10 });
      t.clock.advance(15 * minute);
      const basic = (password: string) =>
        t.app.inject({ method: 'GET', url: '/api/v1/session', remoteAddress: `203.0.113.${nextHost++ % 250}`, headers: { authorization: `Basic ${Buffer.from(`${cy.email}:${password}`).toString('base64')}` } });
      const basics = await Promise.all(Array.from({ length: 20 }, (_, i) => basic(`wrong ${i}`)));
      expect(statusesOf(basics)).toEqual({ 401: 10, 429: 10 });
      expectProblem(await basic(strongPassword), 429, 'rate_limited', 'Basic, right password');
      t.clock.advance(15 * minute);
    });

    it('G2 IPv6 clients are counted by /64: addresses in one /64 share a counter, another /64 has its own', async () => {
      const dee = await signUpMember(t, { email: `ipv6-${mode.overrides.redisUrl ? 'r' : 'd'}@guard.example` });
      await new Browser(t.app, { remoteAddress: '2001:db8:77:1::1' }).login(dee.email, 'wrong one');
      await new Browser(t.app, { remoteAddress: '2001:db8:77:1:ffff:eeee:dddd:cccc' }).login(dee.email, 'wrong two');
      await new Browser(t.app, { remoteAddress: '2001:db8:77:2::1' }).login(dee.email, 'wrong three');
      expect(await counterOf(t, 'login:address:2001:db8:77:1::/64')).toBe(2);
      expect(await counterOf(t, 'login:address:2001:db8:77:2::/64')).toBe(1);
      t.clock.advance(15 * minute);
    });
  });
}

describe(`TRUST_PROXY (database: ${testDatabaseKind})`, () => {
  it('G2 reads a comma-separated list of addresses and CIDR blocks; unset trusts none; anything else is a ConfigError', () => {
    expect(readConfig({}).trustProxy).toEqual([]);
    expect(readConfig({ TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,2001:db8::/32' }).trustProxy).toEqual(['10.0.0.1', '192.168.0.0/16', '2001:db8::/32']);
    for (const wrong of ['proxy.example', '10.0.0.0/33', '10.0.0.1;10.0.0.2']) expect(() => readConfig({ TRUST_PROXY: wrong }), wrong).toThrow(ConfigError);
  });

  for (const trusted of [true, false]) {
    it(`G2 ${trusted ? 'through a trusted proxy the client is the forwarded address' : 'without TRUST_PROXY X-Forwarded-For is ignored'}: sessions, audit events and throttles`, async () => {
      const t = await createTestApp(trusted ? { trustProxy: ['10.9.0.0/16'] } : {});
      try {
        const member = await signUpMember(t, { email: 'proxied@guard.example' });
        const viaProxy = (client: string) => new Browser(t.app, { remoteAddress: '10.9.0.7', headers: { 'x-forwarded-for': client } });
        const expected = (client: string) => (trusted ? client : '10.9.0.7');
        const laptop = viaProxy('203.0.113.10');
        expect((await laptop.login(member.email)).statusCode).toBe(200);
        const sessions = (await laptop.get('/api/v1/me/sessions')).json().sessions as Array<{ current: boolean; ip: string }>;
        expect(sessions.find((s) => s.current)!.ip).toBe(expected('203.0.113.10'));
        const signedIn = await t.store.db.selectFrom('auditEvents').select('ip').where('type', '=', 'user.signed_in').where('targetUserId', '=', member.userId).orderBy('id', 'desc').executeTakeFirstOrThrow();
        expect(signedIn.ip).toBe(expected('203.0.113.10'));
        await viaProxy('203.0.113.11').login(member.email, 'wrong');
        await viaProxy('203.0.113.12').login(member.email, 'wrong');
        if (trusted) {
          expect(await counterOf(t, 'login:address:203.0.113.11')).toBe(1);
          expect(await counterOf(t, 'login:address:203.0.113.12')).toBe(1);
          expect(await counterOf(t, 'login:address:10.9.0.7')).toBe(0);
        } else {
          expect(await counterOf(t, 'login:address:10.9.0.7')).toBe(2);
        }
        // A client that is not a listed proxy cannot pick its own address.
        const direct = new Browser(t.app, { remoteAddress: '192.0.2.50', headers: { 'x-forwarded-for': '203.0.113.99' } });
        await direct.login(member.email, 'wrong');
        expect(await counterOf(t, 'login:address:192.0.2.50')).toBe(1);
        expect(await counterOf(t, 'login:address:203.0.113.99')).toBe(0);
      } finally {
        await t.close();
      }
    });

    it(`G1 K1 ${trusted ? 'through a trusted proxy the forwarded address' : 'without TRUST_PROXY the socket address'} is a known browser's recorded address and what an API key's allow-list checks`, async () => {
      const t = await createTestApp(trusted ? { trustProxy: ['10.9.0.0/16'] } : {});
      try {
        const member = await signUpMember(t, { email: 'proxied-keys@guard.example' });
        const proxy = '10.9.0.7';
        const expected = (client: string) => (trusted ? client : proxy);
        // G1: the browser's address is the client's, not the proxy's (when the proxy is trusted).
        const laptop = new Browser(t.app, { remoteAddress: proxy, headers: { 'x-forwarded-for': '203.0.113.10' } });
        expect((await laptop.login(member.email)).statusCode).toBe(200);
        const browsers = (await laptop.get('/api/v1/me/known-browsers')).json().browsers as Array<{ current: boolean; ip: string | null }>;
        expect(browsers.find((b) => b.current)!.ip).toBe(expected('203.0.113.10'));
        const stored = await t.store.db.selectFrom('knownBrowsers').select('ip').where('userId', '=', member.userId).execute();
        expect(stored.map((row) => row.ip)).toContain(expected('203.0.113.10'));
        expect(stored.map((row) => row.ip)).not.toContain(trusted ? proxy : '203.0.113.10');

        // K1: one key for the clients' office, one for the proxy's own network.
        const createKey = async (name: string, allowedIps: string[]) => {
          const created = await member.browser.post('/api/v1/api-keys', { name, grants: ['users:read'], allowedIps });
          expect(created.statusCode, created.body).toBe(201);
          return created.json() as { id: string; key: string };
        };
        const office = await createKey('Office', ['203.0.113.0/24']);
        const proxyNetwork = await createKey('Proxy network', ['10.9.0.0/16']);
        const use = (key: string, client: string) =>
          t.app.inject({ method: 'GET', url: '/api/v1/organization/users', remoteAddress: proxy, headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': client } });
        const fromOffice = await use(office.key, '203.0.113.20');
        const fromElsewhere = await use(office.key, '198.51.100.20');
        const proxyKeyFromOffice = await use(proxyNetwork.key, '203.0.113.20');
        if (trusted) {
          expect(fromOffice.statusCode, fromOffice.body).toBe(200);
          expectProblem(fromElsewhere, 403, 'forbidden');
          expectProblem(proxyKeyFromOffice, 403, 'forbidden');
        } else {
          // The forwarded address is ignored: every request comes from the proxy.
          expectProblem(fromOffice, 403, 'forbidden');
          expectProblem(fromElsewhere, 403, 'forbidden');
          expect(proxyKeyFromOffice.statusCode, proxyKeyFromOffice.body).toBe(200);
        }
        const keys = (await member.browser.get('/api/v1/api-keys')).json().apiKeys as Array<{ id: string; lastUsedIp: string | null }>;
        expect(keys.find((k) => k.id === (trusted ? office.id : proxyNetwork.id))!.lastUsedIp).toBe(expected('203.0.113.20'));
        // A client that is not a listed proxy cannot pick its own address.
        const direct = await t.app.inject({ method: 'GET', url: '/api/v1/organization/users', remoteAddress: '192.0.2.50', headers: { authorization: `Bearer ${office.key}`, 'x-forwarded-for': '203.0.113.20' } });
        expectProblem(direct, 403, 'forbidden');
      } finally {
        await t.close();
      }
    });
  }
});

describe(`hashing only when it is earned (database: ${testDatabaseKind})`, () => {
  let t: TestApp;
  let hashes = 0;
  beforeAll(async () => {
    t = await createTestApp();
    const real = t.context.passwords;
    const counting: PasswordHasher = {
      hash: (password) => {
        hashes++;
        return real.hash(password);
      },
      verify: (hash, password) => real.verify(hash, password),
    };
    t.context.passwords = counting;
  });
  afterAll(async () => {
    await t.close();
  });

  it('A4 a wrong reset token costs no hash; a right one is used up before hashing, so concurrent confirms hash once', async () => {
    const eve = await signUpMember(t, { email: 'reset@guard.example' });
    const before = hashes;
    expectProblem(await stranger(t).post('/api/v1/auth/password-reset/confirm', { token: 'A'.repeat(43), password: 'a brand new passphrase' }), 400, 'invalid_token');
    expect(hashes).toBe(before);
    expect((await stranger(t).post('/api/v1/auth/password-reset', { email: eve.email })).statusCode).toBe(202);
    const mail = (await mailTo(t, eve.email, 'Reset your password'))[0]!;
    const token = tokenFromLink(mail.text, 'http://tessera.test/reset-password');
    const confirms = await Promise.all(Array.from({ length: 8 }, () => stranger(t).post('/api/v1/auth/password-reset/confirm', { token, password: 'a brand new passphrase' })));
    expect(statusesOf(confirms)).toEqual({ 204: 1, 400: 7 });
    expect(hashes).toBe(before + 1);
    expect((await stranger(t).login(eve.email, 'a brand new passphrase')).statusCode).toBe(200);
  });

  it('A4 confirmations are throttled per address: 30 tries in 15 minutes, then 429 with Retry-After', async () => {
    const from = new Browser(t.app, { remoteAddress: '192.0.2.200' });
    for (let i = 0; i < 30; i++) expectProblem(await from.post('/api/v1/auth/password-reset/confirm', { token: `${'B'.repeat(40)}${100 + i}`, password: 'a brand new passphrase' }), 400, 'invalid_token');
    const limited = await from.post('/api/v1/auth/password-reset/confirm', { token: 'C'.repeat(43), password: 'a brand new passphrase' });
    expectProblem(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe(`the password-hash queue (database: ${testDatabaseKind})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('G2 a full queue answers 503 busy with Retry-After at once (never a 500), and a refused attempt is not counted as a guess', async () => {
    const fay = await signUpMember(t, { email: 'queue@guard.example' });
    // One hash at a time and two waiting.
    t.context.passwords = createArgon2Hasher({ concurrency: 1, maxWaiting: 2 });
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => stranger(t).login(fay.email, `wrong ${i}`)));
    const statuses = statusesOf(responses);
    // At least three are evaluated (one running, two waiting); how many more depends on how the
    // requests reach the queue while earlier hashes finish. The rest are refused at once.
    expect(statuses[401]).toBeGreaterThanOrEqual(3);
    expect(statuses[503]).toBeGreaterThanOrEqual(1);
    expect(statuses[401]! + statuses[503]!).toBe(10);
    for (const response of responses.filter((r) => r.statusCode === 503)) {
      expectProblem(response, 503, 'busy');
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(await counterOf(t, `login:account:${fay.email}`)).toBe(statuses[401]);
    const signUps = await Promise.all(Array.from({ length: 6 }, (_, i) => stranger(t).post('/api/v1/signup', { organization: 'Busy', name: 'Busy', email: `busy-${i}@guard.example`, password: strongPassword })));
    expect(Object.keys(statusesOf(signUps)).sort()).toEqual(['201', '503']);
    expect((await stranger(t).login(fay.email)).statusCode).toBe(200);
  });
});
