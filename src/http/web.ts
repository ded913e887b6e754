// The built web UI (dist/web) at `/`, with index.html for every client-side route.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { isDevMailboxClient } from '../core/loopback.js';
import { sendProblem } from './problem.js';

export async function registerWebUi(app: FastifyInstance, options: { webRoot: string; hasDevMailbox: boolean; trustProxy: readonly string[] }): Promise<void> {
  const indexPath = join(options.webRoot, 'index.html');
  const indexHtml = existsSync(indexPath) ? readFileSync(indexPath) : undefined;
  if (indexHtml) {
    // The built files are fixed, so one route per file (wildcard: false); every other page path
    // falls to the not-found handler below, which answers with index.html. They are public:
    // signing in is one of the things they are for.
    await app.register(async (assets) => {
      assets.addHook('onRoute', (route) => {
        route.config = { ...route.config, access: 'public' };
      });
      await assets.register(fastifyStatic, { root: options.webRoot, index: false, wildcard: false, schemaHide: true });
    });
  }

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // /metrics lives on its own listener (N2): here it is not a page either.
    const isPage = (request.method === 'GET' || request.method === 'HEAD') && !path.startsWith('/api/') && path !== '/healthz' && path !== '/metrics';
    const isHiddenDevPage = path.startsWith('/dev/') && !(options.hasDevMailbox && isDevMailboxClient(request.socket.remoteAddress, request.headers, options.trustProxy));
    if (!isPage || isHiddenDevPage) return sendProblem(reply, { code: 'not_found' });
    if (!indexHtml) return reply.code(503).type('text/plain; charset=utf-8').send('The web interface is not built yet: run `npm run build`.');
    return reply.code(200).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(indexHtml);
  });
}
