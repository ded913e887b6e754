import { describe, expect, it } from 'vitest';
import { addressThrottleSubject, decideThrottle, retryAfterOf, throttleKey, throttleRules, type ThrottleRule } from './throttle-policy.js';

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

  it('G2 counts IPv6 clients by /64 and IPv4 clients (also IPv4-mapped) by their address', () => {
    expect(addressThrottleSubject('203.0.113.7')).toBe('203.0.113.7');
    expect(addressThrottleSubject('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressThrottleSubject('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressThrottleSubject('2001:db8:1:2::1')).toBe(addressThrottleSubject('2001:0db8:0001:0002:ffff::9'));
    expect(addressThrottleSubject('2001:db8:1:3::1')).not.toBe(addressThrottleSubject('2001:db8:1:2::1'));
    expect(addressThrottleSubject('not an address')).toBe('not an address');
  });

  it('G2 a refused claim waits for the fullest counter, at least a second', () => {
    const full = { count: 3, windowStartedAt: start };
    expect(retryAfterOf([{ counter: full, rule }, { counter: undefined, rule }], start + minute)).toBe(9 * minute);
    expect(retryAfterOf([{ counter: { count: 1, windowStartedAt: start }, rule }], start)).toBe(1000);
  });
});
