// O8 for proxies that pass the check's refusal on to the browser (Traefik ForwardAuth, Caddy
// forward_auth): with ?redirect=true the refusal is a 302 to the sign-in page, returning to the
// address the proxy names only where return_to may go; nginx auth_request keeps its 401.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpMember } from '../support/two-factor.js';
import { createTestApp, publicUrl, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';

describe(`O8 forward auth with redirect on ${testDatabaseKind}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const verify = (query: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url: `/api/v1/auth/verify${query}`, headers });
  const forwarded = (host: string, uri: string) => ({ 'x-forwarded-proto': 'http', 'x-forwarded-host': host, 'x-forwarded-uri': uri });

  it('O8 without a session: 401 by default, a 302 to the sign-in page with ?redirect=true, returning to the original address on Tessera’s host', async () => {
    expect((await verify('', forwarded('tessera.test:8080', '/app?x=1'))).statusCode).toBe(401);
    const redirected = await verify('?redirect=true', forwarded('tessera.test:8080', '/app?x=1'));
    expect(redirected.statusCode).toBe(302);
    const location = new URL(redirected.headers.location as string);
    expect(location.origin + location.pathname).toBe(`${publicUrl}/login`);
    expect(location.searchParams.get('return_to')).toBe('http://tessera.test:8080/app?x=1');
  });

  it('O8 an address elsewhere, or headers that do not name one, send to the sign-in page without return_to', async () => {
    for (const headers of [forwarded('evil.example', '/steal'), { 'x-forwarded-proto': 'javascript', 'x-forwarded-host': 'tessera.test', 'x-forwarded-uri': '/' }, forwarded('tessera.test@evil.example', '/x'), forwarded('tessera.test', 'evil'), {}]) {
      const redirected = await verify('?redirect=true', headers);
      expect(redirected.statusCode, JSON.stringify(headers)).toBe(302);
      expect(redirected.headers.location, JSON.stringify(headers)).toBe(`${publicUrl}/login`);
    }
    expect((await verify('?redirect=yes')).statusCode).toBe(400);
  });

  it('O8 a complete session passes with its headers, whatever the mode', async () => {
    const member = await signUpMember(t, { email: 'forward@auth.example' });
    for (const query of ['', '?redirect=true']) {
      const passed = await member.browser.request('GET', `/api/v1/auth/verify${query}`, undefined, forwarded('tessera.test:8080', '/app'));
      expect(passed.statusCode, query).toBe(200);
      expect(passed.headers['x-tessera-email']).toBe('forward@auth.example');
      expect(passed.headers['x-tessera-amr']).toBe('pwd');
    }
  });
});
