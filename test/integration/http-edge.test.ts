// The Security floor at the HTTP edge: authentication on every contract endpoint, CSRF defence,
// security headers, the OpenAPI document, and bad input of any shape answered with a 4xx
// problem+json (never a 5xx) that changes nothing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { Agent, signUp, strongPassword } from '../support/agent.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';

const someId = '0192f2a4-0000-7000-8000-000000000000';
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

function expectProblem(response: LightMyRequestResponse, status: number | '4xx', code?: string, label = ''): void {
  const context = `${label} → ${response.statusCode} ${response.body.slice(0, 300)}`;
  if (status === '4xx') {
    expect(response.statusCode, context).toBeGreaterThanOrEqual(400);
    expect(response.statusCode, context).toBeLessThan(500);
  } else {
    expect(response.statusCode, context).toBe(status);
  }
  expect(response.headers['content-type'], context).toMatch(/^application\/problem\+json/);
  const body = response.json();
  expect(body.status, context).toBe(response.statusCode);
  expect(typeof body.title, context).toBe('string');
  expect(typeof body.detail, context).toBe('string');
  expect(body.code, context).toMatch(/^[a-z_]+$/);
  if (code) expect(body.code, context).toBe(code);
}

function expectSecurityHeaders(response: LightMyRequestResponse, label: string): void {
  const csp = String(response.headers['content-security-policy'] ?? '');
  expect(csp, label).toContain("frame-ancestors 'none'");
  // JSON answers get the strictest policy (nothing loads); pages load only their own files.
  expect(csp, label).toContain(String(response.raw.req.url).startsWith('/api/') ? "default-src 'none'" : "default-src 'self'");
  expect(response.headers['x-frame-options'], label).toBe('DENY');
  expect(response.headers['cross-origin-resource-policy'], label).toBe('same-origin');
  expect(response.headers['x-content-type-options'], label).toBe('nosniff');
  expect(response.headers['referrer-policy'], label).toBe('no-referrer');
}

