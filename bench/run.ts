// `npm run bench`: Tessera, Better Auth (the peer, ../shared/peers/better-auth) and a bare Fastify
// route, driven by autocannon from this machine in one run, each scenario on both systems one
// right after the other. Then the token endpoint, a sign-in storm on SQLite and PostgreSQL, and the
// users grid at 100,000 members on both databases. Prints Markdown tables (progress on stderr).
//
// BENCH_SECONDS (default 10) per scenario, BENCH_QUICK=1 for a short run (3 s, smaller seeds),
// BENCH_POSTGRES=0 skips PostgreSQL, BENCH_GRID_MEMBERS (default 100,000), BENCH_STORM_MEMBERS
// (default 2,000), BENCH_PEER_DIR (default ../shared/peers/better-auth).
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type autocannon from 'autocannon';
import { generateTotp } from '../src/core/totp.js';
import { nodeHmac } from '../src/security/hmac.js';
import { createArgon2Hasher } from '../src/security/passwords.js';
import { connections, cookieFrom, durationInSeconds, freePort, measure, quick, root, send, startNode, stop, waitFor, type Row } from './measure.js';
import { installPeer, seedPeer, startPeer, stopPeer, type Peer, type PeerSignIn } from './peer.js';
import { seedMembersMidSignIn, type SeededSignIn } from './seed-two-factor.js';
import { signInStorm, type StormResult } from './storm.js';
import { measureCodeExchanges } from './token-endpoint.js';

const gridMembers = Number(process.env.BENCH_GRID_MEMBERS ?? (quick ? 10_000 : 100_000));
const stormMembers = Number(process.env.BENCH_STORM_MEMBERS ?? (quick ? 300 : 2_000));
// One administrator at a time: the latency one person sees. SQLite answers one query at a time,
// so more connections only queue behind each other.
const gridConnections = 1;
const loginConnections = 8;
const sessionRounds = 3;
// The password steps of both systems are slow (a hash each): never measured for less than 10 s.
const loginSeconds = Math.max(10, durationInSeconds);

/** The round with the median request rate. */
function median(rows: Row[]): Row {
  return [...rows].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(rows.length / 2)]!;
}
// Both systems allow 10 failures in a row per member (Tessera's L3, Better Auth's account lockout)
// and Better Auth 5 per challenge: 4 wrong codes per member keep every answer a plain refusal.
const wrongCodesPerMember = 4;
const password = 'benchmark passphrase';
const serverKeyBase64 = Buffer.alloc(32, 7).toString('base64');

const currentCode = (secret: Uint8Array) => generateTotp(nodeHmac, secret, Date.now());
// A well-formed code that is certainly not the current one (nor, in practice, a neighbour).
const wrongCode = (secret: Uint8Array) => String((Number(currentCode(secret)) + 500_000) % 1_000_000).padStart(6, '0');

function rssInMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

function postgresAvailable(): boolean {
  if (process.env.BENCH_POSTGRES === '0') return false;
  try {
    execFileSync('pg_isready', ['-q', '-h', '127.0.0.1', '-p', '5432']);
    return true;
  } catch {
    return false;
  }
}

function psql(command: string): void {
  execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-qc', command], { stdio: ['ignore', 'ignore', 'inherit'] });
}

const dataDir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
const serverEnv = (port: number, database: string): Record<string, string> => ({
  PORT: String(port),
  HOST: '127.0.0.1',
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  DATABASE_URL: database,
  TESSERA_DATA_DIR: dataDir,
  NODE_ENV: 'production',
  TESSERA_SECRET_KEY: serverKeyBase64,
  LOG_LEVEL: 'warn',
  // The storm's members and the password step come from many client addresses, as in real life
  // (G2 counts sign-ins per address): the bench is the trusted proxy that names them.
  TRUST_PROXY: '127.0.0.1',
  // As `npm start` runs it (see BENCHMARKS.md).
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '131072',
});
// As `npm start` runs it: V8's young generation capped at 4 MiB per semi-space, and its old
// generation let grow to 1.5 times what the last full collection kept (V8 picks up to 4 times,
// which a run of big pages such as the users grid turned into 100 MB of garbage).
const serveCommand = ['--max-semi-space-size=4', '--heap-growing-percent=50', 'bin/tessera.js', 'serve'];

