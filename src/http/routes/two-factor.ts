// A member's own two-factor settings (T1–T6, R3–R5, D1).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../services/context.js';
import { confirmTotpEnrollment, disableTwoFactor, readTwoFactorStatus, regenerateRecoveryCodes, showRecoveryCodes, startTotpEnrollment } from '../../services/two-factor-settings.js';
import { setSessionCookie } from '../plugins/authentication.js';
import { sendProblem } from '../problem.js';
import { originOf } from '../request-origin.js';
import { requireAuth } from '../route-config.js';
import { noContent, objectSchema, problemResponses, secondFactorCodeField, timeField } from '../schemas.js';

const codeList = { type: 'array', items: { type: 'string', pattern: '^\\d{4}-\\d{4}$' } } as const;

export function registerTwoFactorRoutes(app: FastifyInstance, context: AppContext): void {
  app.get(
    '/api/v1/me/two-factor',
    {
      config: { access: 'member', completes: ['recovery_codes_regeneration_required', 'two_factor_setup_required'] },
      schema: {
        tags: ['two-factor'],
        summary: 'Whether two-factor authentication is on, required, and how many recovery codes remain.',
        response: {
          200: objectSchema(
            {
              enabled: { type: 'boolean' },
              required: { type: 'boolean' },
              methods: { type: 'array', items: { type: 'string', enum: ['totp', 'sms', 'webauthn'] } },
              recoveryCodes: objectSchema({ remaining: { type: 'integer' }, total: { type: 'integer' } }, ['remaining', 'total']),
              sms: objectSchema(
                {
                  phoneNumber: { type: ['string', 'null'], description: 'The active number, masked ("+41 •• ••• •• 67"); null without one.' },
                  allowed: { type: 'boolean', description: 'S4: false when the organization does not allow text messages; a number stays but is not offered.' },
                  allowedCountries: { type: ['array', 'null'], items: { type: 'string' }, description: 'The countries (ISO 3166-1 alpha-2) a new number may be from; null = any.' },
                },
                ['phoneNumber', 'allowed', 'allowedCountries'],
              ),
            },
            ['enabled', 'required', 'methods', 'recoveryCodes', 'sms'],
          ),
          ...problemResponses(401, 403),
        },
      },
    },
    async (request) => readTwoFactorStatus(context, requireAuth(request.auth)),
  );

  app.post(
    '/api/v1/me/two-factor/totp',
    {
      config: { access: 'member', recentPassword: true, recentSecondFactor: true, completes: ['two_factor_setup_required'] },
      schema: {
        tags: ['two-factor'],
        summary: 'Start setting up an authenticator app; open for 10 minutes, replacing a pending setup (T1–T3).',
        response: {
          201: objectSchema(
            {
              secret: { type: 'string', description: 'The base32 key, for typing by hand.' },
              otpauthUri: { type: 'string' },
              qrCodeSvg: { type: 'string' },
              expiresAt: timeField,
            },
            ['secret', 'otpauthUri', 'qrCodeSvg', 'expiresAt'],
          ),
          ...problemResponses(401, 403),
        },
      },
    },
    async (request, reply) => {
      const result = await startTotpEnrollment(context, requireAuth(request.auth));
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(201).send({ ...result.enrollment, expiresAt: new Date(result.enrollment.expiresAt).toISOString() });
    },
  );

  app.post<{ Body: { code: string } }>(
    '/api/v1/me/two-factor/totp/confirm',
    {
      config: { access: 'member', completes: ['two_factor_setup_required'] },
      schema: {
        tags: ['two-factor'],
        summary: 'Activate the pending authenticator with a current code; returns new recovery codes (T4–T6).',
        body: objectSchema({ code: secondFactorCodeField }, ['code']),
        response: { 200: objectSchema({ recoveryCodes: codeList }, ['recoveryCodes']), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const result = await confirmTotpEnrollment(context, requireAuth(request.auth), request.body.code, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      // P5 A3: a setup-only session was replaced; the old token no longer works.
      if (result.session) setSessionCookie(reply, context, result.session);
      return { recoveryCodes: result.recoveryCodes };
    },
  );

  app.get(
    '/api/v1/me/two-factor/recovery-codes',
    {
      config: { access: 'member', recentPassword: true, recentSecondFactor: true },
      schema: {
        tags: ['two-factor'],
        summary: 'The recovery codes, used ones with their date of use (R3).',
        response: {
          200: objectSchema({ codes: { type: 'array', items: objectSchema({ code: { type: 'string' }, usedAt: { type: ['string', 'null'], format: 'date-time' } }, ['code', 'usedAt']) } }, ['codes']),
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const result = await showRecoveryCodes(context, requireAuth(request.auth));
      if (!result.ok) return sendProblem(reply, result);
      return { codes: result.codes.map((c) => ({ code: c.code, usedAt: c.usedAt === null ? null : new Date(c.usedAt).toISOString() })) };
    },
  );

  app.post(
    '/api/v1/me/two-factor/recovery-codes',
    {
      config: { access: 'member', recentPassword: true, recentSecondFactor: true, completes: ['recovery_codes_regeneration_required'] },
      schema: {
        tags: ['two-factor'],
        summary: 'Replace every recovery code with a new set (R5, R6).',
        response: { 200: objectSchema({ codes: codeList }, ['codes']), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const result = await regenerateRecoveryCodes(context, requireAuth(request.auth), originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return { codes: result.codes };
    },
  );

  app.delete<{ Body: { code: string } }>(
    '/api/v1/me/two-factor',
    {
      config: { access: 'member', recentPassword: true },
      schema: {
        tags: ['two-factor'],
        summary: 'Turn two-factor authentication off with a current code, when not required (D1); wrong codes count towards the L3 lock.',
        body: objectSchema({ code: secondFactorCodeField }, ['code']),
        response: { 204: noContent, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const result = await disableTwoFactor(context, requireAuth(request.auth), request.body.code, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(204).send();
    },
  );
}