/** A small seeded PRNG (mulberry32) so that a failing fuzz case reproduces from its seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

describe(`HTTP edge on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let admin: Agent;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await signUp(t.app, { organization: 'Edge', name: 'Eddie Edge', email: 'eddie@edge.example' });
  });
  afterAll(async () => {
    await t.close();
  });

  async function rowCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of ['organizations', 'users', 'sessions', 'emailTokens', 'invitations', 'auditEvents'] as const) {
      const row = await t.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      counts[table] = Number(row.n);
    }
    return counts;
  }

  function raw(method: Method, url: string, payload?: string, headers: Record<string, string> = {}, app: FastifyInstance = t.app) {
    return app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
  }

  it('A3 every contract endpoint outside /auth/, sign-up and invitations answers 401 unauthenticated without a session', async () => {
    const endpoints: Array<[Method, string, unknown?]> = [
      ['GET', '/api/v1/session'],
      ['GET', '/api/v1/me/sessions'],
      ['DELETE', `/api/v1/me/sessions/${someId}`],
      ['PATCH', '/api/v1/me', { name: 'Nobody' }],
      ['POST', '/api/v1/me/password', { currentPassword: strongPassword, newPassword: 'another long passphrase' }],
      ['GET', '/api/v1/organization'],
      ['PATCH', '/api/v1/organization', { name: 'Hijacked' }],
      ['GET', '/api/v1/organization/users'],
      ['POST', '/api/v1/organization/users', { email: 'x@edge.example', name: 'X', role: 'admin' }],
      ['GET', '/api/v1/organization/invitations'],
      ['DELETE', `/api/v1/organization/invitations/${someId}`],
      ['GET', '/api/v1/organization/audit-events'],
      ['POST', '/api/v1/auth/reauthenticate', { password: strongPassword }],
    ];
    const before = await rowCounts();
    for (const [method, url, body] of endpoints) {
      const response = await new Agent(t.app).request(method, url, body);
      expectProblem(response, 401, 'unauthenticated', `${method} ${url}`);
      expectSecurityHeaders(response, `${method} ${url}`);
    }
    // A forged or stale cookie is no better than none.
    const forged = new Agent(t.app);
    forged.cookie = 'A'.repeat(43);
    expectProblem(await forged.get('/api/v1/session'), 401, 'unauthenticated');
    expect(await rowCounts()).toEqual(before);
  });

  it('Security floor CSRF: a mutation with a foreign Origin is refused with 403 forbidden and changes nothing; our own origin is fine', async () => {
    const before = await rowCounts();
    for (const origin of ['https://evil.example', 'null', 'http://tessera.test.evil.example', 'https://tessera.test', 'http://tessera.test:8080']) {
      const signup = await new Agent(t.app, { origin }).post('/api/v1/signup', { organization: 'Evil', name: 'Eve', email: 'eve@evil.example', password: strongPassword });
      expectProblem(signup, 403, 'forbidden', origin);
      const login = await new Agent(t.app, { origin }).post('/api/v1/auth/login', { email: 'eddie@edge.example', password: strongPassword });
      expectProblem(login, 403, 'forbidden', origin);
      expect(login.headers['set-cookie'], origin).toBeUndefined();
    }
    // With a session cookie, too: PATCH, DELETE and sign-out.
    const own = (await admin.get('/api/v1/me/sessions')).json().sessions[0].id as string;
    for (const [method, url, body] of [
      ['PATCH', '/api/v1/me', { name: 'Renamed by evil' }],
      ['PATCH', '/api/v1/organization', { name: 'Owned' }],
      ['DELETE', `/api/v1/me/sessions/${own}`, undefined],
      ['POST', '/api/v1/auth/logout', undefined],
    ] as Array<[Method, string, unknown]>) {
      expectProblem(await admin.request(method, url, body, { origin: 'https://evil.example' }), 403, 'forbidden', `${method} ${url}`);
    }
    expect(await rowCounts()).toEqual(before);
    const session = await admin.get('/api/v1/session');
    expect(session.statusCode).toBe(200);
    expect(session.json()).toMatchObject({ user: { name: 'Eddie Edge' }, organization: { name: 'Edge' } });

    // Reads are not mutations, and the same origin may mutate.
    expect((await admin.request('GET', '/api/v1/session', undefined, { origin: 'https://evil.example' })).statusCode).toBe(200);
    const sameOrigin = await new Agent(t.app, { origin: 'http://tessera.test' }).post('/api/v1/signup', { organization: 'Same', name: 'Sam', email: 'sam@same.example', password: strongPassword });
    expect(sameOrigin.statusCode).toBe(201);
    expect((await admin.request('PATCH', '/api/v1/me', { name: 'Eddie Edge' }, { origin: 'http://tessera.test' })).statusCode).toBe(200);
  });

  it('Security floor CSRF: form and text bodies get 415 unsupported_media_type and change nothing', async () => {
    const before = await rowCounts();
    const cases: Array<[string, string]> = [
      ['application/x-www-form-urlencoded', 'organization=Form&name=Form&email=form%40edge.example&password=correct+horse+battery+staple'],
      ['text/plain', JSON.stringify({ organization: 'Text', name: 'Text', email: 'text@edge.example', password: strongPassword })],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\nform@edge.example\r\n--x--\r\n'],
      ['application/jsonx', '{}'],
      ['text/json', '{}'],
    ];
    for (const [type, payload] of cases) {
      expectProblem(await raw('POST', '/api/v1/signup', payload, { 'content-type': type }), 415, 'unsupported_media_type', type);
      expectProblem(await raw('POST', '/api/v1/auth/login', payload, { 'content-type': type }), 415, 'unsupported_media_type', type);
    }
    expectProblem(await raw('POST', '/api/v1/auth/login', 'email=a'), 415, 'unsupported_media_type', 'no content-type');
    const cookie = { cookie: `tessera_session=${admin.cookie}` };
    expectProblem(await raw('PATCH', '/api/v1/me', 'name=Formed', { ...cookie, 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
    expect(await rowCounts()).toEqual(before);
    expect((await admin.get('/api/v1/session')).json().user.name).toBe('Eddie Edge');
  });

  it('Security floor: broken JSON is 400 validation_failed and a 200 KB body is 413', async () => {
    const before = await rowCounts();
    for (const payload of ['{"email": ', '{email: "a@b.c"}', "{'email':'a@b.c'}", '[1, 2', 'nul', '{"a":1,}', '\u0000', '{"__proto__": {"isAdmin": true}, "email": "a@b.c", "password": "x"}', '{"constructor": {"prototype": {"x": 1}}, "email": "a@b.c", "password": "x"}']) {
      expectProblem(await raw('POST', '/api/v1/auth/login', payload, { 'content-type': 'application/json' }), 400, 'validation_failed', JSON.stringify(payload));
    }
    const huge = JSON.stringify({ organization: 'Big', name: 'Big', email: 'big@edge.example', password: 'x'.repeat(200 * 1024) });
    expectProblem(await raw('POST', '/api/v1/signup', huge, { 'content-type': 'application/json' }), 413, 'payload_too_large');
    expect(await rowCounts()).toEqual(before);
  });

  it('Security floor: wrong types, missing fields, control characters and overlong text at sign-up are 4xx and change nothing', async () => {
    const valid = { organization: 'Shape Co', name: 'Shape', email: 'shape@edge.example', password: strongPassword };
    const bodies: unknown[] = [
      [],
      [valid],
      'just a string',
      42,
      true,
      { ...valid, email: 42 },
      { ...valid, email: ['shape@edge.example'] },
      { ...valid, email: { $ne: null } },
      { ...valid, email: null },
      { ...valid, password: 1234567890123 },
      { ...valid, password: { length: 20 } },
      { ...valid, name: ['Shape'] },
      { ...valid, organization: { name: 'Shape Co' } },
      { organization: 'Shape Co', name: 'Shape', email: 'shape@edge.example' },
      { name: 'Shape', email: 'shape@edge.example', password: strongPassword },
      {},
      { ...valid, name: 'Null\u0000Byte' },
      { ...valid, name: 'Escape\u001b[31m' },
      { ...valid, name: 'Delete\u007f' },
      { ...valid, name: 'Line\nBreak' },
      { ...valid, organization: 'Org\u0000' },
      { ...valid, email: 'shape\u0000@edge.example' },
      { ...valid, email: 'shape@edge.example\r\nBcc: victim@example.com' },
      { ...valid, email: 'not-an-address' },
      { ...valid, email: `${'a'.repeat(250)}@edge.example` },
      { ...valid, name: 'N'.repeat(10_000) },
      { ...valid, organization: 'O'.repeat(10_000) },
      { ...valid, name: '' },
      { ...valid, password: 'short' },
      { ...valid, password: 'p'.repeat(257) },
      { ...valid, password: 'p'.repeat(10_000) },
    ];
    const before = await rowCounts();
    for (const body of bodies) {
      const response = await new Agent(t.app).request('POST', '/api/v1/signup', body);
      expectProblem(response, '4xx', undefined, JSON.stringify(body).slice(0, 120));
      expect(response.headers['set-cookie']).toBeUndefined();
    }
    expect(await rowCounts()).toEqual(before);
  });

  it('Security floor: bad input to the signed-in member’s routes is 4xx and changes nothing', async () => {
    const before = await rowCounts();
    const cases: Array<[Method, string, unknown]> = [
      ['PATCH', '/api/v1/me', { name: 'N'.repeat(10_000) }],
      ['PATCH', '/api/v1/me', { name: 'Nul\u0000' }],
      ['PATCH', '/api/v1/me', { name: 7 }],
      ['PATCH', '/api/v1/me', { name: '   ' }],
      ['PATCH', '/api/v1/me', []],
      ['POST', '/api/v1/me/password', { currentPassword: 12345, newPassword: 'another long passphrase' }],
      ['POST', '/api/v1/me/password', { currentPassword: strongPassword, newPassword: null }],
      ['POST', '/api/v1/me/password', { currentPassword: strongPassword, newPassword: 'short' }],
      ['POST', '/api/v1/organization/users', { email: 'a\u0000@edge.example', name: 'A', role: 'member' }],
      ['POST', '/api/v1/organization/users', { email: 'a@edge.example', name: 'A', role: ['admin'] }],
      ['POST', '/api/v1/organization/users', { email: 'a@edge.example', name: { first: 'A' }, role: 'member' }],
      ['PATCH', '/api/v1/organization', { name: null }],
      ['PATCH', '/api/v1/organization', { brandName: 'B'.repeat(10_000) }],
      ['POST', '/api/v1/auth/reauthenticate', { password: ['x'] }],
    ];
    for (const [method, url, body] of cases) expectProblem(await admin.request(method, url, body), '4xx', undefined, `${method} ${url} ${JSON.stringify(body).slice(0, 80)}`);
    expect(await rowCounts()).toEqual(before);
    const session = (await admin.get('/api/v1/session')).json();
    expect(session.user.name).toBe('Eddie Edge');
    expect(session.organization).toMatchObject({ name: 'Edge', brandName: null });
    expect((await new Agent(t.app).post('/api/v1/auth/login', { email: 'eddie@edge.example', password: strongPassword })).statusCode).toBe(200);
  });

  it('A1 Security floor: whitespace-only names at sign-up are refused with 400 validation_failed', async () => {
    const before = await rowCounts();
    for (const body of [
      { organization: 'Blank Name Co', name: '   ', email: 'blank-name@edge.example', password: strongPassword },
      { organization: '\u00a0 ', name: 'Blank Org', email: 'blank-org@edge.example', password: strongPassword },
    ]) {
      expectProblem(await new Agent(t.app).post('/api/v1/signup', body), 400, 'validation_failed', JSON.stringify(body));
    }
    expect(await rowCounts()).toEqual(before);
  });

  it('Security floor: lone UTF-16 surrogates are refused with 4xx instead of being stored altered', async () => {
    const before = await rowCounts();
    for (const body of [
      { organization: 'Surrogate Co', name: 'Half \ud800 char', email: 'surrogate-name@edge.example', password: strongPassword },
      { organization: 'Surrogate \udfff', name: 'Sur', email: 'surrogate-org@edge.example', password: strongPassword },
      { organization: 'Surrogate Co', name: 'Sur', email: 'surrogate\ud83d@edge.example', password: strongPassword },
      { organization: 'Surrogate Co', name: 'Sur', email: 'surrogate-pw@edge.example', password: 'long enough \udc00 password' },
    ]) {
      expectProblem(await new Agent(t.app).post('/api/v1/signup', body), '4xx', undefined, JSON.stringify(body));
    }
    expect(await rowCounts()).toEqual(before);
  });

  it('A1 A2 emoji and other non-ASCII passwords work, counted in characters, not UTF-16 units', async () => {
    const emoji = '🔐🔑🗝🔒🔓🛡🏰🐉🦄🌈';
    const signup = await new Agent(t.app).post('/api/v1/signup', { organization: 'Émoji Ünïcode', name: 'Zoë 山田', email: 'emoji@edge.example', password: emoji });
    expect(signup.statusCode).toBe(201);
    expect(signup.json()).toMatchObject({ user: { name: 'Zoë 山田' }, organization: { name: 'Émoji Ünïcode' } });
    expect((await new Agent(t.app).post('/api/v1/auth/login', { email: 'emoji@edge.example', password: emoji })).statusCode).toBe(200);
    // Nine emoji are 18 UTF-16 units but only 9 characters: too short.
    expectProblem(await new Agent(t.app).post('/api/v1/signup', { organization: 'E', name: 'E', email: 'emoji9@edge.example', password: emoji.slice(0, 18) }), 400, 'validation_failed');
    // A different emoji sequence is a different password.
    expectProblem(await new Agent(t.app).post('/api/v1/auth/login', { email: 'emoji@edge.example', password: '🔐🔑🗝🔒🔓🛡🏰🐉🦄🌂' }), 401, 'invalid_credentials');
  });

  it('A2 A4 control characters in a sign-in or reset e-mail get a 4xx, never a 5xx', async () => {
    const before = await rowCounts();
    for (const email of ['eddie\u0000@edge.example', '\u0000', 'eddie@edge.example\u0000', 'a\u0001b@edge.example']) {
      const login = await new Agent(t.app).post('/api/v1/auth/login', { email, password: strongPassword });
      expectProblem(login, '4xx', undefined, `login ${JSON.stringify(email)}`);
      const reset = await new Agent(t.app).post('/api/v1/auth/password-reset', { email });
      expect(reset.statusCode, `reset ${JSON.stringify(email)} → ${reset.body}`).toBeGreaterThanOrEqual(200);
      expect(reset.statusCode, `reset ${JSON.stringify(email)} → ${reset.body}`).toBeLessThan(500);
    }
    expect(await rowCounts()).toEqual(before);
  });

  it('Security floor: unknown paths are 404 not_found and malformed ids are 400, as problem+json', async () => {
    expectProblem(await admin.get('/api/v1/no-such-thing'), 404, 'not_found');
    expectProblem(await admin.get('/api/nope'), 404, 'not_found');
    expectProblem(await admin.request('PATCH', '/api/v1/session', {}), 404, 'not_found');
    for (const url of ['/api/v1/me/sessions/not-a-uuid', `/api/v1/me/sessions/${someId.toUpperCase()}`, "/api/v1/organization/invitations/1'%20or%20'1'='1", '/api/v1/organization/invitations/%00']) {
      expectProblem(await admin.delete(url), 400, 'validation_failed', url);
    }
    expectProblem(await admin.delete(`/api/v1/me/sessions/${someId}`), 404, 'not_found');
  });

  it('Security floor: requests the router itself rejects (bad URL encoding, overlong id) still get problem+json and security headers', async () => {
    for (const url of ['/api/v1/me/sessions/%E0%A4%A', `/api/v1/me/sessions/${'a'.repeat(300)}`]) {
      const response = await admin.delete(url);
      expectProblem(response, '4xx', undefined, url);
      expectSecurityHeaders(response, url);
    }
  });

  it('Security floor: every response carries the security headers, and no HSTS over plain HTTP', async () => {
    const responses: Array<[string, LightMyRequestResponse]> = [
      ['healthz', await raw('GET', '/healthz')],
      ['openapi', await raw('GET', '/api/openapi.json')],
      ['201 signup', await new Agent(t.app).post('/api/v1/signup', { organization: 'Hdr', name: 'Hdr', email: 'headers@edge.example', password: strongPassword })],
      ['200 session', await admin.get('/api/v1/session')],
      ['204 logout', await new Agent(t.app).post('/api/v1/auth/logout')],
      ['400', await raw('POST', '/api/v1/auth/login', '{', { 'content-type': 'application/json' })],
      ['401', await raw('GET', '/api/v1/session')],
      ['403', await new Agent(t.app, { origin: 'https://evil.example' }).post('/api/v1/auth/login', {})],
      ['404', await admin.get('/api/v1/nothing-here')],
      ['413', await raw('POST', '/api/v1/auth/login', JSON.stringify({ email: 'x'.repeat(100_000) }), { 'content-type': 'application/json' })],
      ['415', await raw('POST', '/api/v1/auth/login', 'a=b', { 'content-type': 'application/x-www-form-urlencoded' })],
    ];
    for (const [label, response] of responses) {
      expectSecurityHeaders(response, label);
      expect(response.headers['strict-transport-security'], label).toBeUndefined();
      if (label !== 'healthz') expect(response.headers['cache-control'], label).toBe('no-store');
    }
    expect(String(responses.find(([label]) => label === '201 signup')![1].headers['set-cookie'])).not.toMatch(/Secure/);
  });

  it('A3 Security floor: under HTTPS, HSTS on every response and the session cookie is Secure', async () => {
    const secure = await createTestApp({ publicUrl: new URL('https://tessera.test') });
    try {
      const agent = new Agent(secure.app);
      const signup = await agent.post('/api/v1/signup', { organization: 'Secure', name: 'Sec', email: 'sec@secure.example', password: strongPassword });
      expect(signup.statusCode).toBe(201);
      // G1: the session and the device cookie, both Secure and HttpOnly.
      for (const cookie of ([] as string[]).concat(signup.headers['set-cookie'] ?? [])) {
        expect(cookie).toMatch(/; Secure/);
        expect(cookie).toMatch(/HttpOnly/);
      }
      const login = await new Agent(secure.app).post('/api/v1/auth/login', { email: 'sec@secure.example', password: strongPassword });
      expect(String(login.headers['set-cookie'])).toMatch(/; Secure/);
      const logout = await agent.post('/api/v1/auth/logout');
      expect(logout.headers['set-cookie']).toMatch(/tessera_session=;.*Max-Age=0.*Secure/);
      const responses = { signup, login, logout, healthz: await secure.app.inject({ method: 'GET', url: '/healthz' }), unauthenticated: await secure.app.inject({ method: 'GET', url: '/api/v1/session' }) };
      for (const [label, response] of Object.entries(responses)) {
        const hsts = String(response.headers['strict-transport-security'] ?? '');
        expect(hsts, label).toMatch(/max-age=(\d+)/);
        expect(Number(/max-age=(\d+)/.exec(hsts)?.[1]), label).toBeGreaterThanOrEqual(31_536_000);
        expectSecurityHeaders(response, label);
      }
      // E-mailed links follow PUBLIC_URL, and a downgraded origin is foreign.
      expect((await secure.mail()).find((m) => m.subject === 'Verify your e-mail address')!.text).toContain('https://tessera.test/verify-email?token=');
      expectProblem(await new Agent(secure.app, { origin: 'http://tessera.test' }).post('/api/v1/auth/login', { email: 'sec@secure.example', password: strongPassword }), 403, 'forbidden');
    } finally {
      await secure.close();
    }
  });

  it('Security floor: the web interface (sign-in page, client routes, assets) loads without a session, with security headers', async () => {
    const webRoot = mkdtempSync(join(tmpdir(), 'tessera-web-'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>Tessera</title><div id="root"></div>');
    mkdirSync(join(webRoot, 'assets'));
    writeFileSync(join(webRoot, 'assets', 'app.js'), 'console.log("tessera")');
    const app = await buildApp(t.context, { webRoot });
    try {
      await app.ready();
      for (const url of ['/', '/login', '/accept-invitation?token=abc', '/reset-password?token=abc']) {
        const page = await app.inject({ method: 'GET', url });
        expect(page.statusCode, `${url} → ${page.body.slice(0, 120)}`).toBe(200);
        expect(page.headers['content-type'], url).toMatch(/^text\/html/);
        expect(page.body, url).toContain('<div id="root">');
        expectSecurityHeaders(page, url);
      }
      const asset = await app.inject({ method: 'GET', url: '/assets/app.js' });
      expect(asset.statusCode, asset.body.slice(0, 120)).toBe(200);
      expect(asset.body).toContain('tessera');
      expectSecurityHeaders(asset, 'asset');
      // The API stays JSON.
      expect((await app.inject({ method: 'GET', url: '/api/v1/session' })).statusCode).toBe(401);
    } finally {
      await app.close();
      rmSync(webRoot, { recursive: true, force: true });
    }
  });

  it('Security floor: /healthz answers 200 and /api/openapi.json is an OpenAPI 3.1 document of the contract with request-body schemas', async () => {
    const health = await raw('GET', '/healthz');
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });

    const response = await raw('GET', '/api/openapi.json');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const doc = response.json();
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    const operations: Array<[string, string, string[]?]> = [
      ['post', '/api/v1/signup', ['organization', 'name', 'email', 'password']],
      ['post', '/api/v1/auth/login', ['email', 'password']],
      ['post', '/api/v1/auth/logout'],
      ['post', '/api/v1/auth/reauthenticate', ['password']],
      ['post', '/api/v1/auth/verify-email', ['token']],
      ['post', '/api/v1/auth/password-reset', ['email']],
      ['post', '/api/v1/auth/password-reset/confirm', ['token', 'password']],
      ['post', '/api/v1/invitations/accept', ['token', 'name', 'password']],
      ['get', '/api/v1/me/sessions'],
      ['delete', '/api/v1/me/sessions/{id}'],
      ['get', '/api/v1/session'],
      ['get', '/api/v1/organization'],
      ['patch', '/api/v1/organization', []],
      ['get', '/api/v1/organization/users'],
      ['post', '/api/v1/organization/users', ['email', 'name', 'role']],
      ['get', '/api/v1/organization/audit-events'],
    ];
    for (const [method, path, required] of operations) {
      const operation = doc.paths?.[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      if (required === undefined) continue;
      const schema = operation.requestBody?.content?.['application/json']?.schema;
      expect(schema, `${method} ${path} request body`).toMatchObject({ type: 'object' });
      expect([...(schema.required ?? [])].sort(), `${method} ${path} required`).toEqual([...required].sort());
      for (const field of required) expect(schema.properties?.[field], `${method} ${path} ${field}`).toBeDefined();
    }
    expect(Object.keys(doc.paths['/api/v1/organization'].patch.requestBody.content['application/json'].schema.properties)).toEqual(expect.arrayContaining(['name', 'brandName']));
    const userQuery = (doc.paths['/api/v1/organization/users'].get.parameters as Array<{ name: string; in: string }>).filter((p) => p.in === 'query').map((p) => p.name);
    expect(userQuery).toEqual(expect.arrayContaining(['q', 'cursor']));
    const auditQuery = (doc.paths['/api/v1/organization/audit-events'].get.parameters as Array<{ name: string; in: string }>).filter((p) => p.in === 'query').map((p) => p.name);
    expect(auditQuery).toEqual(expect.arrayContaining(['userId', 'type', 'cursor']));
  });

  describe('fuzz: random JSON to each public POST endpoint never gives a 5xx', () => {
    const seed = 0x7e55e4a;
    const oddPieces = [
      '\u0000', '\u0001', '\u001f', '\u007f', '\u0085', '\u00a0', '\u2028', '\u2029', '\ufeff', '\u200b', '\u202e',
      '\ud800', '\udfff', '\ud83d', '\ud83d\ude00', '👩‍👩‍👧', 'e\u0301', '𝕏', 'İ', 'ß', '山', 'é',
      '"', '\\', '%', '_', "'", '`', '<script>', '${x}', '@', '.', '..', ' ', '\t', '\n', '\r\n',
      'a', 'Z', '0', '9', '-', '$', '{', '}', '[', ']', '__proto__', 'constructor', 'null', 'NaN', '%00', '%s',
    ];
    const endpoints: Array<[string, string[]]> = [
      ['/api/v1/signup', ['organization', 'name', 'email', 'password']],
      ['/api/v1/auth/login', ['email', 'password']],
      ['/api/v1/auth/password-reset', ['email']],
      ['/api/v1/auth/password-reset/confirm', ['token', 'password']],
      ['/api/v1/auth/verify-email', ['token']],
      ['/api/v1/invitations/accept', ['token', 'name', 'password']],
    ];

    function generator(random: () => number) {
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
      const lengths = [0, 1, 2, 5, 10, 12, 40, 101, 255, 300, 1500];
      function string(): string {
        const roll = random();
        const length = roll < 0.8 ? Math.floor(random() * 24) : pick(lengths);
        let text = '';
        while ([...text].length < length) text += random() < 0.5 ? pick(oddPieces) : String.fromCharCode(32 + Math.floor(random() * 95));
        return text;
      }
      function value(depth: number): unknown {
        switch (Math.floor(random() * (depth > 2 ? 5 : 8))) {
          case 0: return null;
          case 1: return random() < 0.5;
          case 2: return pick([0, -1, 1e308, -1e-308, 2 ** 53 + 1, 3.14, Number.MAX_SAFE_INTEGER]);
          case 3:
          case 4: return string();
          case 5: return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
          default: {
            const object: Record<string, unknown> = {};
            for (let i = Math.floor(random() * 4); i > 0; i--) {
              // defineProperty, so that "__proto__" becomes a key of the JSON rather than a prototype.
              const key = random() < 0.2 ? pick(['__proto__', 'constructor', 'email', 'token']) : string();
              Object.defineProperty(object, key, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
            }
            return object;
          }
        }
      }
      function field(name: string): unknown {
        const roll = random();
        if (roll < 0.55) return string();
        if (roll < 0.7 && (name === 'email')) return `${string()}@${string()}.example`;
        if (roll < 0.8 && (name === 'token')) return Array.from({ length: 43 }, () => pick([...'ABCxyz019-_'])).join('');
        if (roll < 0.85 && name === 'password') return `${string()}${'p'.repeat(10)}`;
        return value(1);
      }
      return function body(fields: string[]): string {
        if (random() < 0.2) return JSON.stringify(value(0)) ?? 'null';
        const object: Record<string, unknown> = {};
        for (const name of fields) if (random() < 0.9) object[name] = field(name);
        if (random() < 0.15) object[string()] = value(1);
        return JSON.stringify(object);
      };
    }

    for (const [index, [url, fields]] of endpoints.entries()) {
      it(`Security floor: 200 random bodies to POST ${url} (seed ${seed + index})`, async () => {
        const body = generator(seededRandom(seed + index));
        for (let i = 0; i < 200; i++) {
          // Keep the per-address throttles from hiding later cases behind 429s.
          if (i % 50 === 0) t.clock.advance(16 * 60 * 1000);
          const payload = body(fields);
          const response = await raw('POST', url, payload, { 'content-type': 'application/json' });
          const label = `seed ${seed + index} case ${i}: ${payload.slice(0, 200)} → ${response.statusCode} ${response.body.slice(0, 200)}`;
          expect(response.statusCode, label).toBeLessThan(500);
          if (response.statusCode >= 400) expectProblem(response, '4xx', undefined, label);
        }
      });
    }
  });
});
