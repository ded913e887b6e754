// Sign-up, sign-in and everything under /api/v1/auth (A1–A5).
import type { FastifyInstance } from 'fastify';
import { resendVerification, verifyEmail } from '../../services/email-verification.js';
import { confirmPasswordReset, requestPasswordReset } from '../../services/password-reset.js';
import { reauthenticate, signOut } from '../../services/account.js';
import type { AppContext } from '../../services/context.js';
import { signIn } from '../../services/sign-in.js';
import { signUp } from '../../services/sign-up.js';
import { challengeCookieName, clearChallengeCookie, clearSessionCookie, setChallengeCookie, setSessionCookie } from '../plugins/authentication.js';
import { readCookie } from '../cookies.js';
import { abandonSignInChallenge, completeSecondStep } from '../../services/second-step.js';
import { sendProblem } from '../problem.js';
import { originOf } from '../request-origin.js';
import { requireAuth } from '../route-config.js';
import { emailField, nameField, typedEmailField, noContent, objectSchema, passwordField, problemResponses, secondFactorCodeField, textField, tokenField } from '../schemas.js';
import { organizationView, requiredActionsView, sessionStateSchema, sessionStateView, userView } from '../views.js';
import { resolveSession } from '../../services/sessions.js';
import { recognizeBrowser } from '../../services/known-browsers.js';
import { readBrowserCookie, setBrowserCookie } from '../known-browser-cookie.js';

