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
const hour = 60 * minute;
const day = 24 * hour;

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
  // Issue 10 item 7: e-mail costs the asker nothing and lands in someone's mailbox, so every
  // request that sends one is claimed before the send. A person waiting for a verification link
  // asks again once or twice (3 in 15 minutes); more is a script (10 a day).
  verificationMailPerMember: { name: 'mail:verify:member', limit: 3, windowInMs: 15 * minute },
  verificationMailPerMemberDaily: { name: 'mail:verify:member-day', limit: 10, windowInMs: day },
  // Invitations: re-inviting one address (a lost mail, a typo in the name) happens a few times;
  // the organization-and-address key lets no organization block another's invitations, the
  // address key bounds what many organizations together send one mailbox. An administrator
  // onboarding a team sends dozens in an hour; an organization, a few hundred in a day.
  invitationMailPerOrganizationAndRecipient: { name: 'mail:invite:org-recipient', limit: 3, windowInMs: day },
  invitationMailPerRecipient: { name: 'mail:invite:recipient', limit: 10, windowInMs: day },
  invitationMailPerMember: { name: 'mail:invite:member', limit: 50, windowInMs: hour },
  invitationMailPerOrganization: { name: 'mail:invite:organization', limit: 200, windowInMs: day },
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

/**
 * The answer to a refused claim over several counters: the longest wait among those that are
 * full, so a retry after Retry-After is not refused again by another one.
 */
export function decideThrottles(counters: ReadonlyArray<{ rule: ThrottleRule; counter: ThrottleCounter | undefined }>, nowInMs: number): ThrottleDecision {
  let retryAfterInMs = 0;
  for (const { rule, counter } of counters) {
    const decision = decideThrottle(counter, rule, nowInMs);
    if (!decision.ok) retryAfterInMs = Math.max(retryAfterInMs, decision.retryAfterInMs);
  }
  return retryAfterInMs > 0 ? { ok: false, retryAfterInMs } : { ok: true };
}

export function throttleKey(rule: ThrottleRule, subject: string): string {
  return `${rule.name}:${subject}`;
}
