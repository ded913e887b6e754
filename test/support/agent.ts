// Browser-like clients over app.inject: they keep cookies and send JSON.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export const strongPassword = 'correct horse battery staple';
export const sessionCookie = 'tessera_session';
export const challengeCookie = 'tessera_challenge';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A browser over app.inject: a cookie jar (all cookies), JSON bodies, an optional client address and headers. */
export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(
    public app: FastifyInstance,
    private readonly options: { remoteAddress?: string; userAgent?: string; headers?: Record<string, string> } = {},
  ) {}

  /** `remoteAddress`: this request only comes from there (e.g. a sign-up, see signUpAddress). */
  async request(method: Method, url: string, body?: unknown, headers: Record<string, string> = {}, remoteAddress = this.options.remoteAddress): Promise<LightMyRequestResponse> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await this.app.inject({
      method,
      url,
      ...(remoteAddress ? { remoteAddress } : {}),
      headers: {
        ...this.options.headers,
        ...(this.options.userAgent ? { 'user-agent': this.options.userAgent } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(cookie ? { cookie } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    for (const c of response.cookies) {
      if (c.value === '' || c.maxAge === 0) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return response;
  }

  get(url: string) {
    return this.request('GET', url);
  }
  post(url: string, body?: unknown) {
    return this.request('POST', url, body);
  }
  put(url: string, body?: unknown) {
    return this.request('PUT', url, body);
  }
  patch(url: string, body?: unknown) {
    return this.request('PATCH', url, body);
  }
  delete(url: string, body?: unknown) {
    return this.request('DELETE', url, body);
  }

  get sessionToken(): string | undefined {
    return this.cookies.get(sessionCookie);
  }
  get challengeToken(): string | undefined {
    return this.cookies.get(challengeCookie);
  }

  /** The password step (A2); returns the response for the caller to inspect. */
  login(email: string, password = strongPassword) {
    return this.post('/api/v1/auth/login', { email, password });
  }
  /** The second step (L2). */
  submitCode(code: unknown) {
    return this.post('/api/v1/auth/two-factor', { code });
  }
  /** A5: confirms the password; with `code`, also a current second-factor code. */
  reauthenticate(password = strongPassword, code?: string) {
    return this.post('/api/v1/auth/reauthenticate', code === undefined ? { password } : { password, code });
  }
}

/** The same browser seen through its session cookie alone (the account tests), with fixed headers. */
export class Agent extends Browser {
  constructor(app: FastifyInstance, headers: Record<string, string> = {}) {
    super(app, { headers });
  }

  get cookie(): string | undefined {
    return this.cookies.get(sessionCookie);
  }
  set cookie(token: string | undefined) {
    if (token === undefined) this.cookies.delete(sessionCookie);
    else this.cookies.set(sessionCookie, token);
  }
}

export function tokenFromLink(text: string, path: string): string {
  const match = new RegExp(`${path.replace(/[/-]/g, '\\$&')}\\?token=([A-Za-z0-9_-]+)`).exec(text);
  if (!match) throw new Error(`No ${path} link in: ${text}`);
  return match[1]!;
}


let signUpCount = 0;

/**
 * Sign-ups are throttled per client address (20 in 10 minutes, issue 10 item 5); the helpers sign each
 * organization up from its own address (198.18.0.0/15, for benchmarks), as separate companies
 * would, so a test file may create many. Tests of the throttle send from one address themselves.
 */
export function signUpAddress(): string {
  signUpCount += 1;
  return `198.18.${Math.floor(signUpCount / 250) % 256}.${(signUpCount % 250) + 1}`;
}

export async function signUp(app: FastifyInstance, input: { organization?: string; name?: string; email: string; password?: string }): Promise<Agent> {
  const agent = new Agent(app);
  const body = { organization: input.organization ?? 'Acme', name: input.name ?? 'Ada Lovelace', email: input.email, password: input.password ?? strongPassword };
  const response = await agent.request('POST', '/api/v1/signup', body, {}, signUpAddress());
  if (response.statusCode !== 201) throw new Error(`signup failed: ${response.statusCode} ${response.body}`);
  return agent;
}
