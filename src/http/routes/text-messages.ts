// Text-message codes (S1–S4): adding, confirming and removing a member's number, and texting a
// code during a sign-in challenge or to confirm a change.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../services/context.js';
import { confirmSmsEnrollment, removeSmsNumber, startSmsEnrollment, textConfirmationCode, textSignInCode, type SentCode } from '../../services/text-messages.js';
import { readCookie } from '../cookies.js';
import { challengeCookieName, setSessionCookie } from '../plugins/authentication.js';
import { sendProblem } from '../problem.js';
import { originOf } from '../request-origin.js';
import { requireAuth } from '../route-config.js';
import { noContent, objectSchema, problemResponses, secondFactorCodeField, timeField } from '../schemas.js';

// As people type a number: digits with + ( ) . - and spaces; the meaning is checked in core
// (libphonenumber-js), this only keeps other characters out.
const phoneNumberField = { type: 'string', minLength: 1, maxLength: 40, pattern: '^[0-9+().\\- \\u00A0]*$', description: 'With a leading + and country code ("+41 79 123 45 67"), or national with `country`.' } as const;
const countryField = { type: 'string', pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2; used only when the number has no +.' } as const;
const recoveryCodeList = { type: 'array', items: { type: 'string', pattern: '^\\d{4}-\\d{4}$' } } as const;
const sentCodeSchema = objectSchema({ phoneNumber: { type: 'string', description: 'The end of the number the code went to, e.g. "•• 67".' }, expiresAt: timeField }, ['phoneNumber', 'expiresAt']);
const sentCodeView = (sent: SentCode) => ({ phoneNumber: sent.phoneNumber, expiresAt: new Date(sent.expiresAt).toISOString() });

export function registerTextMessageRoutes(app: FastifyInstance, context: AppContext): void {
  app.post<{ Body: { phoneNumber: string; country?: string } }>(
    '/api/v1/me/two-factor/sms',
    {
      config: { access: 'member', recentPassword: true, recentSecondFactor: true, completes: ['two_factor_setup_required'] },
      schema: {
        tags: ['two-factor'],
        summary: 'Add a phone number: a code is texted to it, and it waits 5 minutes for that code; starting again replaces it (S1, S2).',
        body: objectSchema({ phoneNumber: phoneNumberField, country: countryField }, ['phoneNumber']),
        response: { 201: objectSchema({ phoneNumber: { type: 'string', description: 'E.164' }, expiresAt: timeField }, ['phoneNumber', 'expiresAt']), ...problemResponses(400, 401, 403, 429, 502) },
      },
    },
    async (request, reply) => {
      const result = await startSmsEnrollment(context, requireAuth(request.auth), request.body, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(201).send({ phoneNumber: result.phoneNumber, expiresAt: new Date(result.expiresAt).toISOString() });
    },
  );

  app.post<{ Body: { code: string } }>(
    '/api/v1/me/two-factor/sms/confirm',
    {
      config: { access: 'member', completes: ['two_factor_setup_required'] },
      schema: {
        tags: ['two-factor'],
        summary: 'Activate the waiting number with the texted code; recovery codes when it is the first factor (S1, T6).',
        body: objectSchema({ code: secondFactorCodeField }, ['code']),
        response: { 200: objectSchema({ phoneNumber: { type: 'string', description: 'E.164' }, recoveryCodes: recoveryCodeList }, ['phoneNumber']), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const result = await confirmSmsEnrollment(context, requireAuth(request.auth), request.body.code, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      // P5 A3: a setup-only session was replaced; the old token no longer works.
      if (result.session) setSessionCookie(reply, context, result.session);
      return result.recoveryCodes ? { phoneNumber: result.phoneNumber, recoveryCodes: result.recoveryCodes } : { phoneNumber: result.phoneNumber };
    },
  );

  app.delete<{ Body: { code: string } }>(
    '/api/v1/me/two-factor/sms',
    {
      config: { access: 'member', recentPassword: true },
      schema: {
        tags: ['two-factor'],
        summary: 'Remove the number with a current code of any factor; refused when it is the only one and two-factor authentication is required (D1).',
        body: objectSchema({ code: secondFactorCodeField }, ['code']),
        response: { 204: noContent, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const result = await removeSmsNumber(context, requireAuth(request.auth), request.body.code, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/v1/me/two-factor/sms/code',
    {
      // A5: a member who must generate new recovery codes (R6) may need a texted code to re-authenticate for it.
      config: { access: 'member', completes: ['recovery_codes_regeneration_required'] },
      schema: {
        tags: ['two-factor'],
        summary: 'Text a code to the member’s number, to confirm a change such as removing it (S2; 60 s between texts, 10 a day).',
        response: { 202: sentCodeSchema, ...problemResponses(401, 403, 404, 429, 502) },
      },
    },
    async (request, reply) => {
      const result = await textConfirmationCode(context, requireAuth(request.auth), originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(202).send(sentCodeView(result));
    },
  );

  app.post(
    '/api/v1/auth/two-factor/sms',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'During a sign-in challenge: text a code to the member’s number (S2, L1; 60 s between texts, 10 a day per member and per number).',
        response: { 202: sentCodeSchema, ...problemResponses(401, 403, 404, 429, 502) },
      },
    },
    async (request, reply) => {
      const result = await textSignInCode(context, readCookie(request.headers.cookie, challengeCookieName), originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(202).send(sentCodeView(result));
    },
  );
}
