// What every use case needs, wired once in main.ts (or by a test) and passed down.
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { ErrorCode, FieldError } from '../core/errors.js';
import type { Clock, KeyedHasher, Random, SecretBox } from '../core/ports.js';
import type { Mailer } from '../mail/mailer.js';
import type { Metrics } from '../metrics/metrics.js';
import type { PasswordHasher } from '../security/passwords.js';
import type { SmsDelivery } from '../sms/sms-sender.js';
import type { Database } from '../store/schema.js';
import type { SessionLookup } from '../store/session-lookup.js';
import type { ThrottleCounterStore } from '../throttling/database-throttle-counters.js';

export interface AppContext {
  db: Kysely<Database>;
  sessionLookup: SessionLookup;
  clock: Clock;
  random: Random;
  passwords: PasswordHasher;
  secretBox: SecretBox;
  keyedHasher: KeyedHasher;
  mailer: Mailer;
  /** S3: text messages; send only after the transaction has committed. */
  sms: SmsDelivery;
  /** Request-throttling counters: the database, or Redis with REDIS_URL (`.on(db)` picks the database handle). */
  throttles: ThrottleCounterStore;
  config: Config;
  /** N2: set when METRICS_PORT is; domain counters are read off audit events, mail and texts. */
  metrics?: Metrics;
}

/** Where a request came from, for sessions and the audit log. */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
  /** N4: the id of the request (X-Request-Id), for the lines the mailer and text sender log for it. */
  requestId?: string;
}

export type Failure = { ok: false; code: ErrorCode; detail?: string; fieldErrors?: FieldError[]; retryAfterInMs?: number };
export type Outcome<T = object> = ({ ok: true } & T) | Failure;

export function fail(code: ErrorCode, extra: Omit<Failure, 'ok' | 'code'> = {}): Failure {
  return { ok: false, code, ...extra };
}

export function nowInMs(context: AppContext): number {
  return context.clock.now().getTime();
}

/** An e-mailed link: PUBLIC_URL + path + ?token= (SPEC "Running it"). */
export function linkWithToken(context: AppContext, path: string, token: string): string {
  const url = new URL(path, context.config.publicUrl);
  url.searchParams.set('token', token);
  return url.toString();
}
