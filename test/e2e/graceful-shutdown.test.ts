// N3 with the real process: SIGTERM lets the requests in flight finish with their answers, then
// the server exits 0.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './support/server.js';

/** A request on a connection of its own; resolves `sent` once the whole request is on the wire. */
function send(url: string, method: string, body?: string): { sent: Promise<void>; answer: Promise<number> } {
  let markSent!: () => void;
  const sent = new Promise<void>((resolve) => (markSent = resolve));
  const answer = new Promise<number>((resolve, reject) => {
    const outgoing = request(url, { method, agent: false, headers: body === undefined ? {} : { 'content-type': 'application/json' } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    outgoing.on('error', reject);
    outgoing.on('finish', markSent);
    outgoing.end(body);
  });
  return { sent, answer };
}

describe('N3 graceful shutdown of `tessera serve`', () => {
  let server: RunningServer;
  beforeAll(async () => {
    // A cut-off far beyond the test's patience: exiting in time proves the close did not wait for it.
    server = await startServer({ env: { SHUTDOWN_TIMEOUT_SECONDS: '90' } });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('answers every request it accepted before SIGTERM, then exits 0', async (context) => {
    const child = server.process;
    if (!child) return context.skip();
    let exitedAt = 0;
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => {
        exitedAt = Date.now();
        resolve(code);
      }),
    );
    // Eight password checks (argon2id) in flight at once, each on its own connection.
    const inFlight = Array.from({ length: 8 }, (_, i) => send(`${server.baseUrl}/api/v1/auth/login`, 'POST', JSON.stringify({ email: `nobody${i}@shutdown.example`, password: 'not the password at all' })));
    await Promise.all(inFlight.map((r) => r.sent));
    // The kernel hands connections over in the order they came: once a later connection is
    // answered, the server holds all eight (one the server never accepted is reset when the
    // listener closes, as with any server; that is not what this test is about).
    expect(await send(`${server.baseUrl}/livez`, 'GET').answer).toBe(200);
    child.kill('SIGTERM');
    const answers = await Promise.all(inFlight.map((r) => r.answer));
    const answeredAt = Date.now();
    expect(answers).toEqual(Array(8).fill(401));
    expect(await exited).toBe(0);
    // The answered keep-alive connections close at once (not after their 72-second idle timeout).
    expect(exitedAt - answeredAt).toBeLessThan(20_000);
    expect(server.output()).toContain('Tessera stopped');
    expect(server.output()).not.toContain('shutdown timeout');
    await expect(fetch(`${server.baseUrl}/livez`)).rejects.toThrow();
  });
});
