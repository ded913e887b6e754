// An in-process Tessera for integration tests: real store (SQLite or PostgreSQL), real argon2,
// the development mailbox, and a clock the test moves by hand.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { readConfig, type Config } from '../../src/config.js';
import type { Clock } from '../../src/core/ports.js';
import { buildApp } from '../../src/http/app.js';
import { createMailer, type StoredMail } from '../../src/mail/mailer.js';
import { createSmsDelivery, type SmsDelivery, type StoredText } from '../../src/sms/sms-sender.js';
import { createArgon2Hasher } from '../../src/security/passwords.js';
import { createKeyedHasher, createSecretBox, keyIdOf } from '../../src/security/secret-box.js';
import { parseServerKeys } from '../../src/security/server-key.js';
import { systemRandom } from '../../src/security/system-random.js';
import type { AppContext } from '../../src/services/context.js';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrator.js';
import { databaseThrottleCounterStore } from '../../src/throttling/database-throttle-counters.js';
import { createRedisThrottleCounters, type RedisLogger } from '../../src/throttling/redis-throttle-counters.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export class TestClock implements Clock {
  private current: number;
  constructor(start = Date.UTC(2026, 10, 23, 9, 0, 0)) {
    this.current = start;
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(milliseconds: number): void {
    this.current += milliseconds;
  }
}

export const publicUrl = 'http://tessera.test';

export interface TestApp {
  app: FastifyInstance;
  context: AppContext;
  clock: TestClock;
  store: Store;
  database: TestDatabase;
  /** S3: texts in the development outbox (SMS_PROVIDER=log), newest first. */
  texts(): readonly StoredText[];
  /** Waits for queued mail, then returns every message sent so far, newest first. */
  mail(): Promise<readonly StoredMail[]>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  sms?: SmsDelivery;
  /** Another app's database, to run a second instance on it; the app that created it drops it. */
  database?: TestDatabase;
  /** With `redisUrl` in the overrides: the prefix of the Redis counters' keys (fresh per test run). */
  redisKeyPrefix?: string;
  /** Receives the Redis counters' warnings (silent by default). */
  logger?: RedisLogger;
  /** Another clock (the OpenID Connect tests move the process's Date with it, test/support/oidc.ts). */
  clock?: TestClock;
  /** N5: the server keys, base64, the newest first (as TESSERA_SECRET_KEY); a random one by default. */
  secretKeys?: string[];
}

function randomKey() {
  const material = randomBytes(32);
  return { id: keyIdOf(material), material };
}

export async function createTestApp(overrides: Partial<Config> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const config: Config = { ...readConfig({ PUBLIC_URL: publicUrl, NODE_ENV: 'test' }), databaseUrl: database.url, ...overrides };
  const store = openStore(config.databaseUrl, { sessionCache: config.sessionCache });
  await migrateToLatest(store.db);
  const silent = { info() {}, error() {} };
  const mailer = createMailer({ smtpUrl: undefined, from: config.mailFrom, isProduction: false, logger: silent });
  const [key, ...previousKeys] = options.secretKeys ? parseServerKeys(options.secretKeys.join(',')) : [randomKey()];
  const clock = options.clock ?? new TestClock();
  const sms = options.sms ?? createSmsDelivery(config, silent);
  const redis = config.redisUrl ? createRedisThrottleCounters({ url: config.redisUrl, keyPrefix: options.redisKeyPrefix, clock, logger: options.logger ?? { ...silent, warn() {} } }) : undefined;
  // Waits for the first connection, so a test's first request already counts in Redis.
  if (redis) await redis.connected;
  const context: AppContext = {
    db: store.db,
    sessionLookup: store.sessions,
    clock,
    random: systemRandom,
    passwords: createArgon2Hasher(),
    secretBox: createSecretBox(key!, previousKeys),
    keyedHasher: createKeyedHasher(key!, previousKeys),
    mailer,
    sms,
    throttles: redis ?? databaseThrottleCounterStore,
    config,
  };
  const app = await buildApp(context);
  await app.ready();
  return {
    app,
    context,
    clock,
    store,
    database,
    texts() {
      return sms.outbox?.list() ?? [];
    },
    async mail() {
      await mailer.flush();
      return mailer.mailbox!.list();
    },
    async close() {
      await app.close();
      await redis?.close();
      await store.close();
      if (!options.database) await database.drop();
    },
  };
}
