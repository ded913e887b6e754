import { describe, expect, it } from 'vitest';
import { checkSessionValidity, defaultSessionLifetime, isReauthenticationRecent, lastSeenResolutionInMs, reauthenticationWindowInMs, shouldRefreshLastSeen } from './session-policy.js';

const minute = 60 * 1000;
const hour = 60 * minute;
const day = 24 * hour;
const start = 1_800_000_000_000;

describe('session policy (A3, A5)', () => {
  it('A3 defaults to 12 idle hours and 30 days in any case', () => {
    expect(defaultSessionLifetime).toEqual({ idleTimeoutInMs: 12 * hour, absoluteTimeoutInMs: 30 * day });
  });

  it('A3 a session ends once it has been idle for the idle timeout', () => {
    const session = { createdAt: start, lastSeenAt: start + hour };
    expect(checkSessionValidity(session, start + hour + 12 * hour - 1, defaultSessionLifetime)).toEqual({ ok: true });
    expect(checkSessionValidity(session, start + hour + 12 * hour, defaultSessionLifetime)).toEqual({ ok: false, reason: 'idle_expired' });
  });

  it('A3 a session ends at its absolute lifetime however active it is', () => {
    const session = { createdAt: start, lastSeenAt: start + 30 * day - minute };
    expect(checkSessionValidity(session, start + 30 * day - 1, defaultSessionLifetime)).toEqual({ ok: true });
    expect(checkSessionValidity(session, start + 30 * day, defaultSessionLifetime)).toEqual({ ok: false, reason: 'absolute_expired' });
    // When both apply, the absolute limit is the reason.
    expect(checkSessionValidity({ createdAt: start, lastSeenAt: start }, start + 31 * day, defaultSessionLifetime)).toEqual({ ok: false, reason: 'absolute_expired' });
  });

  it('A3 honours a configured lifetime', () => {
    const short = { idleTimeoutInMs: hour, absoluteTimeoutInMs: day };
    expect(checkSessionValidity({ createdAt: start, lastSeenAt: start }, start + hour, short)).toEqual({ ok: false, reason: 'idle_expired' });
    expect(checkSessionValidity({ createdAt: start, lastSeenAt: start + day - 1 }, start + day, short)).toEqual({ ok: false, reason: 'absolute_expired' });
  });

  it('A5 a password confirmation counts as recent for 10 minutes', () => {
    expect(reauthenticationWindowInMs).toBe(10 * minute);
    expect(isReauthenticationRecent(null, start)).toBe(false);
    expect(isReauthenticationRecent(start, start)).toBe(true);
    expect(isReauthenticationRecent(start, start + 10 * minute - 1)).toBe(true);
    expect(isReauthenticationRecent(start, start + 10 * minute)).toBe(false);
  });

  it('A3 lastSeenAt is refreshed at most once a minute', () => {
    expect(lastSeenResolutionInMs).toBe(minute);
    expect(shouldRefreshLastSeen(start, start)).toBe(false);
    expect(shouldRefreshLastSeen(start, start + minute - 1)).toBe(false);
    expect(shouldRefreshLastSeen(start, start + minute)).toBe(true);
  });
});
