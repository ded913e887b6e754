// Issue 10 item 9: the development mailbox shows every reset, invitation and verification link.
// It exists only for a server listening on a loopback address (or with DEV_MAILBOX=1), never in
// production or with SMTP, and answers only clients connected from this machine — by the
// socket's address, never a forwarded one — and never through a proxy (forwarding headers or a
// TRUST_PROXY socket address), since a proxy on the same host connects from loopback.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../src/config.js';
import { openRuntime } from '../../src/main.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, testDatabaseKind } from '../support/test-database.js';

const remoteClient = '203.0.113.9';

describe(`development mailbox on ${testDatabaseKind}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers a client on this machine', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/dev/mailbox', remoteAddress: '127.0.0.1' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toHaveProperty('messages');
  });

  it('answers any other client 404, as if there were no mailbox, even when it claims to be forwarded from loopback', async () => {
    for (const headers of [{}, { 'x-forwarded-for': '127.0.0.1' }, { 'x-real-ip': '127.0.0.1', forwarded: 'for=127.0.0.1' }]) {
      const api = await t.app.inject({ method: 'GET', url: '/api/dev/mailbox', remoteAddress: remoteClient, headers });
      expect(api.statusCode).toBe(404);
      expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(api.json().code).toBe('not_found');
      expect(api.body).not.toContain('messages');
      const page = await t.app.inject({ method: 'GET', url: '/dev/mailbox', remoteAddress: remoteClient, headers });
      expect(page.statusCode).toBe(404);
    }
    // The page itself is served to this machine (the web UI is not built in these tests: 503, not 404).
    expect((await t.app.inject({ method: 'GET', url: '/dev/mailbox', remoteAddress: '127.0.0.1' })).statusCode).not.toBe(404);
  });

  it('IPv6 loopback and IPv4-mapped loopback clients are this machine', async () => {
    for (const remoteAddress of ['::1', '::ffff:127.0.0.1']) {
      expect((await t.app.inject({ method: 'GET', url: '/api/dev/mailbox', remoteAddress })).statusCode, remoteAddress).toBe(200);
    }
  });

  it('a loopback connection that carries forwarding headers (a proxy on this machine) gets the same 404', async () => {
    // nginx on the same host connects from 127.0.0.1 for every outside client.
    for (const headers of [{ 'x-forwarded-for': '203.0.113.9' }, { forwarded: 'for=203.0.113.9' }, { 'x-real-ip': '203.0.113.9' }, { 'x-forwarded-for': '127.0.0.1' }]) {
      for (const remoteAddress of ['127.0.0.1', '::1']) {
        const api = await t.app.inject({ method: 'GET', url: '/api/dev/mailbox', remoteAddress, headers });
        expect(api.statusCode, JSON.stringify(headers)).toBe(404);
        expect(api.json().code).toBe('not_found');
        expect(api.body).not.toContain('messages');
        expect((await t.app.inject({ method: 'GET', url: '/dev/mailbox', remoteAddress, headers })).statusCode, JSON.stringify(headers)).toBe(404);
      }
    }
  });
});

describe(`development mailbox behind TRUST_PROXY on ${testDatabaseKind}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ trustProxy: ['127.0.0.1', '10.0.0.0/8'] });
  });
  afterAll(async () => {
    await t.close();
  });

  it('a request from a TRUST_PROXY address gets the same 404 as any other client, even without forwarding headers', async () => {
    for (const remoteAddress of ['127.0.0.1', '::ffff:127.0.0.1', '10.0.0.7']) {
      const api = await t.app.inject({ method: 'GET', url: '/api/dev/mailbox', remoteAddress });
      expect(api.statusCode, remoteAddress).toBe(404);
      expect(api.json().code).toBe('not_found');
      expect((await t.app.inject({ method: 'GET', url: '/dev/mailbox', remoteAddress })).statusCode, remoteAddress).toBe(404);
    }
  });

  it('another loopback address that is not a listed proxy is still this machine', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/dev/mailbox', remoteAddress: '::1' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/dev/mailbox', remoteAddress: '127.0.0.2' })).statusCode).toBe(200);
  });
});

describe('development mailbox configuration', () => {
  it('exists on a loopback listener, not on every interface, unless DEV_MAILBOX=1; never in production or with SMTP', () => {
    expect(readConfig({}).devMailbox).toBe(true);
    expect(readConfig({ HOST: '127.0.0.1' }).devMailbox).toBe(true);
    expect(readConfig({ HOST: 'localhost' }).devMailbox).toBe(true);
    expect(readConfig({ HOST: '::1' }).devMailbox).toBe(true);
    expect(readConfig({ HOST: '0.0.0.0' }).devMailbox).toBe(false);
    expect(readConfig({ HOST: '::' }).devMailbox).toBe(false);
    expect(readConfig({ HOST: '10.1.2.3' }).devMailbox).toBe(false);
    expect(readConfig({ HOST: '0.0.0.0', DEV_MAILBOX: '1' }).devMailbox).toBe(true);
    expect(readConfig({ HOST: '127.0.0.1', DEV_MAILBOX: '0' }).devMailbox).toBe(false);
    expect(readConfig({ HOST: '127.0.0.1', SMTP_URL: 'smtp://127.0.0.1:2525' }).devMailbox).toBe(false);
    const productionKey = Buffer.alloc(32, 7).toString('base64');
    expect(readConfig({ HOST: '127.0.0.1', NODE_ENV: 'production', TESSERA_SECRET_KEY: productionKey }).devMailbox).toBe(false);
    expect(readConfig({ HOST: '0.0.0.0', NODE_ENV: 'production', DEV_MAILBOX: '1', TESSERA_SECRET_KEY: productionKey }).devMailbox).toBe(false);
    expect(() => readConfig({ DEV_MAILBOX: 'yes' })).toThrow(ConfigError);
  });

  it('the server keeps no mailbox, no text outbox and no mailbox route when it listens on every interface', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-mailbox-'));
    const database = await createTestDatabase();
    const quiet = { info() {}, warn() {}, error() {} };
    try {
      for (const [env, expected] of [[{ HOST: '0.0.0.0' }, false], [{ HOST: '0.0.0.0', DEV_MAILBOX: '1' }, true], [{ HOST: '127.0.0.1' }, true]] as const) {
        const runtime = await openRuntime(readConfig({ ...env, DATABASE_URL: database.url, TESSERA_DATA_DIR: dataDir }), quiet);
        try {
          expect(runtime.context.mailer.mailbox !== undefined, JSON.stringify(env)).toBe(expected);
          expect(runtime.context.sms.outbox !== undefined, JSON.stringify(env)).toBe(expected);
        } finally {
          await runtime.close();
        }
      }
    } finally {
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
