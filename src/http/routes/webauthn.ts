// W1–W4: security keys and passkeys — a member's own (register, list, rename, remove), the second
// step of a sign-in (W2) and a passkey sign-in without a password (W3).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../services/context.js';
import { recognizeAfterSecondStep, recognizeBrowser } from '../../services/known-browsers.js';
import { resolveSession } from '../../services/sessions.js';
import { confirmWithCredential, finishWebAuthnRegistration, listCredentials, removeCredential, renameCredential, startWebAuthnConfirmation, startWebAuthnRegistration } from '../../services/webauthn.js';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '../../services/webauthn-ceremonies.js';
import { completePasskeySignIn, completeWebAuthnSecondStep, startPasskeySignIn, startWebAuthnSecondStep } from '../../services/webauthn-sign-in.js';
import { listMembersWithoutWebAuthn } from '../../store/webauthn.js';
import { readCookie } from '../cookies.js';
import { pendingMemberSchema } from '../views.js';
import { readBrowserCookie, setBrowserCookie } from '../known-browser-cookie.js';
import { challengeCookieName, clearChallengeCookie, setSessionCookie } from '../plugins/authentication.js';
import { sendProblem } from '../problem.js';
import { originOf } from '../request-origin.js';
import { requireAuth } from '../route-config.js';
import { idField, noContent, objectSchema, problemResponses, secondFactorCodeField, textField, timeField } from '../schemas.js';

const base64url = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, pattern: '^[A-Za-z0-9_-]+={0,2}$' }) as const;

/** What @simplewebauthn/browser's startRegistration returns (RegistrationResponseJSON). */
const registrationResponseSchema = objectSchema(
  {
    id: base64url(1400),
    rawId: base64url(1400),
    type: { type: 'string', enum: ['public-key'] },
    authenticatorAttachment: { type: 'string', maxLength: 40 },
    clientExtensionResults: { type: 'object' },
    response: objectSchema(
      {
        clientDataJSON: base64url(8192),
        attestationObject: base64url(65536),
        authenticatorData: base64url(65536),
        transports: { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 40 } },
        publicKeyAlgorithm: { type: 'integer' },
        publicKey: base64url(8192),
      },
      ['clientDataJSON', 'attestationObject'],
    ),
  },
  ['id', 'rawId', 'type', 'response', 'clientExtensionResults'],
);

/** What startAuthentication returns (AuthenticationResponseJSON). */
const authenticationResponseSchema = objectSchema(
  {
    id: base64url(1400),
    rawId: base64url(1400),
    type: { type: 'string', enum: ['public-key'] },
    authenticatorAttachment: { type: 'string', maxLength: 40 },
    clientExtensionResults: { type: 'object' },
    response: objectSchema(
      { clientDataJSON: base64url(8192), authenticatorData: base64url(65536), signature: base64url(8192), userHandle: { type: 'string', maxLength: 1400, pattern: '^[A-Za-z0-9_-]*={0,2}$' } },
      ['clientDataJSON', 'authenticatorData', 'signature'],
    ),
  },
  ['id', 'rawId', 'type', 'response', 'clientExtensionResults'],
);

/** Options exactly as @simplewebauthn/browser takes them (every field passed through). */
const optionsSchema = { type: 'object', additionalProperties: true, description: 'PublicKeyCredential{Creation,Request}OptionsJSON.' } as const;

const credentialSchema = objectSchema(
  {
    id: { type: 'string' },
    name: { type: 'string' },
    kind: { type: 'string', enum: ['passkey', 'security_key'] },
    storage: { type: 'string', enum: ['synced', 'device_bound'], description: 'From the backup flags: a passkey synced between devices, or bound to one.' },
    userVerified: { type: 'boolean' },
    createdAt: timeField,
    lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
  },
  ['id', 'name', 'kind', 'storage', 'userVerified', 'createdAt', 'lastUsedAt'],
);

const credentialName = textField(64, 'What the member calls it ("YubiKey 5", "MacBook").');
const iso = (ms: number) => new Date(ms).toISOString();

