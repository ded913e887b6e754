// Wires the real clock, randomness, key, store, mailer and server, and starts serving.
import { fileURLToPath } from 'node:url';
import { readConfig, type Config } from './config.js';
import { buildApp } from './http/app.js';
import { createMailer, type MailLogger } from './mail/mailer.js';
import { startMetricsServer, withTextMetrics, withThrottleMetrics } from './metrics/instrumentation.js';
import { createMetrics } from './metrics/metrics.js';
import { createSmsDelivery } from './sms/sms-sender.js';
import { createArgon2Hasher } from './security/passwords.js';
import { createKeyedHasher, createSecretBox } from './security/secret-box.js';
import { loadServerKey } from './security/server-key.js';
import { systemClock, systemRandom } from './security/system-random.js';
import type { AppContext } from './services/context.js';
import { startBackchannelLogoutJob } from './oidc/backchannel-logout.js';
import { startHousekeepingJob } from './services/housekeeping.js';
import { startIdleHeapCompaction } from './runtime/idle-heap-compaction.js';
import { startTwoFactorReminderJob } from './services/two-factor-reminders.js';
import { openStore, type Store } from './store/database.js';
import { migrateToLatest } from './store/migrator.js';
import { databaseThrottleCounterStore, type ThrottleCounterStore } from './throttling/database-throttle-counters.js';
import { createRedisThrottleCounters } from './throttling/redis-throttle-counters.js';

export const webRoot = fileURLToPath(new URL('../../dist/web', import.meta.url));

export interface Runtime {
  context: AppContext;
  store: Store;
  close(): Promise<void>;
}

/** Opens everything a server or a CLI command needs; migrations run first. */
export async function openRuntime(config: Config, logger: MailLogger & { warn(object: object, message: string): void }): Promise<Runtime> {
  const loaded = loadServerKey({ secretKey: config.secretKey, isProduction: config.isProduction, dataDir: config.dataDir });
  if (loaded.generatedAt) logger.warn({ path: loaded.generatedAt }, 'generated a server key for development; set TESSERA_SECRET_KEY in production');
  const store = openStore(config.databaseUrl, { sessionCache: config.sessionCache, backgroundCheckpoints: true });
  await migrateToLatest(store.db);
  const metrics = config.metrics ? createMetrics({ databasePool: store.poolStats }) : undefined;
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, isProduction: config.isProduction, devMailbox: config.devMailbox, logger, onDelivery: metrics?.observeMail });
  const throttles = await openThrottleCounters(config, logger);
  const sms = createSmsDelivery(config, logger);
  const context: AppContext = {
    db: store.db,
    sessionLookup: store.sessions,
    clock: systemClock,
    random: systemRandom,
    passwords: createArgon2Hasher({ maxWaiting: config.passwordHashQueue }),
    secretBox: createSecretBox(loaded.key, loaded.previous),
    keyedHasher: createKeyedHasher(loaded.key, loaded.previous),
    mailer,
    sms: metrics ? withTextMetrics(sms, metrics) : sms,
    throttles: metrics ? withThrottleMetrics(throttles.store, metrics) : throttles.store,
    config,
    metrics,
  };
  return {
    context,
    store,
    async close() {
      await mailer.flush();
      mailer.close();
      await throttles.close();
      await store.close();
    },
  };
}

/**
 * REDIS_URL set: counters in Redis, waiting for the first connection (at most its timeout);
 * Redis being down at start is a warning, not a failure, since the database answers meanwhile.
 */
async function openThrottleCounters(config: Config, logger: MailLogger & { warn(object: object, message: string): void }): Promise<{ store: ThrottleCounterStore; close(): Promise<void> }> {
  if (!config.redisUrl) return { store: databaseThrottleCounterStore, close: async () => {} };
  const redis = createRedisThrottleCounters({ url: config.redisUrl, clock: systemClock, logger });
  if (await redis.connected) logger.info({}, 'request throttling counters are in Redis');
  return { store: redis, close: () => redis.close() };
}

/** A serving instance: its address, and the graceful shutdown the signals trigger (N3). */
export interface ServingInstance {
  app: Awaited<ReturnType<typeof buildApp>>;
  /** Where it listens, e.g. http://127.0.0.1:3000. */
  address: string;
  /** Where /metrics listens (N2), when METRICS_PORT is set. */
  metricsAddress: string | undefined;
  /**
   * N3: readiness turns 503 and, after `shutdownDrainInMs` of still serving (so that balancers
   * polling /readyz stop sending first), the listener stops accepting; requests in flight are answered (idle
   * keep-alive connections close at once; after `shutdownTimeoutInMs` the rest are cut), the
   * periodic jobs stop, then the database and Redis close. Calling it again returns the same promise.
   */
  shutdown(): Promise<void>;
}

