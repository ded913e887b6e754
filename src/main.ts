// Wires the real clock, randomness, key, store, mailer and server, and starts serving.
import { fileURLToPath } from 'node:url';
import { readConfig, type Config } from './config.js';
import { buildApp } from './http/app.js';
import { createMailer, type MailLogger } from './mail/mailer.js';
import { createSmsDelivery } from './sms/sms-sender.js';
import { createArgon2Hasher } from './security/passwords.js';
import { createKeyedHasher, createSecretBox } from './security/secret-box.js';
import { loadServerKey } from './security/server-key.js';
import { systemClock, systemRandom } from './security/system-random.js';
import type { AppContext } from './services/context.js';
import { startBackchannelLogoutJob } from './oidc/backchannel-logout.js';
import { startHousekeepingJob } from './services/housekeeping.js';
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
  const store = openStore(config.databaseUrl);
  await migrateToLatest(store.db);
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, isProduction: config.isProduction, devMailbox: config.devMailbox, logger });
  const throttles = await openThrottleCounters(config, logger);
  const context: AppContext = {
    db: store.db,
    sessionLookup: store.sessions,
    clock: systemClock,
    random: systemRandom,
    passwords: createArgon2Hasher(),
    secretBox: createSecretBox(loaded.key),
    keyedHasher: createKeyedHasher(loaded.key),
    mailer,
    sms: createSmsDelivery(config, logger),
    throttles: throttles.store,
    config,
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

export async function startServer(config: Config = readConfig()): Promise<void> {
  const bootLogger = consoleLogger();
  const runtime = await openRuntime(config, bootLogger);
  const app = await buildApp(runtime.context, { webRoot, logger: { level: config.logLevel } });
  const reminders = startTwoFactorReminderJob(runtime.context, bootLogger);
  const housekeeping = startHousekeepingJob(runtime.context, bootLogger);
  const backchannelLogout = startBackchannelLogoutJob(runtime.context, app.oidcProvider, bootLogger);
  const shutdown = async () => {
    await app.close();
    await Promise.all([reminders.stop(), housekeeping.stop(), backchannelLogout.stop()]);
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  await app.listen({ port: config.port, host: config.host });
  app.log.info({ url: config.publicUrl.toString(), database: runtime.store.kind }, 'Tessera is ready');
}

export function consoleLogger(): MailLogger & { warn(object: object, message: string): void } {
  const write = (level: string) => (object: object, message: string) => process.stdout.write(JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...object }) + '\n');
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
