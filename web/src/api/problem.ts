import { errorCatalogue, isErrorCode, type ErrorCode, type FieldError } from '../../../src/core/errors';

// Every error the server sends is application/problem+json (RFC 9457). The client keeps the
// server's `code` so the UI can switch on it, and falls back to a code of its own when the answer
// never reached us or was not a problem document.
export type ClientErrorCode = 'network_error' | 'unexpected_response';

export interface Problem {
  status: number;
  code: ErrorCode | ClientErrorCode | (string & {});
  title: string;
  detail?: string;
  errors?: FieldError[];
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
    this.problem = problem;
  }
}

export function isApiError(error: unknown, code?: ErrorCode): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.problem.code === code);
}

export function toProblem(error: unknown): Problem {
  if (error instanceof ApiError) return error.problem;
  return { status: 0, code: 'unexpected_response', title: 'Something went wrong. Please try again.' };
}

/** The sentence shown to a person for a problem: the shared catalogue first, then the server's title. */
export function describeProblem(problem: Problem): string {
  if (problem.code === 'rate_limited') return describeRateLimit(problem.retryAfterSeconds);
  if (problem.code === 'network_error') return 'Tessera could not be reached. Check your connection and try again.';
  if (isErrorCode(problem.code)) return errorCatalogue[problem.code].title;
  return problem.title || 'Something went wrong. Please try again.';
}

function describeRateLimit(retryAfterSeconds: number | undefined): string {
  const base = 'Too many attempts.';
  if (retryAfterSeconds === undefined || retryAfterSeconds <= 0) return `${base} Please wait a moment and try again.`;
  if (retryAfterSeconds < 60) {
    return `${base} Try again in ${retryAfterSeconds} ${retryAfterSeconds === 1 ? 'second' : 'seconds'}.`;
  }
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return `${base} Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`;
}

export function parseProblem(status: number, body: unknown, retryAfterHeader: string | null): Problem {
  const retryAfterSeconds = parseRetryAfter(retryAfterHeader);
  if (!isRecord(body)) {
    return { status, code: codeForStatus(status), title: `The server answered ${status}.`, retryAfterSeconds };
  }
  const code = typeof body.code === 'string' ? body.code : codeForStatus(status);
  return {
    status,
    code,
    title: typeof body.title === 'string' ? body.title : `The server answered ${status}.`,
    detail: typeof body.detail === 'string' ? body.detail : undefined,
    errors: Array.isArray(body.errors) ? body.errors.filter(isFieldError) : undefined,
    retryAfterSeconds: typeof body.retryAfterSeconds === 'number' ? body.retryAfterSeconds : retryAfterSeconds,
  };
}

function codeForStatus(status: number): Problem['code'] {
  switch (status) {
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 429:
      return 'rate_limited';
    default:
      return status >= 500 ? 'internal_error' : 'unexpected_response';
  }
}

function parseRetryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFieldError(value: unknown): value is FieldError {
  return isRecord(value) && typeof value.field === 'string' && typeof value.message === 'string';
}