export function registerWebAuthnRoutes(app: FastifyInstance, context: AppContext): void {
  app.get(
    '/api/v1/me/two-factor/webauthn',
    {
      config: { access: 'member', completes: ['two_factor_setup_required'] },
      schema: { tags: ['two-factor'], summary: 'W1: the member’s security keys and passkeys.', response: { 200: objectSchema({ credentials: { type: 'array', items: credentialSchema } }, ['credentials']), ...problemResponses(401, 403) } },
    },
    async (request) => {
      const credentials = await listCredentials(context, requireAuth(request.auth).user.id);
      return { credentials: credentials.map((c) => ({ ...c, createdAt: iso(c.createdAt), lastUsedAt: c.lastUsedAt === null ? null : iso(c.lastUsedAt) })) };
    },
  );

  app.post<{ Body: { kind: 'passkey' | 'security_key' } }>(
    '/api/v1/me/two-factor/webauthn/options',
    {
      config: { access: 'member', recentPassword: true, recentSecondFactor: true, completes: ['two_factor_setup_required'] },
      schema: {
        tags: ['two-factor'],
        summary: 'W1 W4: creation options for a passkey (resident key, user verification required) or a security key (user verification preferred); the challenge is good once for 5 minutes.',
        body: objectSchema({ kind: { type: 'string', enum: ['passkey', 'security_key'] } }, ['kind']),
        response: { 200: optionsSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const result = await startWebAuthnRegistration(context, requireAuth(request.auth), request.body.kind);
      if (!result.ok) return sendProblem(reply, result);
      return result.options;
    },
  );

  app.post<{ Body: { name?: string; response: RegistrationResponseJSON } }>(
    '/api/v1/me/two-factor/webauthn',
    {
      config: { access: 'member', completes: ['two_factor_setup_required'] },
      schema: {
        tags: ['two-factor'],
        summary: 'W1: registers the new credential; returns recovery codes when it is the member’s first factor.',
        body: objectSchema({ name: credentialName, response: registrationResponseSchema }, ['response']),
        response: { 201: objectSchema({ id: { type: 'string' }, recoveryCodes: { type: 'array', items: { type: 'string' } } }, ['id']), ...problemResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const result = await finishWebAuthnRegistration(context, requireAuth(request.auth), request.body, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      if (result.session) setSessionCookie(reply, context, result.session);
      return reply.code(201).send({ id: result.id, ...(result.recoveryCodes && { recoveryCodes: result.recoveryCodes }) });
    },
  );

  app.patch<{ Params: { id: string }; Body: { name: string } }>(
    '/api/v1/me/two-factor/webauthn/:id',
    {
      config: { access: 'member' },
      schema: {
        tags: ['two-factor'],
        summary: 'W1: renames a security key or passkey.',
        params: objectSchema({ id: idField }, ['id']),
        body: objectSchema({ name: credentialName }, ['name']),
        response: { 204: noContent, ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const result = await renameCredential(context, requireAuth(request.auth), request.params.id, request.body.name, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/v1/me/two-factor/webauthn/confirm/options',
    {
      config: { access: 'member', recentPassword: true, completes: ['recovery_codes_regeneration_required', 'two_factor_setup_required'] },
      schema: { tags: ['two-factor'], summary: 'D1: request options to confirm a change with one of the member’s security keys or passkeys.', response: { 200: optionsSchema, ...problemResponses(401, 403, 404) } },
    },
    async (request, reply) => {
      const result = await startWebAuthnConfirmation(context, requireAuth(request.auth));
      if (!result.ok) return sendProblem(reply, result);
      return result.options;
    },
  );

  app.post<{ Body: { response: AuthenticationResponseJSON } }>(
    '/api/v1/me/two-factor/webauthn/confirm',
    {
      config: { access: 'member', recentPassword: true, completes: ['recovery_codes_regeneration_required', 'two_factor_setup_required'] },
      schema: {
        tags: ['two-factor'],
        summary: 'A5: after the password, one of the member’s security keys or passkeys confirms a second factor for the next 10 minutes (options from …/confirm/options; refusals count towards the L3 lock).',
        body: objectSchema({ response: authenticationResponseSchema }, ['response']),
        response: { 204: noContent, ...problemResponses(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const result = await confirmWithCredential(context, requireAuth(request.auth), request.body.response, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: { id: string }; Body: { code?: string; response?: AuthenticationResponseJSON } }>(
    '/api/v1/me/two-factor/webauthn/:id',
    {
      config: { access: 'member', recentPassword: true },
      schema: {
        tags: ['two-factor'],
        summary: 'W1 D1: removes a security key or passkey with a current code or a fresh assertion (wrong ones count towards the L3 lock); the last factor cannot go while two-factor authentication is required.',
        params: objectSchema({ id: idField }, ['id']),
        body: { ...objectSchema({ code: secondFactorCodeField, response: authenticationResponseSchema }), minProperties: 1 },
        response: { 204: noContent, ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const result = await removeCredential(context, requireAuth(request.auth), request.params.id, request.body, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/organization/webauthn/not-set-up',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['organization'],
        summary: 'W5: members without a security key or passkey — who "require phishing-resistant sign-in" would send into setup: the first 100 by name, and how many in all.',
        response: { 200: objectSchema({ users: { type: 'array', items: pendingMemberSchema }, total: { type: 'integer' } }, ['users', 'total']), ...problemResponses(401, 403) },
      },
    },
    async (request) => listMembersWithoutWebAuthn(context.db, requireAuth(request.auth).organization.id, 100),
  );

  app.post(
    '/api/v1/auth/two-factor/webauthn/options',
    {
      config: { access: 'public' },
      schema: { tags: ['auth'], summary: 'W2: during a sign-in challenge, request options for the member’s security keys and passkeys.', response: { 200: optionsSchema, ...problemResponses(401, 404, 429) } },
    },
    async (request, reply) => {
      const result = await startWebAuthnSecondStep(context, readCookie(request.headers.cookie, challengeCookieName));
      if (!result.ok) return sendProblem(reply, result);
      return result.options;
    },
  );

  app.post<{ Body: { response: AuthenticationResponseJSON; rememberBrowser?: boolean } }>(
    '/api/v1/auth/two-factor/webauthn',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'W2: the second step with a security key or passkey (challenge, origin, RP id, signature, user presence, a growing counter; accepted once).',
        body: objectSchema({ response: authenticationResponseSchema, rememberBrowser: { type: 'boolean' } }, ['response']),
        response: { 200: objectSchema({ status: { type: 'string', enum: ['signed_in'] } }, ['status']), ...problemResponses(400, 401, 415, 429) },
      },
    },
    async (request, reply) => {
      const result = await completeWebAuthnSecondStep(context, readCookie(request.headers.cookie, challengeCookieName), request.body.response, originOf(request), request.auth?.session.id);
      if (!result.ok) return sendProblem(reply, result);
      clearChallengeCookie(reply, context);
      setSessionCookie(reply, context, result.session);
      const auth = await resolveSession(context, result.session.token);
      if (auth) {
        const asked = { browserToken: readBrowserCookie(request), rememberBrowser: request.body.rememberBrowser === true };
        setBrowserCookie(reply, context, await recognizeAfterSecondStep(context, auth.user, result.method, asked, originOf(request)));
      }
      return { status: 'signed_in' };
    },
  );

  app.post(
    '/api/v1/auth/passkey/options',
    {
      config: { access: 'public' },
      schema: { tags: ['auth'], summary: 'W3: request options for a passkey sign-in without a password (any discoverable credential, user verification required).', response: { 200: optionsSchema, ...problemResponses(429) } },
    },
    async (request, reply) => {
      const result = await startPasskeySignIn(context, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return result.options;
    },
  );

  app.post<{ Body: { response: AuthenticationResponseJSON } }>(
    '/api/v1/auth/passkey',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'W3: signs in with a passkey alone (user verification required; the organization may turn it off).',
        body: objectSchema({ response: authenticationResponseSchema }, ['response']),
        response: { 200: objectSchema({ status: { type: 'string', enum: ['signed_in'] } }, ['status']), ...problemResponses(400, 403, 415, 429) },
      },
    },
    async (request, reply) => {
      const result = await completePasskeySignIn(context, request.body.response, originOf(request), request.auth?.session.id);
      if (!result.ok) return sendProblem(reply, result);
      // A pending password step of this browser ends with it.
      if (readCookie(request.headers.cookie, challengeCookieName)) clearChallengeCookie(reply, context);
      setSessionCookie(reply, context, result.session);
      setBrowserCookie(reply, context, await recognizeBrowser(context, result.user, readBrowserCookie(request), originOf(request), { notify: true }));
      return { status: 'signed_in' };
    },
  );
}
