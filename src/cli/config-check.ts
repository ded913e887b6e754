// N6: the environment read exactly as the server reads it, with what `tessera serve` would also
// refuse: every configuration mistake, and a database it cannot reach. `tessera config check`
// prints the result (secrets masked); `tessera serve` refuses to start on the same problems.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { ConfigError, readConfig, type Config } from '../config.js';
import { isPostgresUrl } from '../store/database.js';

const connectTimeoutInMs = 3000;

export interface ConfigurationReport {
  /** The configuration, when the environment could be read at all. */
  config: Config | undefined;
  /** Each mistake, in words an operator can act on; empty when the server can start. */
  problems: string[];
}

export async function checkConfiguration(env: NodeJS.ProcessEnv): Promise<ConfigurationReport> {
  let config: Config;
  try {
    config = readConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return { config: undefined, problems: error.problems };
    throw error;
  }
  const databaseProblem = await checkDatabase(config.databaseUrl);
  return { config, problems: databaseProblem ? [databaseProblem] : [] };
}

/** A real connection and query; a SQLite file that does not exist yet needs a folder it can be created in. */
async function checkDatabase(databaseUrl: string): Promise<string | undefined> {
  if (isPostgresUrl(databaseUrl)) {
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: connectTimeoutInMs });
    try {
      await client.connect();
      await client.query('select 1');
      return undefined;
    } catch (error) {
      return `DATABASE_URL: PostgreSQL at ${maskUrl(databaseUrl)} did not answer (${error instanceof Error ? error.message : String(error)}).`;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  try {
    if (existsSync(databaseUrl)) {
      const sqlite = new SqliteDatabase(databaseUrl, { readonly: true, fileMustExist: true });
      try {
        sqlite.prepare('select 1').get();
      } finally {
        sqlite.close();
      }
      return undefined;
    }
    let folder = dirname(databaseUrl);
    while (!existsSync(folder) && dirname(folder) !== folder) folder = dirname(folder);
    if (!statSync(folder).isDirectory()) throw new Error(`${folder} is not a folder`);
    accessSync(folder, constants.W_OK);
    return undefined;
  } catch (error) {
    return `DATABASE_URL: the SQLite file ${databaseUrl} cannot be opened or created (${error instanceof Error ? error.message : String(error)}).`;
  }
}

/** A URL with its password hidden. */
export function maskUrl(raw: string): string {
  if (!URL.canParse(raw)) return raw;
  const url = new URL(raw);
  if (!url.password) return url.toString();
  url.password = '';
  const credentials = url.username ? `${url.username}:••••@` : ':••••@';
  return url.toString().replace(`${url.protocol}//${url.username ? `${url.username}@` : ''}`, `${url.protocol}//${credentials}`);
}

function maskSecret(value: string | undefined): string {
  return value === undefined ? '(unset)' : `•••• (set, ${value.length} characters)`;
}

/** N5: how many keys, never the keys. */
function maskSecretKeys(value: string): string {
  const count = value.split(',').length;
  return count === 1 ? maskSecret(value) : `•••• (set, ${count} keys: the first seals, all open)`;
}

/** The effective settings, one per line, secrets masked. */
export function describeConfiguration(config: Config, env: NodeJS.ProcessEnv): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ['NODE_ENV', env.NODE_ENV || '(unset)'],
    ['HOST', config.host],
    ['PORT', String(config.port)],
    ['PUBLIC_URL', config.publicUrl.toString()],
    ['DATABASE_URL', isPostgresUrl(config.databaseUrl) ? maskUrl(config.databaseUrl) : `${config.databaseUrl} (SQLite)`],
    ['TESSERA_DATA_DIR', config.dataDir],
    ['TESSERA_SECRET_KEY', config.secretKey === undefined ? (config.isProduction ? '(unset)' : `(unset: generated into ${config.dataDir}/secret.key)`) : maskSecretKeys(config.secretKey)],
    ['SMTP_URL', config.smtpUrl === undefined ? '(unset: no e-mail is sent)' : maskUrl(config.smtpUrl)],
    ['MAIL_FROM', config.mailFrom],
    ['DEV_MAILBOX', config.devMailbox ? 'on (/dev/mailbox, loopback clients only)' : 'off'],
    ['SMS_PROVIDER', config.smsProvider],
    ['SMS_DAILY_LIMIT_PER_ORGANIZATION', String(config.smsDailyLimitPerOrganization)],
    ['SMS_DAILY_LIMIT', String(config.smsDailyLimit)],
  ];
  if (config.twilio) {
    rows.push(['TWILIO_ACCOUNT_SID', config.twilio.accountSid], ['TWILIO_AUTH_TOKEN', maskSecret(config.twilio.authToken)], ['TWILIO_FROM', config.twilio.from], ['TWILIO_API_BASE', config.twilio.apiBase]);
  }
  rows.push(
    ['REDIS_URL', config.redisUrl === undefined ? '(unset: throttling counters in the database)' : maskUrl(config.redisUrl)],
    ['TRUST_PROXY', config.trustProxy.length > 0 ? config.trustProxy.join(', ') : '(unset: the socket address is the client)'],
    ['PASSWORD_HASH_QUEUE', String(config.passwordHashQueue)],
    ['SESSION_CACHE', config.sessionCache ? 'on (forgotten on every change; PostgreSQL: LISTEN tessera_session_data)' : 'off (every session check reads the database)'],
    ['METRICS_PORT', config.metrics ? `${config.metrics.host}:${config.metrics.port}` : '(unset: no /metrics)'],
    ['SESSION_IDLE_HOURS', String(config.sessionLifetime.idleTimeoutInMs / 3_600_000)],
    ['SESSION_ABSOLUTE_DAYS', String(config.sessionLifetime.absoluteTimeoutInMs / 86_400_000)],
    ['SHUTDOWN_TIMEOUT_SECONDS', String(config.shutdownTimeoutInMs / 1000)],
    ['SHUTDOWN_DRAIN_SECONDS', String(config.shutdownDrainInMs / 1000)],
    ['LOG_LEVEL', config.logLevel],
  );
  return rows;
}
