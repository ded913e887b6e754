// Health, the OpenAPI document and the development mailbox.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { isDevMailboxClient } from '../../core/loopback.js';
import type { AppContext } from '../../services/context.js';
import { sendProblem } from '../problem.js';
import { objectSchema } from '../schemas.js';

export function registerSystemRoutes(app: FastifyInstance, context: AppContext): void {
  app.get(
    '/healthz',
    { config: { access: 'public' }, schema: { tags: ['system'], summary: 'Liveness and database reachability.', response: { 200: objectSchema({ status: { type: 'string' } }, ['status']) } } },
    async () => {
      await sql`select 1`.execute(context.db);
      return { status: 'ok' };
    },
  );

  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  const mailbox = context.mailer.mailbox;
  const outbox = context.sms.outbox;
  if (!mailbox && !outbox) return;
  app.get(
    '/api/dev/mailbox',
    {
      config: { access: 'public' },
      // It shows every e-mailed link: only to this machine, by the socket's address (a forwarded
      // one could be forged) and never through a proxy; others get the same 404 as when there is
      // no mailbox.
      onRequest: (request, reply, done) => {
        if (isDevMailboxClient(request.socket.remoteAddress, request.headers, context.config.trustProxy)) done();
        else sendProblem(reply, { code: 'not_found' });
      },
      schema: {
        tags: ['development'],
        summary: 'Messages sent while no SMTP server is configured, and texts while SMS_PROVIDER is log (absent in production).',
        response: {
          200: objectSchema({
            messages: {
              type: 'array',
              items: objectSchema({ id: { type: 'integer' }, to: { type: 'string' }, subject: { type: 'string' }, text: { type: 'string' }, html: { type: 'string' }, sentAt: { type: 'string' } }, ['id', 'to', 'subject', 'text', 'html', 'sentAt']),
            },
            texts: {
              type: 'array',
              description: 'S3: the development outbox of text messages, newest first.',
              items: objectSchema({ to: { type: 'string' }, body: { type: 'string' }, sentAt: { type: 'string' } }, ['to', 'body', 'sentAt']),
            },
          }, ['messages', 'texts']),
        },
      },
    },
    async () => ({ messages: mailbox?.list() ?? [], texts: outbox?.list() ?? [] }),
  );
}
