// What every benchmark part shares: free ports, starting and stopping servers, autocannon runs
// reduced to one row, plain HTTP requests on a chosen agent, percentiles.
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const quick = process.env.BENCH_QUICK === '1';
export const durationInSeconds = Number(process.env.BENCH_SECONDS ?? (quick ? 3 : 10));
export const connections = 32;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function waitFor(url: string, attempts = 150): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up`);
}

export function startNode(args: string[], options: { cwd?: string; env: Record<string, string> }): ChildProcess {
  return spawn(process.execPath, args, { cwd: options.cwd ?? root, env: { ...process.env, ...options.env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

export async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export interface Row {
  scenario: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Answers other than the scenario's expected status, errors and timeouts included. */
  unexpected: number;
  total: number;
}

export async function measure(scenario: string, options: autocannon.Options, expectedStatus = 200): Promise<Row> {
  const result = await autocannon({ connections, duration: durationInSeconds, ...options });
  const expected = result.statusCodeStats?.[String(expectedStatus) as keyof typeof result.statusCodeStats]?.count ?? 0;
  const unexpected = result.requests.total - expected + result.errors + result.timeouts;
  // With `amount`, a run ends early: the average over the seconds it lasted.
  const requestsPerSecond = options.amount ? Math.round((result.requests.total / (result.duration || 1)) ) : Math.round(result.requests.average);
  const row = { scenario, requestsPerSecond, p50: result.latency.p50, p99: result.latency.p99, unexpected: Math.max(0, unexpected), total: result.requests.total };
  process.stderr.write(`  ${scenario}: ${row.requestsPerSecond}/s p50 ${row.p50} p99 ${row.p99} (${row.unexpected} unexpected of ${row.total})\n`);
  return row;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request on the given agent (keep-alive, its own connection pool). */
export function send(agent: Agent, method: string, url: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, agent, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** The `name=value` part of a Set-Cookie header for one cookie, or undefined. */
export function cookieFrom(answer: Answer, name: string): string | undefined {
  const all = answer.headers['set-cookie'];
  const list = Array.isArray(all) ? all : all ? [all] : [];
  return list.map((c) => c.split(';')[0]!).find((c) => c.startsWith(`${name}=`) && c.length > name.length + 1);
}

export function percentile(sortedAscending: number[], fraction: number): number {
  if (sortedAscending.length === 0) return 0;
  const index = Math.min(sortedAscending.length - 1, Math.ceil(fraction * sortedAscending.length) - 1);
  return sortedAscending[Math.max(0, index)]!;
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
