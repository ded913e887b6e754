// problem+json (RFC 9457) for every error, with the stable `code` from the core catalogue.
import type { FastifyReply } from 'fastify';
import { errorCatalogue, type ErrorCode, type FieldError } from '../core/errors.js';
import type { Failure } from '../services/context.js';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
  retryAfterSeconds?: number;
}

export function problemBody(code: ErrorCode, detail?: string, errors?: FieldError[]): ProblemBody {
  const { status, title } = errorCatalogue[code];
  const body: ProblemBody = { type: 'about:blank', title, status, detail: detail ?? title, code };
  if (errors && errors.length > 0) body.errors = errors;
  return body;
}

export function sendProblem(reply: FastifyReply, failure: Omit<Failure, 'ok'>): FastifyReply {
  const body = problemBody(failure.code, failure.detail ?? failure.fieldErrors?.[0]?.message, failure.fieldErrors);
  if (failure.retryAfterInMs !== undefined) {
    const seconds = Math.max(1, Math.ceil(failure.retryAfterInMs / 1000));
    body.retryAfterSeconds = seconds;
    reply.header('retry-after', String(seconds));
  }
  return reply.code(body.status).type('application/problem+json; charset=utf-8').send(body);
}

export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  description: 'An error (RFC 9457 problem details) with a stable `code`.',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', enum: Object.keys(errorCatalogue) },
    errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } }, required: ['field', 'message'] } },
    retryAfterSeconds: { type: 'integer' },
  },
  required: ['type', 'title', 'status', 'detail', 'code'],
} as const;
