// `npm run bench`: autocannon against a real Tessera server (SQLite in a temporary folder) and a
// bare Fastify route, one after the other on this machine. Prints a Markdown table.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

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
  p99: number;
  non2xx: number;
}

async function measure(scenario: string, options: autocannon.Options): Promise<Row> {
  const result = await autocannon({ connections, duration: durationInSeconds, ...options });
  return { scenario, requestsPerSecond: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx + result.errors };
}

function rssInMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kilobytes / 1024);
}

const dataDir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
const barePort = await freePort();
const tesseraPort = await freePort();
const bare = start(['dist/bench/bare-server.js'], { PORT: String(barePort) });
const tessera = start(['bin/tessera.js', 'serve'], {
  PORT: String(tesseraPort),
  HOST: '127.0.0.1',
  PUBLIC_URL: `http://127.0.0.1:${tesseraPort}`,
  DATABASE_URL: join(dataDir, 'tessera.db'),
  TESSERA_DATA_DIR: dataDir,
  NODE_ENV: 'production',
  TESSERA_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
  LOG_LEVEL: 'warn',
});

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

  const rows: Row[] = [];
  rows.push(await measure('bare Fastify `GET /`', { url: `http://127.0.0.1:${barePort}/` }));
  rows.push(await measure('`GET /api/v1/session` (complete session)', { url: `${base}/api/v1/session`, headers: { cookie } }));
  rows.push(await measure('`GET /healthz`', { url: `${base}/healthz` }));
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

  const bareFigure = rows[0]!.requestsPerSecond;
  console.log(`Node ${process.version}, ${durationInSeconds} s per scenario, ${connections} connections unless noted (8 for the login pair).\n`);
  console.log('| scenario | requests/s | vs bare | p50 ms | p99 ms | non-2xx |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    console.log(`| ${row.scenario} | ${row.requestsPerSecond} | ${Math.round((row.requestsPerSecond / bareFigure) * 100)}% | ${row.p50} | ${row.p99} | ${row.non2xx} |`);
  }
  console.log(`\nTessera server RSS after the run: ${rssInMegabytes(tessera.pid!)} MB`);
} finally {
  bare.kill();
  tessera.kill();
  rmSync(dataDir, { recursive: true, force: true });
}
