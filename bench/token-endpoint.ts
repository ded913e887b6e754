// O1–O3 at the token endpoint: authorization codes with PKCE (S256) exchanged at /oauth/token by
// a confidential client (client_secret_basic), each code once. The codes are obtained first,
// through the real authorization flow of a signed-in member (authorize → Tessera's interaction →
// back to the client with a code); codes live 60 s, so they are gathered for a bounded time and
// exchanged right after.
import { createHash, randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import autocannon from 'autocannon';
import { measure, send, type Row } from './measure.js';

const redirectUri = 'http://localhost:4999/callback';

interface IssuedCode {
  code: string;
  verifier: string;
}

export async function registerBenchApplication(base: string, adminCookie: string): Promise<{ clientId: string; clientSecret: string }> {
  const agent = new Agent({ keepAlive: false });
  const answer = await send(
    agent,
    'POST',
    `${base}/api/v1/organization/applications`,
    { 'content-type': 'application/json', cookie: adminCookie },
    JSON.stringify({ name: 'Bench application', type: 'confidential', redirectUris: [redirectUri], postLogoutRedirectUris: ['http://localhost:4999/signed-out'] }),
  );
  if (answer.status !== 201) throw new Error(`registering the bench application: ${answer.status} ${answer.body}`);
  return JSON.parse(answer.body) as { clientId: string; clientSecret: string };
}

/** One authorization through the provider, as a browser with the member's session would make it. */
async function obtainCode(agent: Agent, base: string, clientId: string, memberCookie: string): Promise<IssuedCode> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorize = new URL('/oauth/authorize', base);
  authorize.search = new URLSearchParams({ client_id: clientId, redirect_uri: redirectUri, response_type: 'code', scope: 'openid email profile', code_challenge: challenge, code_challenge_method: 'S256', state: randomBytes(8).toString('hex') }).toString();
  const jar = new Map<string, string>([[memberCookie.split('=')[0]!, memberCookie.slice(memberCookie.indexOf('=') + 1)]]);
  let url = authorize.href;
  for (let hops = 0; hops < 8; hops++) {
    const answer = await send(agent, 'GET', url, { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') });
    const setCookies = answer.headers['set-cookie'] ?? [];
    for (const line of Array.isArray(setCookies) ? setCookies : [setCookies]) {
      const [pair] = line.split(';');
      const name = pair!.slice(0, pair!.indexOf('='));
      const value = pair!.slice(pair!.indexOf('=') + 1);
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    const location = answer.headers.location;
    if (answer.status < 300 || answer.status >= 400 || typeof location !== 'string') throw new Error(`authorization stopped at ${url}: ${answer.status} ${answer.body.slice(0, 200)}`);
    const next = new URL(location, url);
    if (next.href.startsWith(redirectUri)) {
      const code = next.searchParams.get('code');
      if (!code) throw new Error(`no code in ${next.href}`);
      return { code, verifier };
    }
    if (next.pathname.startsWith('/login')) throw new Error(`authorization asked for a sign-in: ${next.href}`);
    url = next.href;
  }
  throw new Error('too many redirects');
}

export async function measureCodeExchanges(options: { base: string; adminCookie: string; wanted: number; gatherSeconds: number }): Promise<{ row: Row; gathered: number; gatherPerSecond: number }> {
  const { base } = options;
  const application = await registerBenchApplication(base, options.adminCookie);
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const codes: IssuedCode[] = [];
  const deadline = performance.now() + options.gatherSeconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (codes.length < options.wanted && performance.now() < deadline) codes.push(await obtainCode(agent, base, application.clientId, options.adminCookie));
    }),
  );
  const gatherPerSecond = Math.round(codes.length / ((performance.now() - started) / 1000));
  agent.destroy();
  const basic = Buffer.from(`${encodeURIComponent(application.clientId)}:${encodeURIComponent(application.clientSecret)}`).toString('base64');
  let next = 0;
  const requests: autocannon.Request[] = [
    {
      method: 'POST',
      path: '/oauth/token',
      setupRequest: (request) => {
        const issued = codes[next++ % codes.length]!;
        return {
          ...request,
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
          body: new URLSearchParams({ grant_type: 'authorization_code', code: issued.code, redirect_uri: redirectUri, code_verifier: issued.verifier }).toString(),
        };
      },
    },
  ];
  const row = await measure('`POST /oauth/token`, authorization code + PKCE (each code once)', { url: base, requests, amount: codes.length });
  return { row, gathered: codes.length, gatherPerSecond };
}
