// A browser-like client over app.inject: keeps the session cookie and sends JSON.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export class Agent {
  cookie: string | undefined;
  constructor(
    private readonly app: FastifyInstance,
    private readonly headers: Record<string, string> = {},
  ) {}

  async request(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({
      method,
      url,
      headers: {
        ...this.headers,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: `tessera_session=${this.cookie}` } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    const sessionCookie = response.cookies.find((c) => c.name === 'tessera_session');
    if (sessionCookie) this.cookie = sessionCookie.value === '' ? undefined : sessionCookie.value;
    return response;
  }

  get(url: string) {
    return this.request('GET', url);
  }
  post(url: string, body?: unknown) {
    return this.request('POST', url, body);
  }
  patch(url: string, body?: unknown) {
    return this.request('PATCH', url, body);
  }
  delete(url: string) {
    return this.request('DELETE', url);
  }
}

export function tokenFromLink(text: string, path: string): string {
  const match = new RegExp(`${path.replace(/[/-]/g, '\\$&')}\\?token=([A-Za-z0-9_-]+)`).exec(text);
  if (!match) throw new Error(`No ${path} link in: ${text}`);
  return match[1]!;
}

export const strongPassword = 'correct horse battery staple';

export async function signUp(app: FastifyInstance, input: { organization?: string; name?: string; email: string; password?: string }): Promise<Agent> {
  const agent = new Agent(app);
  const response = await agent.post('/api/v1/signup', { organization: input.organization ?? 'Acme', name: input.name ?? 'Ada Lovelace', email: input.email, password: input.password ?? strongPassword });
  if (response.statusCode !== 201) throw new Error(`signup failed: ${response.statusCode} ${response.body}`);
  return agent;
}