/** N3: how long a connection without a request may stay open once the server stops accepting. */
const idleConnectionGraceInMs = 1000;

export async function startInstance(config: Config, bootLogger = consoleLogger(config.logLevel)): Promise<ServingInstance> {
  const runtime = await openRuntime(config, bootLogger);
  let isShuttingDown = false;
  const app = await buildApp(runtime.context, { webRoot, logger: { level: config.logLevel }, isShuttingDown: () => isShuttingDown });
  const reminders = startTwoFactorReminderJob(runtime.context, bootLogger);
  const housekeeping = startHousekeepingJob(runtime.context, bootLogger);
  // O6: revokes the tokens of ended sessions and notifies applications (back-channel logout).
  const backchannelLogout = startBackchannelLogoutJob(runtime.context, app.oidcProvider, bootLogger);
  // Issue 16: memory a burst grew is given back once the server is quiet again.
  const heapCompaction = startIdleHeapCompaction(bootLogger);
  const address = await app.listen({ port: config.port, host: config.host });
  // N2: /metrics on a listener of its own, never on the public port.
  const metricsServer = runtime.context.metrics && config.metrics ? await startMetricsServer(runtime.context.metrics, config.metrics) : undefined;
  app.log.info({ url: config.publicUrl.toString(), address, metrics: metricsServer?.address, database: runtime.store.kind }, 'Tessera is ready');
  let shutdown: Promise<void> | undefined;
  return {
    app,
    address,
    metricsAddress: metricsServer?.address,
    shutdown() {
      shutdown ??= (async () => {
        isShuttingDown = true;
        if (config.shutdownDrainInMs > 0) {
          // A connection the kernel accepts just before the listener closes is reset, and a
          // balancer cannot tell whether such a POST ran: so let balancers see /readyz fail first.
          app.log.info({ drainInMs: config.shutdownDrainInMs }, 'shutting down: readiness fails, still serving while balancers notice');
          await new Promise((resolve) => setTimeout(resolve, config.shutdownDrainInMs));
        }
        app.log.info({ timeoutInMs: config.shutdownTimeoutInMs }, 'shutting down: answering the requests in flight');
        const cutOff = setTimeout(() => {
          app.log.warn({}, 'shutdown timeout: closing the connections still open');
          app.server.closeAllConnections();
        }, config.shutdownTimeoutInMs);
        // A keep-alive connection closes as soon as its request is answered (not after the usual
        // idle timeout), so clients reconnect to another instance and the close does not wait.
        // Connections without a request are closed only after a grace period: one accepted just
        // before the listener closed may not have delivered its request yet, or its request may
        // still wait unread in the socket. Node's server.close() would close such "idle"
        // connections at once, so that step waits for the grace period too.
        app.server.keepAliveTimeout = 1;
        const closeIdleConnections = app.server.closeIdleConnections.bind(app.server);
        app.server.closeIdleConnections = () => {};
        let closeIdle: NodeJS.Timeout | undefined;
        const graceOver = setTimeout(() => {
          closeIdleConnections();
          closeIdle = setInterval(closeIdleConnections, 100);
        }, idleConnectionGraceInMs);
        try {
          await app.close();
        } finally {
          clearTimeout(cutOff);
          clearTimeout(graceOver);
          clearInterval(closeIdle);
        }
        heapCompaction.stop();
        await Promise.all([reminders.stop(), housekeeping.stop(), backchannelLogout.stop(), metricsServer?.close()]);
        await runtime.close();
        bootLogger.info({}, 'Tessera stopped');
      })();
      return shutdown;
    },
  };
}

export async function startServer(config: Config = readConfig()): Promise<void> {
  const bootLogger = consoleLogger(config.logLevel);
  const instance = await startInstance(config, bootLogger);
  const stop = (signal: string) => {
    bootLogger.info({ signal }, 'received a stop signal');
    instance.shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        bootLogger.error({ err: error instanceof Error ? error.message : String(error) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

const logLevelOrder: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Number.POSITIVE_INFINITY };

/** The lines of everything outside a request's own logger (mail, texts, jobs), at LOG_LEVEL and above. */
export function consoleLogger(level = 'info'): MailLogger & { warn(object: object, message: string): void } {
  // N4: the mailer and the text sender put the id of the request a line is for (when there is
  // one) in `object`; passed explicitly, because tracking it implicitly (AsyncLocalStorage) cost a
  // fifth of the session check's throughput on Node 20.
  const minimum = logLevelOrder[level] ?? logLevelOrder.info!;
  const write = (lineLevel: string) =>
    logLevelOrder[lineLevel]! < minimum
      ? () => undefined
      : (object: object, message: string) => process.stdout.write(JSON.stringify({ level: lineLevel, time: new Date().toISOString(), msg: message, ...object }) + '\n');
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
