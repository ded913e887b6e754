// Reads the environment once, validates it, and hands a plain object down. Nothing else reads
// process.env, so tests build a Config directly.
import { resolve } from 'node:path';
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
  /** `redis://` or `rediss://`: request-throttling counters shared in Redis; unset: in the database. */
  redisUrl: string | undefined;
  secretKey: string | undefined;
  isProduction: boolean;
  sessionLifetime: SessionLifetime;
  logLevel: string;
  /**
   * G2: addresses or CIDR blocks of the reverse proxies whose `X-Forwarded-For` is believed
   * (TRUST_PROXY, comma-separated); empty: none, the client address is the socket's.
   */
  trustProxy: string[];
  /** Password hashes that may wait for a core before new ones answer 503 `busy` (PASSWORD_HASH_QUEUE). */
  passwordHashQueue: number;
}

export class ConfigError extends Error {}

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
  const port = readInteger(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST || '127.0.0.1';
  let publicUrl: URL;
  try {
    publicUrl = new URL(env.PUBLIC_URL || `http://localhost:${port}`);
  } catch {
    throw new ConfigError('PUBLIC_URL must be an absolute URL such as https://auth.example.com.');
  }
  if (publicUrl.protocol !== 'http:' && publicUrl.protocol !== 'https:') throw new ConfigError('PUBLIC_URL must start with http:// or https://.');
  const dataDir = resolve(env.TESSERA_DATA_DIR || './data');
  const databaseUrl = env.DATABASE_URL || resolve(dataDir, 'tessera.db');
  const smsProvider = env.SMS_PROVIDER || 'log';
  if (smsProvider !== 'log' && smsProvider !== 'twilio') throw new ConfigError('SMS_PROVIDER must be `log` or `twilio`.');
  const twilio = smsProvider === 'twilio' ? readTwilioSettings(env) : undefined;
  const smtpUrl = env.SMTP_URL || undefined;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) throw new ConfigError('SMTP_URL must start with smtp:// or smtps://.');
  const redisUrl = readRedisUrl(env);
  const hour = 60 * 60 * 1000;
  return {
    port,
    host,
    publicUrl,
    databaseUrl,
    dataDir,
    smtpUrl,
    mailFrom: env.MAIL_FROM || 'Tessera <no-reply@localhost>',
    smsProvider,
    twilio,
    redisUrl,
    secretKey: env.TESSERA_SECRET_KEY || undefined,
    isProduction: env.NODE_ENV === 'production',
    sessionLifetime: {
      idleTimeoutInMs: readInteger(env, 'SESSION_IDLE_HOURS', defaultSessionLifetime.idleTimeoutInMs / hour, 1, 24 * 365) * hour,
      absoluteTimeoutInMs: readInteger(env, 'SESSION_ABSOLUTE_DAYS', defaultSessionLifetime.absoluteTimeoutInMs / (24 * hour), 1, 3650) * 24 * hour,
    },
    logLevel: env.LOG_LEVEL || 'info',
    trustProxy: readTrustProxy(env),
    passwordHashQueue: readInteger(env, 'PASSWORD_HASH_QUEUE', 64, 0, 100000),
  };
}
