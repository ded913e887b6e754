import { ApiError, parseProblem, type Problem } from './problem';

export { ApiError, describeProblem, isApiError, toProblem, type Problem } from './problem';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export type QueryValue = string | number | boolean | null | undefined;

type ProblemListener = (problem: Problem) => void;
const problemListeners = new Set<ProblemListener>();

/**
 * Hears every problem the server answers, before the caller does. The session uses it to notice a
 * blocking required action (a refused request names it as its code) wherever the request came from.
 */
export function subscribeToProblems(listener: ProblemListener): () => void {
  problemListeners.add(listener);
  return () => {
    problemListeners.delete(listener);
  };
}

/**
 * One request to the Tessera API. The server refuses mutations that are not JSON (415) and checks
 * the Origin header, so every body goes out as application/json from this origin with its cookie.
 * Answers without content (202, 204) resolve to undefined; errors reject with an ApiError.
 */
export async function apiRequest<T = undefined>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }

  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError({ status: 0, code: 'network_error', title: 'The server could not be reached.' });
  }

  const payload = await readJson(response);
  if (!response.ok) {
    const problem = parseProblem(response.status, payload, response.headers.get('Retry-After'));
    for (const listener of problemListeners) listener(problem);
    throw new ApiError(problem);
  }
  return payload as T;
}

export const api = {
  get: <T>(path: string) => apiRequest<T>('GET', path),
  post: <T = undefined>(path: string, body: unknown = {}) => apiRequest<T>('POST', path, body),
  patch: <T = undefined>(path: string, body: unknown) => apiRequest<T>('PATCH', path, body),
  delete: (path: string) => apiRequest('DELETE', path),
};

/** Builds `path?a=1&b=2`, leaving out empty values. */
export function withQuery(path: string, query: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const search = params.toString();
  return search === '' ? path : `${path}?${search}`;
}

async function readJson(response: Response): Promise<unknown> {
  if (response.status === 204 || response.status === 205) return undefined;
  const contentType = response.headers.get('Content-Type') ?? '';
  if (!contentType.includes('json')) return undefined;
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
