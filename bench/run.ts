// `npm run bench`: autocannon against a real Tessera server (SQLite in a temporary folder) and a
// bare Fastify route, one after the other on this machine. Prints a Markdown table.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { generateTotp } from '../src/core/totp.js';
import { nodeHmac } from '../src/security/hmac.js';
import { createArgon2Hasher } from '../src/security/passwords.js';
import { seedMembersMidSignIn, type SeededSignIn } from './seed-two-factor.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const durationInSeconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = 32;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up`);
}

function start(command: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, command, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

interface Row {
  scenario: string;
  requestsPerSecond: number;
  p50: number;
  p97_5: number;
  p99: number;
  /** Answers other than the scenario's expected status, errors and timeouts included. */
  unexpected: number;
}

async function measure(scenario: string, options: autocannon.Options, expectedStatus = 200): Promise<Row> {
  const result = await autocannon({ connections, duration: durationInSeconds, ...options });
  const expected = result.statusCodeStats?.[String(expectedStatus) as keyof typeof result.statusCodeStats]?.count ?? 0;
  const unexpected = result.requests.total - expected + result.errors + result.timeouts;
  return { scenario, requestsPerSecond: Math.round(result.requests.average), p50: result.latency.p50, p97_5: result.latency.p97_5, p99: result.latency.p99, unexpected: Math.max(0, unexpected) };
}

/** Each request completes a different seeded member's challenge with a code for this moment. */
function secondSteps(signIns: SeededSignIn[], codeFor: (secret: Uint8Array) => string, attemptsPerMember: number): autocannon.Request[] {
  let next = 0;
  return [
    {
      method: 'POST',
      path: '/api/v1/auth/two-factor',
      setupRequest: (request) => {
        const member = signIns[Math.floor(next / attemptsPerMember) % signIns.length]!;
        next++;
        return { ...request, headers: { 'content-type': 'application/json', cookie: `tessera_challenge=${member.challengeToken}` }, body: JSON.stringify({ code: codeFor(member.secret) }) };
      },
    },
  ];
}

const currentCode = (secret: Uint8Array) => generateTotp(nodeHmac, secret, Date.now());
// A well-formed code that is certainly not the current one (nor, in practice, a neighbour).
const wrongCode = (secret: Uint8Array) => String((Number(currentCode(secret)) + 500_000) % 1_000_000).padStart(6, '0');

function rssInMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kilobytes / 1024);
}

/** Runs `tessera dev seed` against a database and signs in as its administrator. */
async function seedGrid(base: string, env: Record<string, string>): Promise<string> {
  const adminEmail = `grid-admin-${Date.now()}@bench.example`;
  execFileSync(process.execPath, ['bin/tessera.js', 'dev', 'seed', '--members', String(gridMembers), '--admin-email', adminEmail], {
    cwd: root,
    env: { ...process.env, ...env, NODE_ENV: 'development', TESSERA_ADMIN_PASSWORD: 'benchmark passphrase' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: adminEmail, password: 'benchmark passphrase' }) });
  if (!login.ok) throw new Error(`grid administrator could not sign in: ${login.status}`);
  return (login.headers.get('set-cookie') ?? '').split(';')[0]!;
}

/** M1 at 100,000 members: what an administrator does with the grid, a few at a time. */
async function measureGrid(database: string, base: string, cookie: string): Promise<Row[]> {
  const queries: Array<[string, string]> = [
    ['list, first page', ''],
    ['list sorted by name', '?sort=name'],
    ['filter: 2FA off and required', '?twoFactor=off&required=true'],
    ['filter: 2FA on, sorted by last sign-in', '?twoFactor=on&sort=lastLogin'],
    ['search: a common name', '?q=lovelace'],
    ['search: no match', '?q=nobody-at-all'],
  ];
  const rows: Row[] = [];
  for (const [label, query] of queries) {
    rows.push(await measure(`users grid (${database}, ${gridMembers.toLocaleString('en')} members): ${label}`, { url: `${base}/api/v1/organization/users${query}`, headers: { cookie }, connections: gridConnections }));
  }
  return rows;
}

function postgresAvailable(): boolean {
  try {
    execFileSync('pg_isready', ['-q', '-h', '127.0.0.1', '-p', '5432']);
    return process.env.BENCH_POSTGRES !== '0';
  } catch {
    return false;
  }
}

function psql(command: string): void {
  execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-qc', command], { stdio: ['ignore', 'ignore', 'inherit'] });
}

const gridMembers = Number(process.env.BENCH_GRID_MEMBERS ?? 100_000);
// One administrator at a time: the latency one person sees. SQLite answers one query at a time,
// so more connections only queue behind each other.
const gridConnections = 1;
const dataDir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
const databaseUrl = join(dataDir, 'tessera.db');
const serverKeyBase64 = Buffer.alloc(32, 7).toString('base64');
const barePort = await freePort();
const tesseraPort = await freePort();
const bare = start(['dist/bench/bare-server.js'], { PORT: String(barePort) });
const serverEnv = (port: number, database: string) => ({
  PORT: String(port),
  HOST: '127.0.0.1',
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  DATABASE_URL: database,
  TESSERA_DATA_DIR: dataDir,
  NODE_ENV: 'production',
  TESSERA_SECRET_KEY: serverKeyBase64,
  LOG_LEVEL: 'warn',
  // As `npm start` runs it: glibc keeps one malloc arena per thread otherwise, and each of the
  // thread pool's arenas holds on to the 19 MiB of an argon2id hash long after it is freed.
  MALLOC_ARENA_MAX: '2',
  // Also as `npm start`: a fixed threshold (glibc's default, 128 KiB) stops glibc from raising it
  // to 19 MiB after the first argon2id hash, so each hash's memory is mapped and handed back
  // rather than kept in the heap (about 90 MB less RSS after a burst of sign-ins; the page faults
  // make a password check a few milliseconds slower).
  MALLOC_MMAP_THRESHOLD_: '131072',
});
// As `npm start` runs it: V8's young generation capped at 4 MiB per semi-space (16 by default),
// which keeps the heap's high-water mark after bursts of sign-ins about 50 MB lower (RSS target).
const serveCommand = ['--max-semi-space-size=4', 'bin/tessera.js', 'serve'];
const tessera = start(serveCommand, serverEnv(tesseraPort, databaseUrl));

