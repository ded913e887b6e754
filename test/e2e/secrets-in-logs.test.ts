// N4: the real server's log, at its most talkative level, holds no secret it handled: walk through
// sign-up, an authenticator, a recovery code, a texted code and an API key over HTTP, then search
// every line for each secret seen. Every line is JSON, and a request's lines carry its id.
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMailbox, waitForLink, waitForTextedCode } from './support/mailbox.js';
import { startServer, type RunningServer } from './support/server.js';

const password = 'a log must never hold this passphrase';
const phone = { typed: '+41 79 555 12 34', e164: '+41795551234', national: '795551234' };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the answers of many routes, read field by field
type JsonAnswer = any;

/** A client with a cookie jar over fetch; remembers every cookie value it was given. */
class Client {
  readonly cookies = new Map<string, string>();
  readonly cookieValuesSeen = new Set<string>();
  constructor(private readonly baseUrl: string) {}
  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: JsonAnswer; requestId: string | null }> {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = pair!.split('=') as [string, string];
      if (value) {
        this.cookies.set(name, value);
        this.cookieValuesSeen.add(value);
      } else this.cookies.delete(name);
    }
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined, requestId: response.headers.get('x-request-id') };
  }
}

/**
 * Every line written while the server serves a request carries that request's id. A line is
 * "while serving" when it falls between the request's `incoming request` line and its `request
 * completed` line, which Fastify writes at LOG_LEVEL debug and trace with the request's id. This
 * test's client sends one request at a time, so those spans never overlap; the lines outside
 * every span (start-up, background jobs, mail delivered after the answer) are exempt.
 */
function expectEveryLineOfARequestToCarryItsId(entries: ReadonlyArray<Record<string, unknown>>): void {
  let open: string | undefined;
  let spans = 0;
  let linesInSpans = 0;
  for (const entry of entries) {
    const line = JSON.stringify(entry);
    if (entry.msg === 'incoming request') {
      expect(open, `a request began while ${open} was still being served: ${line}`).toBeUndefined();
      expect(entry.requestId, line).toEqual(expect.any(String));
      open = entry.requestId as string;
      spans++;
      continue;
    }
    if (open === undefined) continue;
    expect(entry.requestId, `a line logged while serving ${open} without its id: ${line}`).toBe(open);
    if (entry.msg === 'request completed') open = undefined;
    else linesInSpans++;
  }
  expect(spans).toBeGreaterThan(20);
  // Not only the begin and end lines: the services log while serving (mail, texts, failures).
  expect(linesInSpans).toBeGreaterThan(0);
}

