import { describe, expect, it } from 'vitest';
import { longestThrottleWindowInMs, purgeCutoffs, storedThrottleRules } from './retention.js';
import { checkSessionValidity, defaultSessionLifetime } from './session-policy.js';
import { smsSendRules } from './text-messages.js';
import { decideThrottle, throttleRules } from './throttle-policy.js';

const minute = 60 * 1000;
const hour = 60 * minute;
const day = 24 * hour;
const now = 1_800_000_000_000;

describe('retention cutoffs (housekeeping)', () => {
  it('rows with an expiry are purgeable from the instant they stop working (expiresAt <= now)', () => {
    expect(purgeCutoffs(now, defaultSessionLifetime).expiresAtOrBefore).toBe(now);
  });

  it('A3 session cutoffs follow the configured lifetime', () => {
    expect(purgeCutoffs(now, defaultSessionLifetime)).toMatchObject({ sessionsLastSeenAtOrBefore: now - 12 * hour, sessionsCreatedAtOrBefore: now - 30 * day });
    expect(purgeCutoffs(now, { idleTimeoutInMs: hour, absoluteTimeoutInMs: 2 * day })).toMatchObject({ sessionsLastSeenAtOrBefore: now - hour, sessionsCreatedAtOrBefore: now - 2 * day });
  });

  it('A3 a session exactly at a cutoff is already refused, one a millisecond newer is not', () => {
    const { sessionsLastSeenAtOrBefore: idleCutoff, sessionsCreatedAtOrBefore: createdCutoff } = purgeCutoffs(now, defaultSessionLifetime);
    const recent = now - minute;
    expect(checkSessionValidity({ createdAt: recent, lastSeenAt: idleCutoff }, now, defaultSessionLifetime)).toEqual({ ok: false, reason: 'idle_expired' });
    expect(checkSessionValidity({ createdAt: recent, lastSeenAt: idleCutoff + 1 }, now, defaultSessionLifetime)).toEqual({ ok: true });
    expect(checkSessionValidity({ createdAt: createdCutoff, lastSeenAt: recent }, now, defaultSessionLifetime)).toEqual({ ok: false, reason: 'absolute_expired' });
    expect(checkSessionValidity({ createdAt: createdCutoff + 1, lastSeenAt: recent }, now, defaultSessionLifetime)).toEqual({ ok: true });
  });

  it('the throttle cutoff is the longest window of every stored rule (the daily text caps today)', () => {
    expect(storedThrottleRules).toEqual(expect.arrayContaining([...Object.values(throttleRules), ...Object.values(smsSendRules)]));
    expect(longestThrottleWindowInMs).toBe(day);
    for (const rule of storedThrottleRules) expect(rule.windowInMs).toBeLessThanOrEqual(longestThrottleWindowInMs);
    expect(purgeCutoffs(now, defaultSessionLifetime).throttleWindowsStartedAtOrBefore).toBe(now - day);
  });

  it('a full counter exactly at the throttle cutoff allows under every rule (as if absent); one a millisecond newer still blocks a daily rule', () => {
    const { throttleWindowsStartedAtOrBefore: cutoff } = purgeCutoffs(now, defaultSessionLifetime);
    for (const rule of storedThrottleRules) {
      expect(decideThrottle({ count: rule.limit, windowStartedAt: cutoff }, rule, now), rule.name).toEqual({ ok: true });
    }
    expect(decideThrottle({ count: smsSendRules.perMemberDaily.limit, windowStartedAt: cutoff + 1 }, smsSendRules.perMemberDaily, now)).toEqual({ ok: false, retryAfterInMs: 1 });
  });
});
