// Throttling rules for guessable endpoints (ASVS V2.2.1). Counters live in the database, or in
// Redis with REDIS_URL (the ThrottleCounters port), so every server instance sees the same
// numbers; this file only decides.
import { parseIpAddress } from './cidr.js';

export interface ThrottleRule {
  /** Prefix of the counter key, e.g. `login:account`. */
  name: string;
  limit: number;
  windowInMs: number;
}

const minute = 60 * 1000;

export const throttleRules = {
  // G2: the password step counts unknown clients per account, each of the member's known browsers
  // apart (so strangers can never lock the owner's own browsers out), and every client per address.
  loginPerAccount: { name: 'login:account', limit: 10, windowInMs: 15 * minute },
  loginPerKnownBrowser: { name: 'login:browser', limit: 10, windowInMs: 15 * minute },
  // G3: claimed once when an account's unknown-client limit trips, so the member gets one e-mail a window.
  loginTripAlert: { name: 'login:tripped', limit: 1, windowInMs: 15 * minute },
  // Per address the limits are wider: many people may share one office or carrier address.
  loginPerAddress: { name: 'login:address', limit: 300, windowInMs: 15 * minute },
  passwordResetPerAccount: { name: 'reset:account', limit: 10, windowInMs: 60 * minute },
  passwordResetPerAddress: { name: 'reset:address', limit: 300, windowInMs: 15 * minute },
  // A4: each confirmation may cost an argon2 hash, so strangers may not try tokens at will.
  passwordResetConfirmPerAddress: { name: 'reset-confirm:address', limit: 30, windowInMs: 15 * minute },
} satisfies Record<string, ThrottleRule>;

export interface ThrottleCounter {
  count: number;
  windowStartedAt: number;
}

export type ThrottleDecision = { ok: true } | { ok: false; retryAfterInMs: number };

export function decideThrottle(counter: ThrottleCounter | undefined, rule: ThrottleRule, nowInMs: number): ThrottleDecision {
  if (!counter) return { ok: true };
  const windowEndsAt = counter.windowStartedAt + rule.windowInMs;
  if (nowInMs >= windowEndsAt || counter.count < rule.limit) return { ok: true };
  return { ok: false, retryAfterInMs: windowEndsAt - nowInMs };
}

export function throttleKey(rule: ThrottleRule, subject: string): string {
  return `${rule.name}:${subject}`;
}

/**
 * The subject of a per-address counter (G2): an IPv4 address as it is (also when a dual-stack
 * socket reports it as `::ffff:a.b.c.d`), an IPv6 address by its /64, since one subscriber
 * usually holds a whole /64 (RFC 6177) and could otherwise count as 2^64 clients.
 */
export function addressThrottleSubject(ip: string): string {
  const address = parseIpAddress(ip);
  if (!address) return ip;
  const bytes = address.bytes;
  if (address.version === 4) return bytes.join('.');
  const isIpv4Mapped = bytes.slice(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (isIpv4Mapped) return bytes.slice(12).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 8; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return `${groups.join(':')}::/64`;
}

/** Retry-After for a refused claim: the longest wait among the counters that are full. */
export function retryAfterOf(counters: ReadonlyArray<{ counter: ThrottleCounter | undefined; rule: ThrottleRule }>, nowInMs: number): number {
  let longest = 0;
  for (const { counter, rule } of counters) {
    const decision = decideThrottle(counter, rule, nowInMs);
    if (!decision.ok) longest = Math.max(longest, decision.retryAfterInMs);
  }
  // Full a moment ago and free now (a window just restarted, or a slot was released): try again soon.
  return Math.max(longest, 1000);
}
