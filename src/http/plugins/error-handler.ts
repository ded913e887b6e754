// One place turns every thrown error into problem+json; 5xx answers never carry internals.
import type { FastifyError, FastifyInstance } from 'fastify';
import type { FieldError } from '../../core/errors.js';
import { PasswordHasherBusy } from '../../security/passwords.js';
import { sendProblem } from '../problem.js';

function fieldErrorsOf(error: FastifyError): FieldError[] {
  return (error.validation ?? []).map((issue) => {
    const missing = (issue.params as { missingProperty?: string } | undefined)?.missingProperty;
    const path = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const field = missing ? (path ? `${path}.${missing}` : missing) : path || (error.validationContext ?? 'body');
    return { field, message: missing ? 'This field is required.' : describeIssue(issue.keyword, issue.message) };
  });
}

function describeIssue(keyword: string, message: string | undefined): string {
  switch (keyword) {
    case 'pattern':
      return 'This value contains characters that are not allowed.';
    case 'minLength':
      return 'This field must not be empty.';
    default:
      return message ? message.charAt(0).toUpperCase() + message.slice(1) + '.' : 'This value is not valid.';
  }
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      const errors = fieldErrorsOf(error);
      return sendProblem(reply, { code: 'validation_failed', detail: errors[0] ? `${errors[0].field}: ${errors[0].message}` : undefined, fieldErrors: errors });
    }
    switch (error.code) {
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendProblem(reply, { code: 'unsupported_media_type' });
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendProblem(reply, { code: 'payload_too_large' });
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return sendProblem(reply, { code: 'validation_failed', detail: 'The request body is not valid JSON.' });
    }
    if ((error as unknown) instanceof PasswordHasherBusy) return sendProblem(reply, { code: 'busy', retryAfterInMs: (error as unknown as PasswordHasherBusy).retryAfterInMs });
    const status = error.statusCode ?? 500;
    if (status === 404) return sendProblem(reply, { code: 'not_found' });
    if (status >= 400 && status < 500) {
      // Malformed JSON from the default parser, prototype poisoning and other client mistakes.
      return sendProblem(reply, { code: status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'validation_failed', detail: error instanceof SyntaxError ? 'The request body is not valid JSON.' : undefined });
    }
    request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, { code: 'internal_error' });
  });
}
