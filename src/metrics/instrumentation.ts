// N2: where the metrics are read: wrappers around the throttling counters and the text sender,
// the HTTP timing hook, and the listener of its own that serves /metrics (never the public port).
import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { decideThrottle } from '../core/throttle-policy.js';
import type { SmsDelivery } from '../sms/sms-sender.js';
import type { ThrottleCounterStore } from '../throttling/database-throttle-counters.js';
import type { Metrics } from './metrics.js';

/** Counts refused claims by the rule that refused (looked up only on a refusal, so claims that pass cost nothing more). */
export function withThrottleMetrics(store: ThrottleCounterStore, metrics: Metrics): ThrottleCounterStore {
  return {
    on(db) {
      const counters = store.on(db);
      return {
        ...counters,
        async claim(claims, nowInMs) {
          const claimed = await counters.claim(claims, nowInMs);
          if (claimed) return true;
          for (const { key, rule } of claims) {
            if (!decideThrottle(await counters.read(key), rule, nowInMs).ok) {
              metrics.observeThrottled(rule.name);
              return false;
            }
          }
          // The counter moved on between the refusal and the look-up: name the first rule.
          if (claims[0]) metrics.observeThrottled(claims[0].rule.name);
          return false;
        },
      };
    },
  };
}

export function withTextMetrics(sms: SmsDelivery, metrics: Metrics): SmsDelivery {
  return {
    outbox: sms.outbox,
    async send(message, origin) {
      try {
        await sms.send(message, origin);
        metrics.observeText('sent');
      } catch (error) {
        metrics.observeText('failed');
        throw error;
      }
    },
  };
}

/** Only registered when metrics are on, so a server without them pays nothing per request. */
export function registerHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    // The route pattern (`/api/v1/organization/users/:id`), never the URL: labels stay bounded.
    const route = request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched');
    metrics.observeHttpRequest(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}

/** `GET /metrics` in Prometheus text format on METRICS_HOST:METRICS_PORT; anything else 404. */
export async function startMetricsServer(metrics: Metrics, options: { host: string; port: number }): Promise<{ server: Server; address: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: metrics are at /metrics.\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics failed: ${error instanceof Error ? error.message : String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const bound = server.address();
  const address = typeof bound === 'object' && bound ? `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}` : String(bound);
  return {
    server,
    address,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