describe('N4 logs', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ env: { LOG_LEVEL: 'trace' } });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('X-Request-Id: a well-formed one is kept and returned, anything else replaced by a fresh id', async () => {
    const client = new Client(server.baseUrl);
    expect((await client.call('GET', '/api/v1/session', undefined, { 'x-request-id': 'proxy-abc.123' })).requestId).toBe('proxy-abc.123');
    const replaced = (await client.call('GET', '/api/v1/session', undefined, { 'x-request-id': 'bad id\twith "quotes"' })).requestId;
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    const fresh = (await client.call('GET', '/livez')).requestId;
    expect(fresh).toMatch(/^[0-9a-f-]{36}$/);
    expect((await client.call('GET', '/livez')).requestId).not.toBe(fresh);
  });

  it('holds no password, TOTP secret, recovery code, texted code, phone number, session cookie, e-mailed token or API key', async () => {
    // The number as typed in the form (with spaces), as well as normalised.
    const secrets = new Set<string>([password, phone.typed, phone.e164, phone.national]);
    const email = 'logs@secrets.example';
    const client = new Client(server.baseUrl);
    expect((await client.call('POST', '/api/v1/signup', { organization: 'Logs', name: 'Lou', email, password })).status).toBe(201);

    const verifyLink = new URL(await waitForLink(server.baseUrl, email, '/verify-email'));
    const verifyToken = verifyLink.searchParams.get('token')!;
    secrets.add(verifyToken);
    expect((await client.call('POST', '/api/v1/auth/verify-email', { token: verifyToken })).status).toBe(204);
    // A failed attempt and an invalid token are logged paths too.
    expect((await new Client(server.baseUrl).call('POST', '/api/v1/auth/login', { email, password: `${password} but wrong` })).status).toBe(401);
    secrets.add(`${password} but wrong`);
    expect((await client.call('POST', '/api/v1/auth/verify-email', { token: `${verifyToken}x` })).status).toBe(400);

    expect((await client.call('POST', '/api/v1/auth/reauthenticate', { password })).status).toBe(204);
    const setup = await client.call('POST', '/api/v1/me/two-factor/totp');
    expect(setup.status).toBe(201);
    const secret: string = setup.json.secret.replace(/\s/g, '');
    secrets.add(secret);
    // Also as the setup page shows it for typing by hand: groups of four, separated by spaces.
    secrets.add(setup.json.secret);
    secrets.add((secret.match(/.{1,4}/g) ?? []).join(' '));
    const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
    const confirmCode = totp.generate();
    const confirmed = await client.call('POST', '/api/v1/me/two-factor/totp/confirm', { code: confirmCode });
    expect(confirmed.status).toBe(200);
    const recoveryCodes: string[] = confirmed.json.recoveryCodes;
    for (const code of recoveryCodes) {
      secrets.add(code);
      secrets.add(code.replace('-', ''));
    }

    // A sign-in with a recovery code.
    expect((await client.call('POST', '/api/v1/auth/logout')).status).toBe(204);
    expect((await client.call('POST', '/api/v1/auth/login', { email, password })).json.status).toBe('two_factor_required');
    const signedIn = await client.call('POST', '/api/v1/auth/two-factor', { code: recoveryCodes[0] });
    expect(signedIn.json?.status, JSON.stringify(signedIn.json)).toBe('signed_in');

    // A texted code.
    expect((await client.call('POST', '/api/v1/auth/reauthenticate', { password })).status).toBe(204);
    const texted = await client.call('POST', '/api/v1/me/two-factor/sms', { phoneNumber: phone.typed });
    expect(texted.status, JSON.stringify(texted.json)).toBe(201);
    const smsCode = await waitForTextedCode(server.baseUrl, phone.e164, 0);
    secrets.add(smsCode);
    expect((await client.call('POST', '/api/v1/me/two-factor/sms/confirm', { code: smsCode })).status).toBe(200);

    // An API key, used once.
    const created = await client.call('POST', '/api/v1/api-keys', { name: 'Log test', grants: ['users:read'] });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    secrets.add(created.json.key);
    expect((await fetch(`${server.baseUrl}/api/v1/organization/users`, { headers: { authorization: `Bearer ${created.json.key}` } })).status).toBe(200);
    expect((await fetch(`${server.baseUrl}/api/v1/organization/users`, { headers: { authorization: `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}` } })).status).toBe(401);

    // A password reset link.
    expect((await new Client(server.baseUrl).call('POST', '/api/v1/auth/password-reset', { email })).status).toBe(202);
    const resetToken = new URL(await waitForLink(server.baseUrl, email, '/reset-password')).searchParams.get('token')!;
    secrets.add(resetToken);
    for (const value of client.cookieValuesSeen) secrets.add(value);
    expect((await readMailbox(server.baseUrl)).length).toBeGreaterThan(0);

    const log = server.output();
    expect(log.length).toBeGreaterThan(0);
    for (const value of secrets) {
      expect(value.length, 'a secret worth searching for').toBeGreaterThanOrEqual(6);
      expect(log.includes(value), `the log holds ${value}`).toBe(false);
    }
    // JSON lines: every line the server wrote parses, and request lines carry the request id.
    const lines = log.split('\n').filter((line) => line.trim() !== '');
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requestLines = entries.filter((entry) => 'req' in entry || 'res' in entry);
    expect(requestLines.length).toBeGreaterThan(20);
    for (const entry of requestLines) expect(entry.requestId, JSON.stringify(entry)).toEqual(expect.any(String));
    expectEveryLineOfARequestToCarryItsId(entries);
  });
});
