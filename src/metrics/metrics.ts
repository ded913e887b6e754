// N2: Prometheus metrics with bounded labels only — never an e-mail address, member, organization
// or key id. Domain counters are read off the events Tessera already records (audit events, mail
// and text deliveries, refused throttle claims), so the use cases carry no metrics code.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type DeliveryResult = 'sent' | 'failed';

export interface Metrics {
  readonly registry: Registry;
  /** A security event was written (src/services/audit.ts). */
  observeAuditEvent(type: string, details: Record<string, unknown> | undefined): void;
  observeMail(result: DeliveryResult): void;
  observeText(result: DeliveryResult): void;
  /** A request was refused by a throttling rule (its name, e.g. `login:account`). */
  observeThrottled(rule: string): void;
  observeHttpRequest(route: string, method: string, statusCode: number, durationInSeconds: number): void;
}

export interface DatabasePoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/** Second-factor methods as recorded; anything else is counted as `other`, so labels stay bounded. */
const knownMethods = new Set(['password', 'totp', 'sms', 'recovery_code', 'webauthn', 'passkey', 'sso', 'remembered_browser']);

function methodLabel(value: unknown, fallback: string): string {
  return typeof value === 'string' && knownMethods.has(value) ? value : fallback;
}

export function createMetrics(options: { databasePool?: () => DatabasePoolStats | undefined } = {}): Metrics {
  const registry = new Registry();
  // Node's defaults include event-loop lag (nodejs_eventloop_lag_*), heap, GC and handles.
  collectDefaultMetrics({ register: registry });

  const signIns = new Counter({ name: 'tessera_sign_ins_total', help: 'Password sign-ins by result and how they completed (second factor used, or password).', labelNames: ['result', 'method'], registers: [registry] });
  const secondSteps = new Counter({ name: 'tessera_second_steps_total', help: 'Second-factor codes checked, by method (code when a wrong code names none) and result.', labelNames: ['method', 'result'], registers: [registry] });
  const throttled = new Counter({ name: 'tessera_throttled_total', help: 'Requests refused by a throttling rule.', labelNames: ['rule'], registers: [registry] });
  const locks = new Counter({ name: 'tessera_locks_total', help: 'Second steps locked after ten wrong codes in a row (L3).', registers: [registry] });
  const emails = new Counter({ name: 'tessera_emails_total', help: 'E-mails handed to the mail server (or the development mailbox), by result.', labelNames: ['result'], registers: [registry] });
  const texts = new Counter({ name: 'tessera_texts_total', help: 'Text messages handed to the provider (or the development outbox), by result.', labelNames: ['result'], registers: [registry] });
  const httpDuration = new Histogram({
    name: 'tessera_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern, method and status class.',
    labelNames: ['route', 'method', 'status_class'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  if (options.databasePool) {
    const pool = options.databasePool;
    new Gauge({
      name: 'tessera_database_pool_connections',
      help: 'Database pool connections by state (PostgreSQL; SQLite uses one connection and reports none).',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const stats = pool();
        if (!stats) return;
        this.set({ state: 'total' }, stats.total);
        this.set({ state: 'idle' }, stats.idle);
        this.set({ state: 'waiting' }, stats.waiting);
      },
    });
  }

  return {
    registry,
    observeAuditEvent(type, details) {
      switch (type) {
        case 'user.signed_in': {
          const secondFactor = details?.secondFactor;
          signIns.inc({ result: 'success', method: methodLabel(secondFactor ?? details?.method, 'other') });
          // A remembered browser (B2) skipped the second step: no code was checked.
          if (typeof secondFactor === 'string' && secondFactor !== 'remembered_browser') secondSteps.inc({ method: methodLabel(secondFactor, 'other'), result: 'success' });
          return;
        }
        case 'user.sign_in_failed':
          signIns.inc({ result: 'failure', method: 'password' });
          return;
        case 'two_factor.code_rejected':
          secondSteps.inc({ method: 'code', result: 'failure' });
          return;
        case 'two_factor.locked':
          secondSteps.inc({ method: 'code', result: 'failure' });
          locks.inc();
          return;
      }
    },
    observeMail: (result) => emails.inc({ result }),
    observeText: (result) => texts.inc({ result }),
    observeThrottled: (rule) => throttled.inc({ rule }),
    observeHttpRequest(route, method, statusCode, durationInSeconds) {
      httpDuration.observe({ route, method, status_class: `${Math.floor(statusCode / 100)}xx` }, durationInSeconds);
    },
  };
}
