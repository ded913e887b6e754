// N2: /metrics in Prometheus text format on a listener of its own (METRICS_PORT), never on the
// public port; domain counters with bounded labels only (no e-mail, member or organization id).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import { startInstance, type ServingInstance } from '../../src/main.js';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '../support/test-database.js';

const quiet = { info() {}, warn() {}, error() {} };
const password = 'metrics passphrase for tests';

/** A cookie jar over fetch. */
class Client {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}
  async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(this.base + path, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const line of response.headers.getSetCookie()) {
      const [name, value] = line.split(';')[0]!.split('=') as [string, string];
      if (value) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
    const text = await response.text();
    return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }
}

function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `) ? wanted.every((label) => l.includes(label)) : false);
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** How many TCP listeners this process has open. */
function openListeners(): number {
  return process.getActiveResourcesInfo().filter((type) => type === 'TCPServerWrap').length;
}

describe(`N2 metrics on ${testDatabaseKind}`, () => {
  let database: TestDatabase;
  let dataDir: string;
  let instance: ServingInstance;
  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'tessera-metrics-'));
    const config = readConfig({ DATABASE_URL: database.url, TESSERA_SECRET_KEY: randomBytes(32).toString('base64'), TESSERA_DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', METRICS_PORT: '0', PUBLIC_URL: 'http://tessera.test', LOG_LEVEL: 'silent', NODE_ENV: 'test' });
    instance = await startInstance(config, quiet);
  });
  afterAll(async () => {
    await instance?.shutdown();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('N2 counts failed sign-ins, throttles, e-mails and HTTP timings with bounded labels, on its own port only', async () => {
    expect(instance.metricsAddress).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const email = 'metrics@metrics.example';
    const client = new Client(instance.address);
    expect((await client.call('POST', '/api/v1/signup', { organization: 'Metrics Org', name: 'Mo', email, password })).status).toBe(201);
    // A wrong password for a known account, then a right one.
    expect((await new Client(instance.address).call('POST', '/api/v1/auth/login', { email, password: 'not the right passphrase' })).status).toBe(401);
    // An authenticator, then a sign-in with a wrong and a right code.
    expect((await client.call('POST', '/api/v1/auth/reauthenticate', { password })).status).toBe(204);
    const verify = await client.call('POST', '/api/v1/auth/verify-email/resend');
    expect([202, 204]).toContain(verify.status);
    // Resends beyond the limit are throttled (3 in 15 minutes).
    for (let i = 0; i < 3; i++) await client.call('POST', '/api/v1/auth/verify-email/resend');
    expect((await client.call('POST', '/api/v1/auth/verify-email/resend')).status).toBe(429);

    const metrics = await (await fetch(`${instance.metricsAddress}/metrics`)).text();
    expect(sample(metrics, 'tessera_sign_ins_total', { result: 'failure', method: 'password' })).toBe(1);
    expect(sample(metrics, 'tessera_throttled_total', { rule: 'mail:verify:member' })).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, 'tessera_emails_total', { result: 'sent' })).toBeGreaterThanOrEqual(3);
    expect(sample(metrics, 'tessera_http_request_duration_seconds_count', { route: '/api/v1/auth/login', method: 'POST', status_class: '4xx' })).toBe(1);
    expect(sample(metrics, 'tessera_http_request_duration_seconds_count', { route: '/api/v1/signup', method: 'POST', status_class: '2xx' })).toBe(1);
    expect(metrics).toContain('nodejs_eventloop_lag_seconds');
    expect(metrics).toContain('# TYPE tessera_locks_total counter');
    if (testDatabaseKind === 'postgres') expect(metrics).toMatch(/tessera_database_pool_connections\{state="total"\} \d+/);
    // Bounded labels: no e-mail address, no id, no URL with its values.
    expect(metrics).not.toContain(email);
    expect(metrics).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);

    // Not on the public port; only /metrics on the metrics port.
    expect((await fetch(`${instance.address}/metrics`)).status).toBe(404);
    expect((await fetch(`${instance.metricsAddress}/anything`)).status).toBe(404);
  });

  it('N2 a complete sign-in with an authenticator counts the second step by method', async () => {
    const email = 'second@metrics.example';
    const client = new Client(instance.address);
    expect((await client.call('POST', '/api/v1/signup', { organization: 'Second Org', name: 'Sec', email, password })).status).toBe(201);
    const before = await (await fetch(`${instance.metricsAddress}/metrics`)).text();
    // The verification link from the development mailbox (the server listens on loopback).
    const mailbox = (await (await fetch(`${instance.address}/api/dev/mailbox`)).json()) as { messages: Array<{ to: string; text: string }> };
    const token = /verify-email\?token=([A-Za-z0-9_-]+)/.exec(mailbox.messages.find((m) => m.to === email)!.text)![1]!;
    expect((await client.call('POST', '/api/v1/auth/verify-email', { token })).status).toBe(204);
    const setup = await client.call('POST', '/api/v1/me/two-factor/totp');
    expect(setup.status).toBe(201);
    const totp = new TOTP({ secret: Secret.fromBase32(String(setup.json.secret).replace(/\s/g, '')), algorithm: 'SHA1', digits: 6, period: 30 });
    expect((await client.call('POST', '/api/v1/me/two-factor/totp/confirm', { code: totp.generate() })).status).toBe(200);
    expect((await client.call('POST', '/api/v1/auth/logout')).status).toBe(204);
    expect((await client.call('POST', '/api/v1/auth/login', { email, password })).json.status).toBe('two_factor_required');
    expect((await client.call('POST', '/api/v1/auth/two-factor', { code: '000000' === totp.generate() ? '111111' : '000000' })).status).toBe(400);
    // The step just used at confirmation is refused (T5): take the next step's code.
    const nextStepCode = totp.generate({ timestamp: Date.now() + 30_000 });
    expect((await client.call('POST', '/api/v1/auth/two-factor', { code: nextStepCode })).json.status).toBe('signed_in');

    const after = await (await fetch(`${instance.metricsAddress}/metrics`)).text();
    expect(sample(after, 'tessera_second_steps_total', { method: 'totp', result: 'success' }) - sample(before, 'tessera_second_steps_total', { method: 'totp', result: 'success' })).toBe(1);
    expect(sample(after, 'tessera_second_steps_total', { method: 'code', result: 'failure' }) - sample(before, 'tessera_second_steps_total', { method: 'code', result: 'failure' })).toBe(1);
    expect(sample(after, 'tessera_sign_ins_total', { result: 'success', method: 'totp' }) - sample(before, 'tessera_sign_ins_total', { result: 'success', method: 'totp' })).toBe(1);
  });

  it('N2 a text message sent and a member locked after ten wrong codes (L3) move tessera_texts_total and tessera_locks_total', async () => {
    const email = 'texts-and-locks@metrics.example';
    const client = new Client(instance.address);
    expect((await client.call('POST', '/api/v1/signup', { organization: 'Locks Org', name: 'Lo', email, password })).status).toBe(201);
    const mailbox = (await (await fetch(`${instance.address}/api/dev/mailbox`)).json()) as { messages: Array<{ to: string; text: string }> };
    const token = /verify-email\?token=([A-Za-z0-9_-]+)/.exec(mailbox.messages.find((m) => m.to === email)!.text)![1]!;
    expect((await client.call('POST', '/api/v1/auth/verify-email', { token })).status).toBe(204);
    const setup = await client.call('POST', '/api/v1/me/two-factor/totp');
    const totp = new TOTP({ secret: Secret.fromBase32(String(setup.json.secret).replace(/\s/g, '')), algorithm: 'SHA1', digits: 6, period: 30 });
    expect((await client.call('POST', '/api/v1/me/two-factor/totp/confirm', { code: totp.generate() })).status).toBe(200);

    const before = await (await fetch(`${instance.metricsAddress}/metrics`)).text();
    // S1: adding a phone number texts it a code.
    const texted = await client.call('POST', '/api/v1/me/two-factor/sms', { phoneNumber: '+41 79 555 12 35' });
    expect(texted.status, JSON.stringify(texted.json)).toBe(201);
    const afterText = await (await fetch(`${instance.metricsAddress}/metrics`)).text();
    expect(sample(afterText, 'tessera_texts_total', { result: 'sent' }) - sample(before, 'tessera_texts_total', { result: 'sent' })).toBe(1);
    expect(sample(afterText, 'tessera_locks_total')).toBe(sample(before, 'tessera_locks_total'));

    // L3: ten wrong codes in a row lock the second step.
    const attacker = new Client(instance.address);
    expect((await attacker.call('POST', '/api/v1/auth/login', { email, password })).json.status).toBe('two_factor_required');
    const valid = new Set([-30_000, 0, 30_000].map((offset) => totp.generate({ timestamp: Date.now() + offset })));
    const wrongCodes = ['000000', '111111', '222222', '333333', '444444', '555555', '666666', '777777', '888888', '999999', '123456', '654321', '135790'].filter((code) => !valid.has(code)).slice(0, 10);
    for (const code of wrongCodes) await attacker.call('POST', '/api/v1/auth/two-factor', { code });
    // Locked for 15 minutes: even the right code is refused.
    const locked = await attacker.call('POST', '/api/v1/auth/two-factor', { code: totp.generate() });
    expect(locked.status, JSON.stringify(locked.json)).toBe(429);
    expect(locked.json.code).toBe('rate_limited');
    const afterLock = await (await fetch(`${instance.metricsAddress}/metrics`)).text();
    expect(sample(afterLock, 'tessera_locks_total') - sample(before, 'tessera_locks_total')).toBe(1);
    expect(sample(afterLock, 'tessera_texts_total', { result: 'sent' }) - sample(before, 'tessera_texts_total', { result: 'sent' })).toBe(1);
  });
});

describe(`N2 without METRICS_PORT on ${testDatabaseKind}`, () => {
  let database: TestDatabase;
  let dataDir: string;
  let instance: ServingInstance;
  let listenersOpened: number;
  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'tessera-metrics-'));
    const config = readConfig({ DATABASE_URL: database.url, TESSERA_SECRET_KEY: randomBytes(32).toString('base64'), TESSERA_DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', PUBLIC_URL: 'http://tessera.test', LOG_LEVEL: 'silent', NODE_ENV: 'test' });
    expect(config.metrics).toBeUndefined();
    const listenersBefore = openListeners();
    instance = await startInstance(config, quiet);
    listenersOpened = openListeners() - listenersBefore;
  });
  afterAll(async () => {
    await instance?.shutdown();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('N2 metrics are off: no metrics listener (only the public one), and the public port answers 404 for /metrics', async () => {
    expect(instance.metricsAddress).toBeUndefined();
    expect(listenersOpened).toBe(1);
    const response = await fetch(`${instance.address}/metrics`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('# TYPE');
    // Requests are served as usual.
    expect((await fetch(`${instance.address}/livez`)).status).toBe(200);
  });
});
