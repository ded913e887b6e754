// Reads the environment once, validates it, and hands a plain object down. Nothing else reads
// process.env, so tests build a Config directly.
import { resolve } from 'node:path';
import { isLoopbackHost } from './core/loopback.js';
import { parseCidr } from './core/cidr.js';
import { defaultSessionLifetime, type SessionLifetime } from './core/session-policy.js';

export interface Config {
  port: number;
  host: string;
  publicUrl: URL;
  databaseUrl: string;
  dataDir: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  smsProvider: 'log' | 'twilio';
  /** S3: set exactly when smsProvider is `twilio`. */
  twilio: { accountSid: string; authToken: string; from: string; apiBase: string } | undefined;
  /** Issue 10 item 6: texts sent in 24 hours, per organization and for the whole deployment. */
  smsDailyLimitPerOrganization: number;
  smsDailyLimit: number;
  /** `redis://` or `rediss://`: request-throttling counters shared in Redis; unset: in the database. */
  redisUrl: string | undefined;
  secretKey: string | undefined;
  isProduction: boolean;
  /**
   * The development mailbox (`/dev/mailbox`): outside production, while no SMTP_URL is set, and
   * only on a loopback listener unless DEV_MAILBOX=1 asks for it (DEV_MAILBOX=0 turns it off).
   */
  devMailbox: boolean;
  /** Issue 16 item 3: keep recent session look-ups, forgotten on every change (SESSION_CACHE=0: off). */
  sessionCache: boolean;
  sessionLifetime: SessionLifetime;
  /** N3: how long a stopping server answers the requests in flight before cutting them off. */
  shutdownTimeoutInMs: number;
  /** N3: how long readiness answers 503 while the listener still serves, so balancers stop sending first. */
  shutdownDrainInMs: number;
  /** N2: where /metrics listens (METRICS_PORT, METRICS_HOST); unset: no metrics. */
  metrics: { port: number; host: string } | undefined;
  logLevel: string;
  /**
   * G2: addresses or CIDR blocks of the reverse proxies whose `X-Forwarded-For` is believed
   * (TRUST_PROXY, comma-separated); empty: none, the client address is the socket's.
   */
  trustProxy: string[];
  /** Password hashes that may wait for a core before new ones answer 503 `busy` (PASSWORD_HASH_QUEUE). */
  passwordHashQueue: number;
}

/** One or more settings are wrong; `problems` names each (N6: `tessera config check` lists them all). */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string | string[]) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.join('\n'));
    this.problems = list;
  }
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function readPublicUrl(env: NodeJS.ProcessEnv, port: number): URL {
  const raw = env.PUBLIC_URL || `http://localhost:${port}`;
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (!url) throw new ConfigError('PUBLIC_URL must be an absolute URL such as https://auth.example.com.');
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError('PUBLIC_URL must start with http:// or https://.');
  return url;
}

function readDatabaseUrl(env: NodeJS.ProcessEnv, dataDir: string): string {
  const raw = env.DATABASE_URL || resolve(dataDir, 'tessera.db');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) && !/^postgres(ql)?:\/\//i.test(raw)) {
    throw new ConfigError('DATABASE_URL must be a SQLite file path or a postgres:// URL.');
  }
  if (/^postgres(ql)?:\/\//i.test(raw)) {
    const url = URL.canParse(raw) ? new URL(raw) : undefined;
    if (!url || url.hostname === '') throw new ConfigError('DATABASE_URL is not a valid postgres:// URL (postgres://user@host:5432/database).');
  }
  return raw;
}

function readSmsProvider(env: NodeJS.ProcessEnv): Config['smsProvider'] {
  const provider = env.SMS_PROVIDER || 'log';
  if (provider !== 'log' && provider !== 'twilio') throw new ConfigError('SMS_PROVIDER must be `log` or `twilio`.');
  return provider;
}

/**
 * The keys themselves are loaded by security/server-key.ts; their shape is a configuration error.
 * N5: several keys separated by commas, the newest first; each entry's mistake is named.
 */
function checkSecretKey(secretKey: string | undefined, isProduction: boolean): void {
  if (secretKey === undefined) {
    if (isProduction) throw new ConfigError('TESSERA_SECRET_KEY is required when NODE_ENV=production (openssl rand -base64 32).');
    return;
  }
  const entries = secretKey.split(',').map((entry) => entry.trim());
  const shape = 'must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)';
  if (entries.length === 1) {
    if (!isKeyShaped(entries[0]!)) throw new ConfigError(`TESSERA_SECRET_KEY ${shape}.`);
    return;
  }
  const mistakes: string[] = [];
  entries.forEach((entry, index) => {
    if (entry === '') mistakes.push(`key ${index + 1} is empty`);
    else if (!isKeyShaped(entry)) mistakes.push(`key ${index + 1} ${shape}`);
    else if (entries.slice(0, index).some((earlier) => isKeyShaped(earlier) && Buffer.from(earlier, 'base64').equals(Buffer.from(entry, 'base64')))) mistakes.push(`key ${index + 1} repeats an earlier key`);
  });
  if (mistakes.length > 0) throw new ConfigError(`TESSERA_SECRET_KEY (several keys, separated by commas, the newest first): ${mistakes.join('; ')}.`);
}

function isKeyShaped(entry: string): boolean {
  return /^[A-Za-z0-9+/]+={0,2}$/.test(entry) && Buffer.from(entry, 'base64').length === 32;
}

function readInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}.`);
  return value;
}

function readTwilioSettings(env: NodeJS.ProcessEnv): NonNullable<Config['twilio']> {
  const accountSid = env.TWILIO_ACCOUNT_SID || '';
  const authToken = env.TWILIO_AUTH_TOKEN || '';
  const from = env.TWILIO_FROM || '';
  if (!accountSid || !authToken || !from) throw new ConfigError('SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM.');
  const apiBase = env.TWILIO_API_BASE || 'https://api.twilio.com';
  try {
    const url = new URL(apiBase);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('protocol');
  } catch {
    throw new ConfigError('TWILIO_API_BASE must be an absolute URL such as https://api.twilio.com.');
  }
  return { accountSid, authToken, from, apiBase };
}

function readDevMailbox(env: NodeJS.ProcessEnv, host: string, isProduction: boolean): boolean {
  const raw = env.DEV_MAILBOX || undefined;
  if (raw !== undefined && raw !== '0' && raw !== '1') throw new ConfigError('DEV_MAILBOX must be 1 (on) or 0 (off).');
  if (isProduction || env.SMTP_URL) return false;
  return raw === undefined ? isLoopbackHost(host) : raw === '1';
}

function readSessionCache(env: NodeJS.ProcessEnv): boolean {
  const raw = env.SESSION_CACHE || undefined;
  if (raw !== undefined && raw !== '0' && raw !== '1') throw new ConfigError('SESSION_CACHE must be 1 (on) or 0 (off).');
  return raw !== '0';
}

function readRedisUrl(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.REDIS_URL || undefined;
  if (raw === undefined) return undefined;
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    throw new ConfigError('REDIS_URL must start with redis:// or rediss:// and name a host, such as redis://127.0.0.1:6379.');
  }
  return raw;
}

function readTrustProxy(env: NodeJS.ProcessEnv): string[] {
  const entries = (env.TRUST_PROXY ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of entries) {
    if (!parseCidr(entry)) throw new ConfigError(`TRUST_PROXY must list IP addresses or CIDR blocks separated by commas, such as 10.0.0.1,192.168.0.0/16; "${entry}" is neither.`);
  }
  return entries;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  // N6: every setting is read even after one fails, so one run names every mistake.
  const read = <T>(reader: () => T, fallback: T): T => {
    try {
      return reader();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return fallback;
    }
  };
  const port = read(() => readInteger(env, 'PORT', 3000, 0, 65535), 3000);
  const host = env.HOST || '127.0.0.1';
  const publicUrl = read(() => readPublicUrl(env, port), new URL('http://localhost'));
  const dataDir = resolve(env.TESSERA_DATA_DIR || './data');
  const databaseUrl = read(() => readDatabaseUrl(env, dataDir), '');
  const smsProvider = read(() => readSmsProvider(env), 'log');
  const twilio = smsProvider === 'twilio' ? read(() => readTwilioSettings(env), undefined) : undefined;
  const smtpUrl = env.SMTP_URL || undefined;
  if (smtpUrl && !/^smtps?:\/\/[^/]/.test(smtpUrl)) problems.push('SMTP_URL must start with smtp:// or smtps:// and name a host, such as smtp://mail.example.com:587.');
  const redisUrl = read(() => readRedisUrl(env), undefined);
  const isProduction = env.NODE_ENV === 'production';
  const secretKey = env.TESSERA_SECRET_KEY || undefined;
  read(() => checkSecretKey(secretKey, isProduction), undefined);
  const logLevel = env.LOG_LEVEL || 'info';
  if (!logLevels.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${logLevels.join(', ')}.`);
  const hour = 60 * 60 * 1000;
  const config: Config = {
    port,
    host,
    publicUrl,
    databaseUrl,
    dataDir,
    smtpUrl,
    mailFrom: env.MAIL_FROM || 'Tessera <no-reply@localhost>',
    smsProvider,
    twilio,
    // Every text costs money and a leaked form can be pumped: a cap bounds the bill. The defaults
    // fit about one sign-in text a day for a thousand people per organization.
    smsDailyLimitPerOrganization: read(() => readInteger(env, 'SMS_DAILY_LIMIT_PER_ORGANIZATION', 1000, 1, 10_000_000), 1000),
    smsDailyLimit: read(() => readInteger(env, 'SMS_DAILY_LIMIT', 10_000, 1, 100_000_000), 10_000),
    redisUrl,
    secretKey,
    isProduction,
    devMailbox: read(() => readDevMailbox(env, host, isProduction), false),
    sessionCache: read(() => readSessionCache(env), true),
    sessionLifetime: {
      idleTimeoutInMs: read(() => readInteger(env, 'SESSION_IDLE_HOURS', defaultSessionLifetime.idleTimeoutInMs / hour, 1, 24 * 365), 1) * hour,
      absoluteTimeoutInMs: read(() => readInteger(env, 'SESSION_ABSOLUTE_DAYS', defaultSessionLifetime.absoluteTimeoutInMs / (24 * hour), 1, 3650), 1) * 24 * hour,
    },
    shutdownTimeoutInMs: read(() => readInteger(env, 'SHUTDOWN_TIMEOUT_SECONDS', 10, 0, 600), 10) * 1000,
    shutdownDrainInMs: read(() => readInteger(env, 'SHUTDOWN_DRAIN_SECONDS', 0, 0, 300), 0) * 1000,
    metrics: env.METRICS_PORT ? { port: read(() => readInteger(env, 'METRICS_PORT', 9464, 0, 65535), 9464), host: env.METRICS_HOST || '127.0.0.1' } : undefined,
    logLevel,
    trustProxy: read(() => readTrustProxy(env), []),
    passwordHashQueue: read(() => readInteger(env, 'PASSWORD_HASH_QUEUE', 64, 0, 100000), 64),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