export function registerAuthRoutes(app: FastifyInstance, context: AppContext): void {
  app.post<{ Body: { organization: string; name: string; email: string; password: string } }>(
    '/api/v1/signup',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Create an organization and its first administrator, signed in (A1). At most 20 attempts in 10 minutes per client address (429 rate_limited with Retry-After).',
        body: objectSchema({ organization: textField(100, 'The organization’s name.'), name: nameField, email: emailField, password: passwordField }, ['organization', 'name', 'email', 'password']),
        response: { 201: sessionStateSchema, ...problemResponses(400, 409, 415, 429) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const result = await signUp(context, { ...body, organization: body.organization.trim(), name: body.name.trim() }, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      setSessionCookie(reply, context, result.session);
      const auth = await resolveSession(context, result.session.token);
      // G1: the browser that created the account is its first known browser (no G4 e-mail for it).
      setBrowserCookie(reply, context, await recognizeBrowser(context, auth!.user, readBrowserCookie(request), originOf(request), { notify: false }));
      return reply.code(201).send(sessionStateView(auth!, context.clock.now().getTime()));
    },
  );

  app.post<{ Body: { email: string; password: string } }>(
    '/api/v1/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with e-mail and password (A2).',
        body: objectSchema({ email: typedEmailField, password: passwordField }, ['email', 'password']),
        response: {
          200: objectSchema(
            {
              status: { type: 'string', enum: ['signed_in', 'two_factor_required', 'two_factor_setup_required'] },
              methods: { type: 'array', items: { type: 'string', enum: ['webauthn', 'totp', 'sms', 'recovery_code'] }, description: 'With two_factor_required: what the second step accepts (W2: `webauthn`, a security key or passkey, first when present).' },
              rememberBrowserDays: { type: 'integer', description: 'B2, with two_factor_required: the days `rememberBrowser` would skip the second step on this browser; absent when the organization does not allow it.' },
            },
            ['status'],
          ),
          ...problemResponses(400, 401, 415, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const result = await signIn(context, request.body, originOf(request), request.auth?.session.id, readBrowserCookie(request));
      if (!result.ok) return sendProblem(reply, result);
      switch (result.status) {
        case 'signed_in':
          setSessionCookie(reply, context, result.session);
          setBrowserCookie(reply, context, result.browser);
          return { status: result.status };
        case 'two_factor_required':
          // L1: a challenge with its own cookie, and no session.
          setChallengeCookie(reply, context, result.challenge);
          // B2: present only while the organization lets browsers be remembered.
          return { status: result.status, methods: result.methods, ...(result.rememberBrowserDays > 0 ? { rememberBrowserDays: result.rememberBrowserDays } : {}) };
        case 'two_factor_setup_required':
          // P5: a session that only opens the setup until a second factor is confirmed.
          setSessionCookie(reply, context, result.session);
          setBrowserCookie(reply, context, result.browser);
          return { status: result.status };
      }
    },
  );

  app.post<{ Body: { code: string; rememberBrowser?: boolean } }>(
    '/api/v1/auth/two-factor',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'The second step of signing in: an authenticator, texted or recovery code (L1–L4, S2).',
        body: objectSchema(
          { code: secondFactorCodeField, rememberBrowser: { type: 'boolean', description: 'B2: skip the second step on this browser for the days the organization allows (ignored when it does not, and with a recovery code).' } },
          ['code'],
        ),
        response: {
          200: objectSchema({ status: { type: 'string', enum: ['signed_in'] }, recoveryCodesRemaining: { type: 'integer', description: 'Present when a recovery code was used.' } }, ['status']),
          ...problemResponses(400, 401, 415, 429),
        },
      },
    },
    async (request, reply) => {
      const challengeToken = readCookie(request.headers.cookie, challengeCookieName);
      const browser = { token: readBrowserCookie(request), rememberBrowser: request.body.rememberBrowser === true };
      const result = await completeSecondStep(context, challengeToken, request.body.code, originOf(request), browser, request.auth?.session.id);
      if (!result.ok) return sendProblem(reply, result);
      clearChallengeCookie(reply, context);
      setSessionCookie(reply, context, result.session);
      setBrowserCookie(reply, context, result.browserCookie);
      return result.recoveryCodesRemaining === undefined ? { status: 'signed_in' } : { status: 'signed_in', recoveryCodesRemaining: result.recoveryCodesRemaining };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: 'public' },
      schema: { tags: ['auth'], summary: 'End the current session, or a sign-in waiting for its second step.', response: { 204: noContent } },
    },
    async (request, reply) => {
      if (request.auth) await signOut(context, request.auth, originOf(request));
      clearSessionCookie(reply, context);
      // Half-way through a sign-in (password given, code not yet): that challenge ends too.
      const challengeToken = readCookie(request.headers.cookie, challengeCookieName);
      if (challengeToken) {
        await abandonSignInChallenge(context, challengeToken);
        clearChallengeCookie(reply, context);
      }
      return reply.code(204).send();
    },
  );

  app.post<{ Body: { password: string; code?: string } }>(
    '/api/v1/auth/reauthenticate',
    {
      config: { access: 'member', completes: ['recovery_codes_regeneration_required', 'two_factor_setup_required'] },
      schema: {
        tags: ['auth'],
        summary:
          'Confirm the password for sensitive actions in the next 10 minutes (A5); with `code`, a current code of a member with two-factor authentication also allows replacing or revealing a second factor (a wrong code counts towards the L3 lock and confirms nothing).',
        body: objectSchema({ password: passwordField, code: secondFactorCodeField }, ['password']),
        response: { 204: noContent, ...problemResponses(400, 401, 429, 503) },
      },
    },
    async (request, reply) => {
      const result = await reauthenticate(context, requireAuth(request.auth), request.body.password, originOf(request), { code: request.body.code, browserToken: readBrowserCookie(request) });
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(204).send();
    },
  );

  app.post<{ Body: { token: string } }>(
    '/api/v1/auth/verify-email',
    {
      config: { access: 'public' },
      schema: { tags: ['auth'], summary: 'Verify the e-mail address with the e-mailed token (A1).', body: objectSchema({ token: tokenField }, ['token']), response: { 204: noContent, ...problemResponses(400, 409) } },
    },
    async (request, reply) => {
      const result = await verifyEmail(context, request.body.token, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/v1/auth/verify-email/resend',
    {
      // T1 needs a verified address, so a member limited to setup (P5) must be able to get one.
      config: { access: 'member', completes: ['two_factor_setup_required'] },
      schema: {
        tags: ['auth'],
        summary: 'Send a new verification e-mail to the signed-in member: at most 3 in 15 minutes and 10 a day, else 429 rate_limited with Retry-After.',
        response: { 202: noContent, ...problemResponses(401, 429) },
      },
    },
    async (request, reply) => {
      const result = await resendVerification(context, requireAuth(request.auth), originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(202).send();
    },
  );

  app.post<{ Body: { email: string } }>(
    '/api/v1/auth/password-reset',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'E-mail a password-reset link; the same answer for unknown addresses (A4).',
        body: objectSchema({ email: typedEmailField }, ['email']),
        response: { 202: noContent, ...problemResponses(400, 429) },
      },
    },
    async (request, reply) => {
      const result = await requestPasswordReset(context, request.body.email, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(202).send();
    },
  );

  app.post<{ Body: { token: string; password: string } }>(
    '/api/v1/auth/password-reset/confirm',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with the e-mailed token; ends every session (A4).',
        body: objectSchema({ token: tokenField, password: passwordField }, ['token', 'password']),
        response: { 204: noContent, ...problemResponses(400, 429, 503) },
      },
    },
    async (request, reply) => {
      const result = await confirmPasswordReset(context, request.body.token, request.body.password, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/session',
    {
      // Always readable, so a client learns which required actions block it.
      config: { access: 'member', completes: ['recovery_codes_regeneration_required', 'two_factor_setup_required'] },
      schema: { tags: ['session'], summary: 'The signed-in member, their organization and required actions.', response: { 200: sessionStateSchema, ...problemResponses(401) } },
    },
    async (request, reply) => {
      const auth = requireAuth(request.auth);
      const requiredActions = requiredActionsView(auth, context.clock.now().getTime());
      const actions = JSON.stringify(requiredActions);
      reply.type('application/json; charset=utf-8');
      // A session kept by the cache (store/session-cache.ts) is the same record from one check to
      // the next: its answer is serialized once per record and set of required actions (which
      // move with the clock). A change anywhere gives a new record, so nothing outlives it.
      const answered = serializedSessionStates.get(auth);
      if (answered?.actions === actions) return reply.send(answered.body);
      const body = reply.serializeInput({ user: userView(auth.user), organization: organizationView(auth.organization), requiredActions }, sessionStateSchema);
      serializedSessionStates.set(auth, { actions, body });
      return reply.send(body);
    },
  );
}

const serializedSessionStates = new WeakMap<object, { actions: string; body: string }>();
