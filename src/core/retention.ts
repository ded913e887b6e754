// Which stored rows can never be used again, so the housekeeping job may delete them. Free of I/O:
// the caller passes the time and the configured session lifetime. Each cutoff is inclusive ("at or
// before"), matching the checks that refuse the rows: a row at the cutoff is already refused.
import type { SessionLifetime } from './session-policy.js';
import { smsCapAuditRule, smsDailyCapRules, smsSendRules } from './text-messages.js';
import { throttleRules, type ThrottleRule } from './throttle-policy.js';

export interface PurgeCutoffs {
  /** Challenges, pending setups, texted codes and e-mailed tokens work while `expiresAt > now`. */
  expiresAtOrBefore: number;
  /** A3 idle expiry: a session is refused once `now - lastSeenAt >= idleTimeoutInMs`. */
  sessionsLastSeenAtOrBefore: number;
  /** A3 absolute expiry: a session is refused once `now - createdAt >= absoluteTimeoutInMs`. */
  sessionsCreatedAtOrBefore: number;
  /**
   * A counter whose window ended under every rule counts as nothing: reading it allows, and the
   * next hit restarts it at 1, exactly as if it were absent.
   */
  throttleWindowsStartedAtOrBefore: number;
}

/** Every rule whose counters live in the `throttles` table. */
export const storedThrottleRules: readonly ThrottleRule[] = [
  ...Object.values(throttleRules),
  ...Object.values(smsSendRules),
  // The caps' limits come from the configuration; their windows do not.
  ...Object.values(smsDailyCapRules({ perOrganization: 1, perDeployment: 1 })),
  smsCapAuditRule,
];

/** The longest window of any stored rule: a counter older than this is dead whatever its key. */
export const longestThrottleWindowInMs = Math.max(...storedThrottleRules.map((rule) => rule.windowInMs));

export function purgeCutoffs(nowInMs: number, sessionLifetime: SessionLifetime): PurgeCutoffs {
  return {
    expiresAtOrBefore: nowInMs,
    sessionsLastSeenAtOrBefore: nowInMs - sessionLifetime.idleTimeoutInMs,
    sessionsCreatedAtOrBefore: nowInMs - sessionLifetime.absoluteTimeoutInMs,
    throttleWindowsStartedAtOrBefore: nowInMs - longestThrottleWindowInMs,
  };
}
