// N3: one of two instances on one PostgreSQL database restarts under steady sign-in load, behind a
// load balancer that polls /readyz (as Kubernetes or an HAProxy health check does) and, as nginx
// does, sends a GET that got no answer, or a POST whose connection could not be made, to the other
// instance. No request fails: the stopping instance fails readiness while still serving, answers
// what it has accepted, then closes; the new one takes over on the same port.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import { startInstance, type ServingInstance } from '../../src/main.js';
import { findFreePort } from '../e2e/support/server.js';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '../support/test-database.js';

const quiet = { info() {}, warn() {}, error() {} };
const password = 'rolling restart passphrase';
const loadLoops = 6;

interface Upstream {
  port: number;
  served: number;
  inFlight: number;
  ready: boolean;
}

const readinessPollInMs = 50;

/** Asks each upstream's /readyz every 50 ms; stops when the returned function is called. */
function pollReadiness(upstreams: Upstream[]): () => void {
  const poll = (upstream: Upstream) => {
    const probe = httpRequest({ host: '127.0.0.1', port: upstream.port, path: '/readyz', agent: false, timeout: readinessPollInMs * 4 }, (response) => {
      upstream.ready = response.statusCode === 200;
      response.resume();
    });
    probe.on('timeout', () => probe.destroy());
    probe.on('error', () => (upstream.ready = false));
    probe.end();
  };
  const timer = setInterval(() => upstreams.forEach(poll), readinessPollInMs);
  return () => clearInterval(timer);
}

/** Round robin over the ready upstreams; a connection that cannot be made goes to the next one. */
function startLoadBalancer(upstreams: Upstream[]): Promise<{ server: Server; port: number; stop(): Promise<void> }> {
  let next = 0;
  const stopPolling = pollReadiness(upstreams);
  const pick = (from: number) => {
    for (let offset = 0; offset < upstreams.length; offset++) if (upstreams[(from + offset) % upstreams.length]!.ready) return from + offset;
    return from; // none ready: try anyway
  };
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      // A retry goes to the next instance after the one that failed, whatever other requests did.
      const attempt = (from: number, tries: number) => {
        const index = pick(from);
        const upstream = upstreams[index % upstreams.length]!;
        upstream.inFlight++;
        let answered = false;
        const forwarded = httpRequest({ host: '127.0.0.1', port: upstream.port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, connection: 'close' }, agent: false }, (response: IncomingMessage) => {
          answered = true;
          upstream.served++;
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
          response.on('end', () => upstream.inFlight--);
        });
        forwarded.on('error', (error: NodeJS.ErrnoException) => {
          upstream.inFlight--;
          if (answered) return outgoing.destroy();
          // Like nginx (proxy_next_upstream error): a GET that got no answer is tried elsewhere; a
          // POST only when its connection could not be made — a POST the instance accepted and then
          // dropped is a failed request.
          const mayRetry = error.code === 'ECONNREFUSED' || (incoming.method === 'GET' && !answered);
          if (mayRetry && tries + 1 < upstreams.length * 3) setTimeout(() => attempt(index + 1, tries + 1), 5);
          else outgoing.writeHead(502).end(error.code ?? 'error');
        });
        forwarded.end(body);
      };
      attempt(next++, 0);
    });
  });
  const stop = () => {
    stopPolling();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port, stop })));
}

describe.skipIf(testDatabaseKind !== 'postgres')('N3 rolling restart on postgres', () => {
  let database: TestDatabase;
  let dataDir: string;
  const instances: ServingInstance[] = [];
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    dataDir = mkdtempSync(join(tmpdir(), 'tessera-restart-'));
  });
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.shutdown()));
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('N3 restarting one of two instances under steady sign-in load fails no request', { timeout: 120_000 }, async () => {
    const upstreams: Upstream[] = [
      { port: await findFreePort(), served: 0, inFlight: 0, ready: true },
      { port: await findFreePort(), served: 0, inFlight: 0, ready: true },
    ];
    const secretKey = randomBytes(32).toString('base64');
    const configFor = (upstream: Upstream) =>
      readConfig({ DATABASE_URL: database.url, TESSERA_SECRET_KEY: secretKey, TESSERA_DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(upstream.port), PUBLIC_URL: 'http://tessera.test', LOG_LEVEL: 'silent', NODE_ENV: 'test', SHUTDOWN_DRAIN_SECONDS: '1' });
    const start = async (upstream: Upstream) => {
      const instance = await startInstance(configFor(upstream), quiet);
      instances.push(instance);
      return instance;
    };
    const first = await start(upstreams[0]!);
    await start(upstreams[1]!);
    const balancer = await startLoadBalancer(upstreams);
    const base = `http://127.0.0.1:${balancer.port}`;

    const emails: string[] = [];
    for (let i = 0; i < loadLoops; i++) {
      const email = `member${i}@restart.example`;
      const signup = await fetch(`${base}/api/v1/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ organization: `Restart ${i}`, name: `Member ${i}`, email, password }) });
      expect(signup.status).toBe(201);
      emails.push(email);
    }

    const failures: string[] = [];
    let completed = 0;
    let running = true;
    const loop = async (email: string) => {
      while (running) {
        try {
          const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
          if (login.status !== 200) failures.push(`login ${login.status} ${await login.text()}`);
          const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
          const session = await fetch(`${base}/api/v1/session`, { headers: { cookie } });
          if (session.status !== 200) failures.push(`session ${session.status} ${await session.text()}`);
          completed++;
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const load = emails.map((email) => loop(email));

    await new Promise((resolve) => setTimeout(resolve, 1500));
    // Stop the first instance while it is answering requests.
    while (upstreams[0]!.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    const servedBeforeRestart = upstreams[0]!.served;
    await first.shutdown();
    instances.splice(instances.indexOf(first), 1);
    const servedWhileDown = upstreams[1]!.served;
    await start(upstreams[0]!);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    running = false;
    await Promise.all(load);
    await balancer.stop();

    expect(failures).toEqual([]);
    expect(completed).toBeGreaterThan(loadLoops);
    expect(servedBeforeRestart).toBeGreaterThan(0);
    expect(upstreams[0]!.served).toBeGreaterThan(servedBeforeRestart); // the restarted instance serves again
    expect(upstreams[1]!.served).toBeGreaterThan(0);
    expect(servedWhileDown).toBeGreaterThan(0);
  });
});

describe(`N3 draining before the listener closes on ${testDatabaseKind}`, () => {
  let database: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'tessera-drain-'));
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('N3 with SHUTDOWN_DRAIN_SECONDS readiness fails at once while requests are still served; then the listener closes', { timeout: 30_000 }, async () => {
    const port = await findFreePort();
    const config = readConfig({ DATABASE_URL: database.url, TESSERA_SECRET_KEY: randomBytes(32).toString('base64'), TESSERA_DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: 'http://tessera.test', LOG_LEVEL: 'silent', NODE_ENV: 'test', SHUTDOWN_DRAIN_SECONDS: '1' });
    const instance = await startInstance(config, quiet);
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    const startedAt = Date.now();
    const stopped = instance.shutdown();
    const ready = await fetch(`${base}/readyz`, { headers: { connection: 'close' } });
    expect(ready.status).toBe(503);
    const signUp = await fetch(`${base}/api/v1/signup`, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' }, body: JSON.stringify({ organization: 'Drain', name: 'Drain', email: 'drain@drain.example', password }) });
    expect(signUp.status).toBe(201);
    expect(Date.now() - startedAt).toBeLessThan(1000);

    await stopped;
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1000);
    await expect(fetch(`${base}/livez`)).rejects.toThrow();
  });
});
