// The invitee's side of A6: look at the invitation, then accept it with a name and password.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../services/context.js';
import { acceptInvitation, previewInvitation } from '../../services/invitations.js';
import { resolveSession } from '../../services/sessions.js';
import { recognizeBrowser } from '../../services/known-browsers.js';
import { readBrowserCookie, setBrowserCookie } from '../known-browser-cookie.js';
import { setSessionCookie } from '../plugins/authentication.js';
import { sendProblem } from '../problem.js';
import { originOf } from '../request-origin.js';
import { nameField, objectSchema, passwordField, problemResponses, roleField, tokenField } from '../schemas.js';
import { sessionStateSchema, sessionStateView } from '../views.js';

export function registerInvitationRoutes(app: FastifyInstance, context: AppContext): void {
  app.get<{ Querystring: { token: string } }>(
    '/api/v1/invitations/preview',
    {
      config: { access: 'public' },
      schema: {
        tags: ['invitations'],
        summary: 'What an invitation link is for, so the invitee knows what they accept.',
        querystring: objectSchema({ token: tokenField }, ['token']),
        response: {
          200: objectSchema({ email: { type: 'string' }, name: { type: 'string' }, role: roleField, organization: objectSchema({ name: { type: 'string' } }, ['name']) }, ['email', 'name', 'role', 'organization']),
          ...problemResponses(400),
        },
      },
    },
    async (request, reply) => {
      const result = await previewInvitation(context, request.query.token);
      if (!result.ok) return sendProblem(reply, result);
      const { invitation, organization } = result;
      return { email: invitation.email, name: invitation.name, role: invitation.role, organization: { name: organization.brandName ?? organization.name } };
    },
  );

  app.post<{ Body: { token: string; name: string; password: string } }>(
    '/api/v1/invitations/accept',
    {
      config: { access: 'public' },
      schema: {
        tags: ['invitations'],
        summary: 'Accept an invitation: set name and password, signed in (A6).',
        body: objectSchema({ token: tokenField, name: nameField, password: passwordField }, ['token', 'name', 'password']),
        response: { 201: sessionStateSchema, ...problemResponses(400, 409, 415) },
      },
    },
    async (request, reply) => {
      const name = request.body.name.trim();
      if (name === '') return sendProblem(reply, { code: 'validation_failed', fieldErrors: [{ field: 'name', message: 'Enter your name.' }] });
      const result = await acceptInvitation(context, { ...request.body, name }, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      setSessionCookie(reply, context, result.session);
      const auth = await resolveSession(context, result.session.token);
      // G1: the browser that accepted is the member's first known browser.
      setBrowserCookie(reply, context, await recognizeBrowser(context, auth!.user, readBrowserCookie(request), originOf(request), { notify: false }));
      return reply.code(201).send(sessionStateView(auth!, context.clock.now().getTime()));
    },
  );
}
