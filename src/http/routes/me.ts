// The signed-in member's own account: profile, password, sessions (A3).
import type { FastifyInstance } from 'fastify';
import { changePassword, listOwnSessions, revokeOwnSession, updateProfile } from '../../services/account.js';
import type { AppContext } from '../../services/context.js';
import { sendProblem } from '../problem.js';
import { originOf } from '../request-origin.js';
import { requireAuth } from '../route-config.js';
import { idField, nameField, noContent, objectSchema, passwordField, problemResponses } from '../schemas.js';
import { sessionListItemSchema, sessionListItemView, userSchema, userView } from '../views.js';

export function registerMeRoutes(app: FastifyInstance, context: AppContext): void {
  app.patch<{ Body: { name: string } }>(
    '/api/v1/me',
    {
      config: { access: 'member', sensitive: true },
      schema: { tags: ['me'], summary: 'Change one’s own profile.', body: objectSchema({ name: nameField }, ['name']), response: { 200: objectSchema({ user: userSchema }, ['user']), ...problemResponses(400, 401, 403) } },
    },
    async (request, reply) => {
      const auth = requireAuth(request.auth);
      const name = request.body.name.trim();
      if (name === '') return sendProblem(reply, { code: 'validation_failed', fieldErrors: [{ field: 'name', message: 'Enter your name.' }] });
      const result = await updateProfile(context, auth, name, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return { user: userView({ ...auth.user, name: result.name }) };
    },
  );

  app.post<{ Body: { currentPassword: string; newPassword: string } }>(
    '/api/v1/me/password',
    {
      config: { access: 'member', sensitive: true },
      schema: {
        tags: ['me'],
        summary: 'Change one’s password; other sessions are signed out.',
        body: objectSchema({ currentPassword: passwordField, newPassword: passwordField }, ['currentPassword', 'newPassword']),
        response: { 204: noContent, ...problemResponses(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const result = await changePassword(context, requireAuth(request.auth), request.body.currentPassword, request.body.newPassword, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/me/sessions',
    {
      config: { access: 'member' },
      schema: { tags: ['me'], summary: 'The member’s sessions (A3).', response: { 200: objectSchema({ sessions: { type: 'array', items: sessionListItemSchema } }, ['sessions']), ...problemResponses(401) } },
    },
    async (request) => {
      const auth = requireAuth(request.auth);
      const sessions = await listOwnSessions(context, auth);
      return { sessions: sessions.map((s) => sessionListItemView(s, auth.session.id)) };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/me/sessions/:id',
    {
      config: { access: 'member' },
      schema: { tags: ['me'], summary: 'End one of the member’s sessions (A3).', params: objectSchema({ id: idField }, ['id']), response: { 204: noContent, ...problemResponses(400, 401, 404) } },
    },
    async (request, reply) => {
      const result = await revokeOwnSession(context, requireAuth(request.auth), request.params.id, originOf(request));
      if (!result.ok) return sendProblem(reply, result);
      return reply.code(204).send();
    },
  );
}
