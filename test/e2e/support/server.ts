// Starts the real Tessera server (`node bin/tessera.js serve`) on a free loopback port with a
// fresh SQLite database, for end-to-end tests. Call stop() in afterAll.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));
const startupTimeoutInMs = 30_000;
const stopTimeoutInMs = 5_000;

export interface RunningServer {
  baseUrl: string;
  dataDir: string;
  /** Everything the server wrote so far, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
  /** The server's process (absent when TESSERA_E2E_BASE_URL points at one already running). */
  process?: ChildProcess;
}

/**
 * Starts a server of its own, or, when TESSERA_E2E_BASE_URL is set, uses the one already running
 * there (handy while debugging the UI against `npm run dev:web`); stop() then leaves it alone.
 */
/**
 * `publicHost`: the host people use (PUBLIC_URL and the returned baseUrl); the server still
 * listens on 127.0.0.1. WebAuthn needs a domain as relying party id, not an address: `localhost`.
 */
export async function startServer(options: { env?: Record<string, string>; publicHost?: 'localhost' } = {}): Promise<RunningServer> {
  const existing = process.env.TESSERA_E2E_BASE_URL;
  if (existing) return { baseUrl: existing.replace(/\/+$/, ''), dataDir: '', output: () => '', stop: async () => {} };

  const port = await findFreePort();
  const listenUrl = `http://127.0.0.1:${port}`;
  const baseUrl = `http://${options.publicHost ?? '127.0.0.1'}:${port}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-e2e-'));
  // The browser tests read the development mailbox and outbox, own their throttling counters and
  // use the development key: these come from the options only, never from the environment.
  const { SMTP_URL: _smtp, SMS_PROVIDER: _sms, REDIS_URL: _redis, TESSERA_SECRET_KEY: _key, DEV_MAILBOX: _mailbox, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: baseUrl,
    DATABASE_URL: join(dataDir, 'tessera.db'),
    TESSERA_DATA_DIR: dataDir,
    NODE_ENV: 'test',
    ...options.env,
  };

  const child = spawn(process.execPath, ['bin/tessera.js', 'serve'], { cwd: repositoryRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));

  const stop = async () => {
    await stopProcess(child);
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    await waitForHealth(listenUrl, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, dataDir, output: () => output, stop, process: child };
}

/** Asks the kernel for a free port on 127.0.0.1, then releases it for the server to take. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      if (address === null || typeof address === 'string') {
        probe.close();
        reject(new Error('Could not read the probe port.'));
        return;
      }
      probe.close(() => resolve(address.port));
    });
  });
}

async function waitForHealth(baseUrl: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + startupTimeoutInMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output()}`);
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await delay(200);
  }
  throw new Error(`The server did not answer /healthz within ${startupTimeoutInMs / 1000} s:\n${output()}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutInMs);
  await exited;
  clearTimeout(timer);
}

function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
