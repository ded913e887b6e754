// REDIS_URL: request-throttling counters in Redis, shared by every instance that uses it. Each
// counter is a hash {count, windowStartedAt} under the key prefix; each write is one Lua script, so
// concurrent requests on any instance never lose a count, with the database's fixed-window
// semantics (src/store/throttles.ts) and the time passed in by the caller. PEXPIRE of the window
// length lets Redis drop dead counters itself. When Redis fails or does not answer in time, that
// call uses the database counters instead: still throttled, never stuck on an outage.
// Standalone Redis only: a claim's keys are one script call, which Redis Cluster would refuse
// unless they shared a slot.
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Clock, ThrottleClaim, ThrottleCounters } from '../core/ports.js';
import type { ThrottleCounter } from '../core/throttle-policy.js';
import type { Database } from '../store/schema.js';
import { databaseThrottleCounters, type ThrottleCounterStore } from './database-throttle-counters.js';

export const defaultKeyPrefix = 'tessera:throttle:';

/** At most one warning a minute about Redis: an outage must not flood the log. */
const warningIntervalInMs = 60 * 1000;

// KEYS[1] the counter; ARGV[1] now (ms); ARGV[2] the window length (ms). Returns {count, windowStartedAt}.
// Times are stored from ARGV as given (Lua numbers would print large values in exponent notation).
const hitScript = `
local now = tonumber(ARGV[1])
local fields = redis.call('HMGET', KEYS[1], 'count', 'windowStartedAt')
local started = tonumber(fields[2])
local result
if tonumber(fields[1]) == nil or started == nil or started <= now - tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'count', 1, 'windowStartedAt', ARGV[1])
  result = {'1', ARGV[1]}
else
  result = {tostring(redis.call('HINCRBY', KEYS[1], 'count', 1)), fields[2]}
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return result
`;

// KEYS the counters; ARGV[1] now (ms), then per key i: ARGV[2i] its limit, ARGV[2i+1] its window
// length (ms). All or nothing, as the database's claims are in one transaction: returns 0 and
// writes nothing when any counter is full in its current window, else counts one on each and returns 1.
const claimScript = `
local now = tonumber(ARGV[1])
local restarts = {}
for i, key in ipairs(KEYS) do
  local fields = redis.call('HMGET', key, 'count', 'windowStartedAt')
  local count, started = tonumber(fields[1]), tonumber(fields[2])
  if count == nil or started == nil or started <= now - tonumber(ARGV[2 * i + 1]) then
    restarts[i] = true
  elseif count >= tonumber(ARGV[2 * i]) then
    return 0
  end
end
for i, key in ipairs(KEYS) do
  if restarts[i] then
    redis.call('HSET', key, 'count', 1, 'windowStartedAt', ARGV[1])
  else
    redis.call('HINCRBY', key, 'count', 1)
  end
  redis.call('PEXPIRE', key, ARGV[2 * i + 1])
end
return 1
`;

// KEYS the counters; ARGV[1] the time they were claimed (ms). Gives one count back on each counter
// still in the window that claim counted in.
const releaseScript = `
local claimed = tonumber(ARGV[1])
for _, key in ipairs(KEYS) do
  local fields = redis.call('HMGET', key, 'count', 'windowStartedAt')
  local count, started = tonumber(fields[1]), tonumber(fields[2])
  if count ~= nil and started ~= nil and count > 0 and started <= claimed then
    redis.call('HINCRBY', key, 'count', -1)
  end
end
return 1
`;

/** The client with the scripts defined on it (EVALSHA, loaded again by ioredis when Redis forgot them). */
type ScriptedRedis = Redis & {
  throttleHit(key: string, nowInMs: string, windowInMs: string): Promise<[string, string]>;
  throttleClaim(numberOfKeys: number, ...keysThenArguments: string[]): Promise<number>;
  throttleRelease(numberOfKeys: number, ...keysThenArguments: string[]): Promise<number>;
};

export interface RedisLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface RedisThrottleCounterOptions {
  url: string;
  /** Every counter's key starts with it; tests use a fresh one per run. */
  keyPrefix?: string;
  /** Only paces the warnings; counters use the time their callers pass in. */
  clock: Clock;
  logger: RedisLogger;
  /** How long a connection attempt may take (default 1 s). */
  connectTimeoutInMs?: number;
  /** How long a command may wait for its reply before the database answers instead (default 500 ms). */
  commandTimeoutInMs?: number;
}

export interface RedisThrottleCounterStore extends ThrottleCounterStore {
  /** The first connection attempt: true when Redis answered. Until then (and whenever it is down) calls use the database. */
  readonly connected: Promise<boolean>;
  close(): Promise<void>;
}

