// N1: /livez says the process serves; /readyz checks the database, the migrations and the key,
// answering 503 with what failed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { migrateDown, migrateToLatest } from '../../src/store/migrator.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';

describe(`probes on ${testDatabaseKind}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('N1 /livez and /readyz answer 200 on a healthy instance, /healthz stays', async () => {
    const live = await t.app.inject({ method: 'GET', url: '/livez' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok', key: 'ok' } });
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('N1 a pending migration makes the instance not ready (503 problem naming it) while it stays live', async () => {
    const [undone] = await migrateDown(t.store.db);
    try {
      const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.headers['content-type']).toMatch(/^application\/problem\+json/);
      const body = ready.json();
      expect(body.code).toBe('not_ready');
      expect(body.checks.database).toBe('ok');
      expect(body.checks.key).toBe('ok');
      const undoneName = undone!.split(':')[0]!;
      expect(body.checks.migrations).toContain(undoneName);
      expect(body.detail).toContain('migrations');
      expect((await t.app.inject({ method: 'GET', url: '/livez' })).statusCode).toBe(200);
    } finally {
      await migrateToLatest(t.store.db);
    }
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('N1 a key that cannot seal and open makes the instance not ready', async () => {
    const secretBox = t.context.secretBox;
    t.context.secretBox = { seal: () => 'v1.x.y', open: () => { throw new Error('Sealed value has an unknown format or key'); } };
    try {
      const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().checks).toEqual({ database: 'ok', migrations: 'ok', key: expect.stringMatching(/^failed: /) });
    } finally {
      t.context.secretBox = secretBox;
    }
  });

  it('N1 a database that does not answer makes the instance not ready; liveness does not touch it', async () => {
    const other = await createTestApp({}, { database: t.database });
    await other.store.close();
    const ready = await other.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.database).toMatch(/^failed: /);
    expect((await other.app.inject({ method: 'GET', url: '/livez' })).statusCode).toBe(200);
    await other.app.close();
  });

  it('N3 a draining instance answers /readyz 503 so the load balancer sends no new requests', async () => {
    let draining = false;
    const app = await buildApp(t.context, { isShuttingDown: () => draining });
    try {
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      draining = true;
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().detail).toMatch(/shutting down/);
    } finally {
      await app.close();
    }
  });
});
