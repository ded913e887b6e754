// Issue 16 item 3: servers keep recent session look-ups (src/store/session-cache.ts). What they keep
// must never outlive a change: on the instance that made it at once, on every other instance
// within one second (PostgreSQL: LISTEN/NOTIFY from the 0018 triggers; SQLite: another process on
// the same file, seen through PRAGMA data_version), also for changes made outside Tessera.
import Database from 'better-sqlite3';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';
import { Browser, createSecondInstance, inviteMember, minute, signUpMember, type Member } from '../support/two-factor.js';

let t: TestApp;
let other: { app: FastifyInstance; close(): Promise<void> };
let admin: Member;

beforeAll(async () => {
  t = await createTestApp();
  other = await createSecondInstance(t);
  admin = await signUpMember(t, { email: 'ada@cache.example', organization: 'Cache Org' });
});

afterAll(async () => {
  await other?.close();
  await t?.close();
});

/** The same browser (its cookies) talking to another instance. */
function on(app: FastifyInstance, browser: Browser): Browser {
  const moved = new Browser(app);
  for (const [name, value] of browser.cookies) moved.cookies.set(name, value);
  return moved;
}

/** Asks until `done` holds; returns how long it took, or fails after `limitInMs`. */
async function within(limitInMs: number, ask: () => Promise<LightMyRequestResponse>, done: (response: LightMyRequestResponse) => boolean): Promise<number> {
  const started = performance.now();
  for (;;) {
    const response = await ask();
    const elapsed = performance.now() - started;
    if (done(response)) return elapsed;
    if (elapsed > limitInMs) throw new Error(`still ${response.statusCode} ${response.body} after ${Math.round(elapsed)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Both instances have answered (and so kept) the member's session a few times. */
async function warm(browser: Browser): Promise<void> {
  for (const app of [t.app, other.app, t.app, other.app]) expect((await on(app, browser).get('/api/v1/session')).statusCode).toBe(200);
}

/** A statement from outside Tessera: its own connection, not through any server's store. */
async function runOutside(statement: string, values: unknown[], on: TestApp = t): Promise<void> {
  if (on.database.kind === 'sqlite') {
    const connection = new Database(on.database.url);
    try {
      connection.prepare(statement.replace(/\$\d+/g, '?')).run(...values);
    } finally {
      connection.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: on.database.url });
  await client.connect();
  try {
    await client.query(statement, values);
  } finally {
    await client.end();
  }
}

describe('session look-ups kept by a server', () => {
  it('a sign-out on one instance is refused on the same instance at once and on the other within a second', async () => {
    const member = await inviteMember(t, admin, { email: 'bob@cache.example', name: 'Bob' });
    await warm(member.browser);
    const elsewhere = on(other.app, member.browser);
    expect((await member.browser.post('/api/v1/auth/logout')).statusCode).toBe(204);
    expect((await on(t.app, elsewhere).get('/api/v1/session')).statusCode).toBe(401);
    const took = await within(1000, () => elsewhere.get('/api/v1/session'), (r) => r.statusCode === 401);
    expect(took).toBeLessThan(1000);
  });

  it('a role change on one instance shows on the same instance at once and on the other within a second', async () => {
    const member = await inviteMember(t, admin, { email: 'cleo@cache.example', name: 'Cleo' });
    await warm(member.browser);
    const changed = await admin.browser.patch(`/api/v1/organization/users/${member.userId}`, { role: 'admin' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await member.browser.get('/api/v1/session')).json().user.role).toBe('admin');
    await within(1000, () => on(other.app, member.browser).get('/api/v1/session'), (r) => r.json().user?.role === 'admin');
  });

  it('a session ended from the sessions list on the other instance is refused here within a second', async () => {
    const member = await inviteMember(t, admin, { email: 'dana@cache.example', name: 'Dana' });
    const second = new Browser(t.app);
    expect((await second.login(member.email)).statusCode).toBe(200);
    await warm(second);
    const sessions = (await on(other.app, member.browser).get('/api/v1/me/sessions')).json();
    const target = (sessions.sessions ?? sessions).find((s: { current: boolean }) => !s.current);
    expect((await on(other.app, member.browser).delete(`/api/v1/me/sessions/${target.id}`)).statusCode).toBe(204);
    await within(1000, () => second.get('/api/v1/session'), (r) => r.statusCode === 401);
  });

  it('a change made outside Tessera (another process, a hand-written statement) reaches both instances within a second', async () => {
    const member = await inviteMember(t, admin, { email: 'eve@cache.example', name: 'Eve' });
    await warm(member.browser);
    await runOutside('delete from sessions where user_id = $1', [member.userId]);
    await within(1000, () => member.browser.get('/api/v1/session'), (r) => r.statusCode === 401);
    await within(1000, () => on(other.app, member.browser).get('/api/v1/session'), (r) => r.statusCode === 401);
  });

  it.skipIf(testDatabaseKind !== 'postgres')('PostgreSQL: while the listening connection is lost and comes back, nothing kept is served stale', async () => {
    const member = await inviteMember(t, admin, { email: 'gus@cache.example', name: 'Gus' });
    await warm(member.browser);
    const killer = new pg.Client({ connectionString: t.database.url });
    await killer.connect();
    try {
      const ended = await killer.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'listen tessera_session_data%'");
      expect(ended.rowCount).toBe(2);
    } finally {
      await killer.end();
    }
    await runOutside('delete from sessions where user_id = $1', [member.userId]);
    await within(1000, () => member.browser.get('/api/v1/session'), (r) => r.statusCode === 401);
    await within(1000, () => on(other.app, member.browser).get('/api/v1/session'), (r) => r.statusCode === 401);
  });

  it('SESSION_CACHE=0: every check reads the database, so a change made outside Tessera shows at once', async () => {
    const uncached = await createTestApp({ sessionCache: false });
    try {
      const owner = await signUpMember(uncached, { email: 'hal@uncached.example', organization: 'Uncached Org' });
      for (let i = 0; i < 3; i++) expect((await owner.browser.get('/api/v1/session')).statusCode).toBe(200);
      await runOutside('delete from sessions where user_id = $1', [owner.userId], uncached);
      expect((await owner.browser.get('/api/v1/session')).statusCode).toBe(401);
    } finally {
      await uncached.close();
    }
  });

  // Last: it moves the clock past every other session's idle deadline.
  it('a kept answer behind another instance’s last-seen time never ends a session for idling', async () => {
    const member = await inviteMember(t, admin, { email: 'finn@cache.example', name: 'Finn' });
    await warm(member.browser);
    const idle = t.context.config.sessionLifetime.idleTimeoutInMs;
    // This instance moves the last-seen time (a touch, which tells no other instance)…
    t.clock.advance(idle - minute);
    expect((await member.browser.get('/api/v1/session')).statusCode).toBe(200);
    // …so the other instance's kept answer looks idle-expired, but the database says otherwise.
    t.clock.advance(2 * minute);
    expect((await on(other.app, member.browser).get('/api/v1/session')).statusCode).toBe(200);
    expect((await member.browser.get('/api/v1/session')).statusCode).toBe(200);
  });
});