export function createRedisThrottleCounters(options: RedisThrottleCounterOptions): RedisThrottleCounterStore {
  const keyPrefix = options.keyPrefix ?? defaultKeyPrefix;
  const redis = new Redis(options.url, {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutInMs ?? 1000,
    // A command fails at once while disconnected (no offline queue), is retried at most once after
    // a reconnect, and never waits longer than this for its reply: a request then uses the database.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutInMs ?? 500,
  }) as ScriptedRedis;
  redis.defineCommand('throttleHit', { numberOfKeys: 1, lua: hitScript });
  redis.defineCommand('throttleClaim', { lua: claimScript });
  redis.defineCommand('throttleRelease', { lua: releaseScript });

  const warnings = pacedWarnings(options.clock, options.logger);
  let isDown = false;
  // The error event carries connection failures (ioredis reconnects by itself); without a listener
  // ioredis would print them to stderr.
  redis.on('error', (error: Error) => {
    isDown = true;
    warnings.warn({ error: error.message }, 'Redis connection failed; request throttling uses the database until it answers');
  });
  redis.on('ready', () => {
    if (isDown) options.logger.info({}, 'Redis answers again; request throttling is back in Redis');
    isDown = false;
  });
  const connected = redis.connect().then(
    () => true,
    () => false,
  );

  const redisKey = (key: string) => keyPrefix + key;
  // Any failure (refused, timed out, disconnected, a script error) answers this call from the
  // database. Keys hold e-mail addresses and client addresses, so they are never logged.
  const orDatabase = async <T>(operation: string, viaRedis: () => Promise<T>, viaDatabase: () => Promise<T>): Promise<T> => {
    try {
      return await viaRedis();
    } catch (error) {
      warnings.warn({ operation, error: error instanceof Error ? error.message : String(error) }, 'Redis throttling call failed; counted in the database instead');
      return viaDatabase();
    }
  };

  return {
    connected,
    on(db: Kysely<Database>): ThrottleCounters {
      const database = databaseThrottleCounters(db);
      return {
        read: (key) => orDatabase('read', () => readCounter(redis, redisKey(key)), () => database.read(key)),
        hit: (key, nowInMs, windowInMs) =>
          orDatabase(
            'hit',
            async () => counterFrom(await redis.throttleHit(redisKey(key), String(nowInMs), String(windowInMs))),
            () => database.hit(key, nowInMs, windowInMs),
          ),
        clear: (key) =>
          orDatabase(
            'clear',
            async () => void (await redis.del(redisKey(key))),
            () => database.clear(key),
          ),
        claim: (claims, nowInMs) => orDatabase('claim', () => claimCounters(redis, claims.map((claim) => ({ ...claim, key: redisKey(claim.key) })), nowInMs), () => database.claim(claims, nowInMs)),
        release: (claims, claimedAtInMs) =>
          orDatabase(
            'release',
            async () => {
              if (claims.length > 0) await redis.throttleRelease(claims.length, ...claims.map((claim) => redisKey(claim.key)), String(claimedAtInMs));
            },
            () => database.release(claims, claimedAtInMs),
          ),
      };
    },
    async close() {
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}

async function readCounter(redis: Redis, key: string): Promise<ThrottleCounter | undefined> {
  const [count, windowStartedAt] = await redis.hmget(key, 'count', 'windowStartedAt');
  if (count === null || count === undefined || windowStartedAt === null || windowStartedAt === undefined) return undefined;
  return counterFrom([count, windowStartedAt]);
}

async function claimCounters(redis: ScriptedRedis, claims: readonly ThrottleClaim[], nowInMs: number): Promise<boolean> {
  if (claims.length === 0) return true;
  const limits = claims.flatMap(({ rule }) => [String(rule.limit), String(rule.windowInMs)]);
  return (await redis.throttleClaim(claims.length, ...claims.map((claim) => claim.key), String(nowInMs), ...limits)) === 1;
}

function counterFrom([count, windowStartedAt]: [string, string]): ThrottleCounter {
  return { count: Number(count), windowStartedAt: Number(windowStartedAt) };
}

/** Logs a warning, then stays silent for a minute, counting what it left out. */
function pacedWarnings(clock: Clock, logger: RedisLogger) {
  let lastWarnedAt: number | undefined;
  let leftOut = 0;
  return {
    warn(details: object, message: string) {
      const now = clock.now().getTime();
      if (lastWarnedAt !== undefined && now - lastWarnedAt < warningIntervalInMs) {
        leftOut++;
        return;
      }
      logger.warn({ ...details, ...(leftOut > 0 ? { similarWarningsLeftOut: leftOut } : {}) }, message);
      lastWarnedAt = now;
      leftOut = 0;
    },
  };
}