let addressCounter = 0;
const nextAddress = () => {
  addressCounter++;
  return `10.200.${Math.floor(addressCounter / 250) % 250}.${(addressCounter % 250) + 1}`;
};

/** Each request completes a different seeded member's challenge (Tessera). */
function tesseraSecondSteps(signIns: SeededSignIn[], codeFor: (secret: Uint8Array) => string, attemptsPerMember: number): autocannon.Request[] {
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

/** The same for Better Auth's `verify-totp`. */
function peerSecondSteps(peer: Peer, signIns: PeerSignIn[], codeFor: (secret: Uint8Array) => string, attemptsPerMember: number): autocannon.Request[] {
  let next = 0;
  return [
    {
      method: 'POST',
      path: '/api/auth/two-factor/verify-totp',
      setupRequest: (request) => {
        const member = signIns[Math.floor(next / attemptsPerMember) % signIns.length]!;
        next++;
        return { ...request, headers: { 'content-type': 'application/json', origin: peer.origin, cookie: member.challengeCookie }, body: JSON.stringify({ code: codeFor(member.secret) }) };
      },
    },
  ];
}

function passwordSteps(path: string, emails: string[], headers: () => Record<string, string>): autocannon.Request[] {
  let next = 0;
  return [
    {
      method: 'POST',
      path,
      setupRequest: (request) => ({ ...request, headers: { 'content-type': 'application/json', ...headers() }, body: JSON.stringify({ email: emails[next++ % emails.length], password }) }),
    },
  ];
}

/** Signs a seeded member in for real (its challenge and a valid code): the session cookie it gets. */
async function tesseraSessionCookie(base: string, member: SeededSignIn): Promise<string> {
  const agent = new Agent({ keepAlive: false });
  const answer = await send(agent, 'POST', `${base}/api/v1/auth/two-factor`, { 'content-type': 'application/json', cookie: `tessera_challenge=${member.challengeToken}` }, JSON.stringify({ code: currentCode(member.secret) }));
  const cookie = cookieFrom(answer, 'tessera_session');
  if (answer.status !== 200 || !cookie) throw new Error(`Tessera second step on a seeded challenge: ${answer.status} ${answer.body}`);
  const check = await send(agent, 'GET', `${base}/api/v1/auth/verify`, { cookie });
  if (check.status !== 200) throw new Error(`Tessera verify with a complete session: ${check.status} ${check.body}`);
  return cookie;
}

/** Runs `tessera dev seed` against a database and signs in as its administrator. */
async function seedGrid(base: string, env: Record<string, string>): Promise<string> {
  const adminEmail = `grid-admin-${Date.now()}@bench.example`;
  execFileSync(process.execPath, ['bin/tessera.js', 'dev', 'seed', '--members', String(gridMembers), '--admin-email', adminEmail], {
    cwd: root,
    env: { ...process.env, ...env, NODE_ENV: 'development', TESSERA_ADMIN_PASSWORD: password },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': nextAddress() }, body: JSON.stringify({ email: adminEmail, password }) });
  if (!login.ok) throw new Error(`grid administrator could not sign in: ${login.status}`);
  return (login.headers.get('set-cookie') ?? '').split(';')[0]!;
}

/** M1 at 100,000 members: what an administrator does with the grid, one request at a time. */
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
    rows.push(await measure(`users grid (${database}): ${label}`, { url: `${base}/api/v1/organization/users${query}`, headers: { cookie }, connections: gridConnections }));
  }
  return rows;
}

interface Pair {
  scenario: string;
  tessera: Row;
  peer?: Row;
}

const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const children: ChildProcess[] = [];
let peer: Peer | undefined;
let peerDir: string | undefined;
const postgresDatabases: string[] = [];
let peerInstalling: Promise<unknown> | undefined;

async function main(): Promise<void> {
  const benchStarted = Date.now();
  // The peer installs while Tessera's members are seeded (no measurement runs meanwhile).
  log('installing the Better Auth peer (npm ci in a temporary folder)…');
  const peerInstalled = installPeer().then((dir) => (peerDir = dir));
  peerInstalling = peerInstalled.catch(() => undefined);

  const databaseUrl = join(dataDir, 'tessera.db');
  const barePort = await freePort();
  const tesseraPort = await freePort();
  const bare = startNode(['dist/bench/bare-server.js'], { env: { PORT: String(barePort) } });
  children.push(bare);
  const tessera = startNode(serveCommand, { env: serverEnv(tesseraPort, databaseUrl) });
  children.push(tessera);
  await waitFor(`http://127.0.0.1:${barePort}/`);
  const base = `http://127.0.0.1:${tesseraPort}`;
  await waitFor(`${base}/healthz`);

  const signup = await fetch(`${base}/api/v1/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ organization: 'Bench', name: 'Bench', email: 'bench@example.com', password }) });
  if (!signup.ok) throw new Error(`sign-up: ${signup.status} ${await signup.text()}`);
  const adminCookie = (signup.headers.get('set-cookie') ?? '').split(';')[0]!;

  log('seeding Tessera members with authenticators…');
  const passwordHash = await createArgon2Hasher().hash(password);
  const seed = (label: string, count: number, withChallenges = true) => seedMembersMidSignIn({ databaseUrl, serverKeyBase64, passwordHash, count, label, withChallenges });
  // Enough members that no valid code is ever a replay (T5): far more than this machine serves.
  const validSignIns = await seed('valid', 4_000 * durationInSeconds);
  const guessedSignIns = await seed('wrong', Math.ceil((8_000 * durationInSeconds) / wrongCodesPerMember));
  const [sessionMember] = await seed('session', 1);
  const passwordMembers = await seed('password', quick ? 500 : 2_000, false);
  const stormSqlite = await seed('storm', stormMembers, false);
  const tesseraSession = await tesseraSessionCookie(base, sessionMember!);

  await peerInstalled;
  log('starting and seeding the peer…');
  peer = await startPeer(peerDir!);
  children.push(peer.process);
  const peerSeed = await seedPeer(peer, password, [
    { label: 'session', count: 1 },
    { label: 'valid', count: 1_000 * durationInSeconds },
    { label: 'wrong', count: Math.ceil((3_000 * durationInSeconds) / wrongCodesPerMember) },
    { label: 'password', count: quick ? 500 : 2_000 },
  ]);
  const peerBase = peer.base;
  const peerJson = { 'content-type': 'application/json', origin: peer.origin };

  log('side by side…');
  const pairs: Pair[] = [];
  // The session checks and the bare route alternate in rounds (the machine's speed drifts while
  // other work runs on it); each figure is the median round.
  const roundSeconds = Math.max(2, Math.round(durationInSeconds / 2));
  const rounds = { bare: [] as Row[], session: [] as Row[], verify: [] as Row[], peerSession: [] as Row[] };
  for (let round = 1; round <= sessionRounds; round++) {
    rounds.bare.push(await measure(`bare Fastify GET / (round ${round})`, { url: `http://127.0.0.1:${barePort}/`, duration: roundSeconds }));
    rounds.session.push(await measure(`Tessera GET /api/v1/session (round ${round})`, { url: `${base}/api/v1/session`, headers: { cookie: tesseraSession }, duration: roundSeconds }));
    rounds.verify.push(await measure(`Tessera GET /api/v1/auth/verify (round ${round})`, { url: `${base}/api/v1/auth/verify`, headers: { cookie: tesseraSession }, duration: roundSeconds }));
    rounds.peerSession.push(await measure(`Better Auth GET /api/auth/get-session (round ${round})`, { url: `${peerBase}/api/auth/get-session`, headers: { cookie: peerSeed.sessionCookie }, duration: roundSeconds }));
  }
  const bareRow = median(rounds.bare);
  pairs.push({ scenario: 'session check (Tessera `GET /api/v1/session`; Better Auth `GET /api/auth/get-session`)', tessera: median(rounds.session), peer: median(rounds.peerSession) });
  pairs.push({ scenario: 'reverse-proxy check `GET /api/v1/auth/verify` (O8; the peer has no such route: its get-session)', tessera: median(rounds.verify), peer: median(rounds.peerSession) });
  pairs.push({ scenario: 'health probe `GET /healthz` (Better Auth: `GET /api/auth/ok`)', tessera: await measure('Tessera GET /healthz', { url: `${base}/healthz` }), peer: await measure('Better Auth GET /api/auth/ok', { url: `${peerBase}/api/auth/ok` }) });
  pairs.push({
    scenario: 'second step, valid code (each completes a fresh challenge)',
    tessera: await measure('Tessera second step, valid', { url: base, requests: tesseraSecondSteps(validSignIns, currentCode, 1) }),
    peer: await measure('Better Auth second step, valid', { url: peerBase, requests: peerSecondSteps(peer, peerSeed.groups.get('valid')!, currentCode, 1) }),
  });
  pairs.push({
    scenario: `second step, wrong code (Tessera 400 invalid_code, Better Auth 401 INVALID_CODE; ${wrongCodesPerMember} per member)`,
    tessera: await measure('Tessera second step, wrong', { url: base, requests: tesseraSecondSteps(guessedSignIns, wrongCode, wrongCodesPerMember) }, 400),
    peer: await measure('Better Auth second step, wrong', { url: peerBase, requests: peerSecondSteps(peer, peerSeed.groups.get('wrong')!, wrongCode, wrongCodesPerMember) }, 401),
  });
  // The password step is bounded by each system's password hash by design; each is measured
  // while its own health route is asked, to show whether the hashing blocks the event loop.
  const [tesseraLogin, tesseraHealthDuringLogin] = await Promise.all([
    measure('Tessera password step', { url: base, requests: passwordSteps('/api/v1/auth/login', passwordMembers.map((m) => m.email), () => ({ 'x-forwarded-for': nextAddress() })), connections: loginConnections, duration: loginSeconds }),
    measure('Tessera GET /healthz during its password steps', { url: `${base}/healthz`, connections: loginConnections, duration: loginSeconds }),
  ]);
  const [peerLogin, peerHealthDuringLogin] = await Promise.all([
    measure('Better Auth password step', { url: peerBase, requests: passwordSteps('/api/auth/sign-in/email', peerSeed.groups.get('password')!.map((m) => m.email), () => ({ origin: peerJson.origin })), connections: loginConnections, duration: loginSeconds }),
    measure('Better Auth GET /api/auth/ok during its password steps', { url: `${peerBase}/api/auth/ok`, connections: loginConnections, duration: loginSeconds }),
  ]);
  pairs.push({ scenario: `password step (${loginConnections} connections; argon2id for Tessera, scrypt for Better Auth)`, tessera: tesseraLogin, peer: peerLogin });
  pairs.push({ scenario: `health route during those password steps (${loginConnections} more connections)`, tessera: tesseraHealthDuringLogin, peer: peerHealthDuringLogin });
  await stopPeer(peer, peerDir);
  peer = undefined;
  peerDir = undefined;
  const rssStages: string[] = [`${rssInMegabytes(tessera.pid!)} MB after the side-by-side scenarios`];

  log('token endpoint…');
  const tokens = await measureCodeExchanges({ base, adminCookie, wanted: quick ? 500 : 4_000, gatherSeconds: quick ? 8 : 25 });

  rssStages.push(`${rssInMegabytes(tessera.pid!)} MB after the token endpoint`);
  log(`sign-in storm on SQLite (${stormMembers} members)…`);
  const storms: StormResult[] = [await signInStorm({ database: 'SQLite', base, members: stormSqlite, password, addressBlock: 1 })];

  rssStages.push(`${rssInMegabytes(tessera.pid!)} MB after the storm`);
  log(`users grid on SQLite (${gridMembers} members)…`);
  const gridRows = await measureGrid('SQLite', base, await seedGrid(base, serverEnv(tesseraPort, databaseUrl)));
  const rssAfterSqlite = rssInMegabytes(tessera.pid!);

  if (postgresAvailable()) {
    const databaseName = `tessera_bench_${Date.now()}`;
    psql(`create database ${databaseName}`);
    postgresDatabases.push(databaseName);
    const postgresPort = await freePort();
    const postgresUrl = `postgres://postgres@127.0.0.1:5432/${databaseName}`;
    const onPostgres = startNode(serveCommand, { env: serverEnv(postgresPort, postgresUrl) });
    children.push(onPostgres);
    const postgresBase = `http://127.0.0.1:${postgresPort}`;
    await waitFor(`${postgresBase}/healthz`);
    log(`sign-in storm on PostgreSQL (${stormMembers} members)…`);
    const stormPostgres = await seedMembersMidSignIn({ databaseUrl: postgresUrl, serverKeyBase64, passwordHash, count: stormMembers, label: 'storm', withChallenges: false });
    storms.push(await signInStorm({ database: 'PostgreSQL', base: postgresBase, members: stormPostgres, password, addressBlock: 2 }));
    log(`users grid on PostgreSQL (${gridMembers} members)…`);
    gridRows.push(...(await measureGrid('PostgreSQL', postgresBase, await seedGrid(postgresBase, serverEnv(postgresPort, postgresUrl)))));
    await stop(onPostgres);
  }

  // ---- the report ----
  const bareFigure = bareRow.requestsPerSecond;
  const share = (row: Row) => `${Math.round((row.requestsPerSecond / bareFigure) * 100)}%`;
  const ratio = (pair: Pair) => (pair.peer && pair.peer.requestsPerSecond > 0 ? `${(pair.tessera.requestsPerSecond / pair.peer.requestsPerSecond).toFixed(1)}×` : '–');
  const latency = (row: Row | undefined) => (row ? `${row.p50} / ${row.p99}` : '–');
  const answers = (row: Row | undefined) => (row ? String(row.unexpected) : '–');
  const out: string[] = [];
  out.push(`Node ${process.version}, ${durationInSeconds} s per scenario, ${connections} connections unless noted; whole run ${Math.round((Date.now() - benchStarted) / 1000)} s.`);
  out.push('');
  out.push(`Bare Fastify \`GET /\`: **${bareFigure}/s** (p50 ${bareRow.p50} ms, p99 ${bareRow.p99} ms), the median of ${sessionRounds} rounds of ${roundSeconds} s alternating with the session checks (rounds: ${rounds.bare.map((r) => r.requestsPerSecond).join(', ')}/s; Tessera \`/api/v1/session\` ${rounds.session.map((r) => r.requestsPerSecond).join(', ')}/s; \`/api/v1/auth/verify\` ${rounds.verify.map((r) => r.requestsPerSecond).join(', ')}/s; Better Auth get-session ${rounds.peerSession.map((r) => r.requestsPerSecond).join(', ')}/s).`);
  out.push('');
  out.push('| scenario | Tessera req/s | Better Auth req/s | Tessera ÷ Better Auth | Tessera ÷ bare Fastify | Tessera p50 / p99 ms | Better Auth p50 / p99 ms | unexpected answers (Tessera / Better Auth) |');
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const pair of pairs) {
    out.push(`| ${pair.scenario} | ${pair.tessera.requestsPerSecond} | ${pair.peer?.requestsPerSecond ?? '–'} | ${ratio(pair)} | ${share(pair.tessera)} | ${latency(pair.tessera)} | ${latency(pair.peer)} | ${answers(pair.tessera)} / ${answers(pair.peer)} |`);
  }
  out.push('');
  out.push(`Token endpoint: ${tokens.row.requestsPerSecond} code exchanges/s (${tokens.row.total} codes, p50 ${tokens.row.p50} ms, p99 ${tokens.row.p99} ms, ${tokens.row.unexpected} unexpected answers); the codes were obtained through the authorization flow at ${tokens.gatherPerSecond}/s.`);
  out.push('');
  out.push('| sign-in storm | members | signed in | total s | password step p50 / p99 ms (first try to answer) | 503 busy answers, retried | connection resets, retried | second step p50 / p99 ms | `/healthz` during it: answers, p50 / p99 / max ms | failures |');
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const s of storms) {
    out.push(`| ${s.database} | ${s.members} | ${s.signedIn} | ${s.totalSeconds} | ${s.passwordStep.p50} / ${s.passwordStep.p99} | ${s.busyAnswers} | ${s.connectionResets} | ${s.secondStep.p50} / ${s.secondStep.p99} | ${s.health.count}, ${s.health.p50} / ${s.health.p99} / ${s.health.max} | ${s.failures.join('; ') || 'none'} |`);
  }
  out.push('');
  out.push(`| users grid, ${gridMembers.toLocaleString('en')} members, ${gridConnections} connection | requests/s | p50 ms | p99 ms | unexpected answers |`);
  out.push('|---|---:|---:|---:|---:|');
  for (const row of gridRows) out.push(`| ${row.scenario} | ${row.requestsPerSecond} | ${row.p50} | ${row.p99} | ${row.unexpected} |`);
  out.push('');
  out.push(`Tessera (SQLite) server RSS after all its scenarios: ${rssAfterSqlite} MB (${rssStages.join(', ')}).`);
  console.log(out.join('\n'));
}

try {
  await main();
} finally {
  for (const child of children.reverse()) await stop(child);
  await peerInstalling;
  await stopPeer(peer, peerDir);
  for (const name of postgresDatabases) {
    try {
      psql(`drop database if exists ${name} with (force)`);
    } catch {
      // reported by psql on stderr
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
}
