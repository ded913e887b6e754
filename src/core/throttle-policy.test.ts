import { describe, expect, it } from 'vitest';
import { decideThrottle, throttleKey, throttleRules, type ThrottleRule } from './throttle-policy.js';

const minute = 60 * 1000;
const start = 1_800_000_000_000;
const rule: ThrottleRule = { name: 'test:rule', limit: 3, windowInMs: 10 * minute };

describe('throttle policy (A2, A4; ASVS V2.2.1)', () => {
  it('A2 allows a subject with no counter yet', () => {
    expect(decideThrottle(undefined, rule, start)).toEqual({ ok: true });
  });

  it('A2 allows attempts below the limit within the window', () => {
    expect(decideThrottle({ count: 2, windowStartedAt: start }, rule, start + minute)).toEqual({ ok: true });
  });

  it('A2 refuses at the limit until the window ends, saying how long to wait', () => {
    const counter = { count: 3, windowStartedAt: start };
    expect(decideThrottle(counter, rule, start)).toEqual({ ok: false, retryAfterInMs: 10 * minute });
    expect(decideThrottle(counter, rule, start + 4 * minute)).toEqual({ ok: false, retryAfterInMs: 6 * minute });
    expect(decideThrottle({ count: 50, windowStartedAt: start }, rule, start + 10 * minute - 1)).toEqual({ ok: false, retryAfterInMs: 1 });
    expect(decideThrottle(counter, rule, start + 10 * minute)).toEqual({ ok: true });
  });

  it('A2 A4 uses the documented limits: 10 sign-in failures per account per 15 minutes', () => {
    expect(throttleRules.loginPerAccount).toMatchObject({ limit: 10, windowInMs: 15 * minute });
    expect(throttleRules.passwordResetPerAccount.limit).toBeGreaterThan(0);
    for (const r of Object.values(throttleRules)) {
      expect(r.limit, r.name).toBeGreaterThan(0);
      expect(r.windowInMs, r.name).toBeGreaterThan(0);
    }
    // Distinct counter names, so one rule never consumes another's budget.
    const names = Object.values(throttleRules).map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('keys counters by rule and subject', () => {
    expect(throttleKey(throttleRules.loginPerAccount, 'ada@example.com')).toBe('login:account:ada@example.com');
    expect(throttleKey(throttleRules.loginPerAddress, '127.0.0.1')).not.toBe(throttleKey(throttleRules.loginPerAccount, '127.0.0.1'));
  });
});