try {
  await waitFor(`http://127.0.0.1:${barePort}/`);
  await waitFor(`http://127.0.0.1:${tesseraPort}/healthz`);
  const base = `http://127.0.0.1:${tesseraPort}`;
  const password = 'benchmark passphrase';
  const signup = await fetch(`${base}/api/v1/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ organization: 'Bench', name: 'Bench', email: 'bench@example.com', password }),
  });
  const cookie = (signup.headers.get('set-cookie') ?? '').split(';')[0]!;

  // Enough members that no valid code is ever a replay, and no member reaches the L3 lock
  // (10 wrong codes) during the wrong-code run: far more than this machine can serve.
  const passwordHash = await createArgon2Hasher().hash(password);
  const validSignIns = await seedMembersMidSignIn({ databaseUrl, serverKeyBase64, passwordHash, count: 8_000 * durationInSeconds, label: 'valid' });
  const wrongCodesPerMember = 9;
  const guessedSignIns = await seedMembersMidSignIn({ databaseUrl, serverKeyBase64, passwordHash, count: Math.ceil((10_000 * durationInSeconds) / wrongCodesPerMember), label: 'wrong' });

  const rows: Row[] = [];
  rows.push(await measure('bare Fastify `GET /`', { url: `http://127.0.0.1:${barePort}/` }));
  const rssLog = (stage: string) => process.stderr.write(`RSS ${stage}: ${rssInMegabytes(tessera.pid!)} MB\n`);
  rssLog('after seeding');
  rows.push(await measure('`GET /api/v1/session` (complete session)', { url: `${base}/api/v1/session`, headers: { cookie } }));
  // O8: the check a reverse proxy makes on every request of a protected application.
  rows.push(await measure('`GET /api/v1/auth/verify` (complete session)', { url: `${base}/api/v1/auth/verify`, headers: { cookie } }));
  rows.push(await measure('`GET /healthz`', { url: `${base}/healthz` }));
  rssLog('after session and healthz');
  rows.push(await measure('`POST /api/v1/auth/two-factor`, valid code (each completes a fresh challenge)', { url: base, requests: secondSteps(validSignIns, currentCode, 1) }));
  rows.push(await measure('`POST /api/v1/auth/two-factor`, wrong code (400 invalid_code)', { url: base, requests: secondSteps(guessedSignIns, wrongCode, wrongCodesPerMember) }, 400));
  rssLog('after second steps');
  // The password step is bounded by argon2id on purpose; measure it while /healthz is being
  // served, to show the hashing does not block the event loop.
  const [login, healthDuringLogin] = await Promise.all([
    measure('`POST /api/v1/auth/login` (argon2id, correct password)', {
      url: `${base}/api/v1/auth/login`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench@example.com', password }),
      connections: 8,
    }),
    measure('`GET /healthz` during the logins above', { url: `${base}/healthz`, connections: 8 }),
  ]);
  rows.push(login, healthDuringLogin);
  rssLog('after logins');

  rows.push(...(await measureGrid('SQLite', base, await seedGrid(base, serverEnv(tesseraPort, databaseUrl)))));
  const rssAfterSqlite = rssInMegabytes(tessera.pid!);

  if (postgresAvailable()) {
    const databaseName = `tessera_bench_${Date.now()}`;
    psql(`create database ${databaseName}`);
    const postgresPort = await freePort();
    const postgresUrl = `postgres://postgres@127.0.0.1:5432/${databaseName}`;
    const onPostgres = start(serveCommand, serverEnv(postgresPort, postgresUrl));
    try {
      const postgresBase = `http://127.0.0.1:${postgresPort}`;
      await waitFor(`${postgresBase}/healthz`);
      rows.push(...(await measureGrid('PostgreSQL', postgresBase, await seedGrid(postgresBase, serverEnv(postgresPort, postgresUrl)))));
    } finally {
      onPostgres.kill();
      await new Promise((resolve) => onPostgres.once('exit', resolve));
      psql(`drop database if exists ${databaseName}`);
    }
  }

  const bareFigure = rows[0]!.requestsPerSecond;
  console.log(`Node ${process.version}, ${durationInSeconds} s per scenario, ${connections} connections unless noted (8 for the login pair, ${gridConnections} for the users grid).\n`);
  console.log('| scenario | requests/s | vs bare | p50 ms | p97.5 ms | p99 ms | unexpected answers |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    console.log(`| ${row.scenario} | ${row.requestsPerSecond} | ${Math.round((row.requestsPerSecond / bareFigure) * 100)}% | ${row.p50} | ${row.p97_5} | ${row.p99} | ${row.unexpected} |`);
  }
  console.log(`\nSQLite server RSS after its scenarios (${gridMembers.toLocaleString('en')} grid members plus the sign-in members): ${rssAfterSqlite} MB`);
} finally {
  bare.kill();
  tessera.kill();
  rmSync(dataDir, { recursive: true, force: true });
}
