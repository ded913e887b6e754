// Throttling rules for guessable endpoints (ASVS V2.2.1). Counters live in the database, or in
// Redis with REDIS_URL (the ThrottleCounters port), so every server instance sees the same
// numbers; this file only decides.

export interface ThrottleRule {
  /** Prefix of the counter key, e.g. `login:account`. */
  name: string;
  limit: number;
  windowInMs: number;
}

const minute = 60 * 1000;

export const throttleRules = {
  loginPerAccount: { name: 'login:account', limit: 10, windowInMs: 15 * minute },
  // Per address the limits are wider: many people may share one office or carrier address.
  loginPerAddress: { name: 'login:address', limit: 300, windowInMs: 15 * minute },
  passwordResetPerAccount: { name: 'reset:account', limit: 10, windowInMs: 60 * minute },
  passwordResetPerAddress: { name: 'reset:address', limit: 300, windowInMs: 15 * minute },
  // Sign-up may say an address is taken (SPEC, Security floor), so it is an enumeration oracle
  // and a way to mass-claim others' addresses: every attempt counts, per client address. Creating
  // an organization is rare (once per company, a few retries for typos), so 10 an hour leaves room
  // for a team behind one address while an enumeration gets at most 240 answers a day per address.
  signUpPerAddress: { name: 'signup:address', limit: 10, windowInMs: 60 * minute },
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
