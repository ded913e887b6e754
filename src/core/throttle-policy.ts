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
const hour = 60 * minute;
const day = 24 * hour;

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
  // Sign-up may say an address is taken (SPEC, Security floor), so it is an enumeration oracle
  // and a way to mass-claim others' addresses: every attempt counts, per client address. Creating
  // an organization is rare (once per company, a few retries for typos), so 20 in 10 minutes leaves
  // room for a team or a classroom behind one address while a burst is cut off at once and an
  // enumeration gets at most 120 answers an hour per address (and pays an argon2 hash for each).
  signUpPerAddress: { name: 'signup:address', limit: 20, windowInMs: 10 * minute },
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
  // A4: each confirmation may cost an argon2 hash, so strangers may not try tokens at will.
  passwordResetConfirmPerAddress: { name: 'reset-confirm:address', limit: 30, windowInMs: 15 * minute },
  // E2: each start may fetch the provider's discovery and each callback makes a token request to
  // it, so nobody may make Tessera hammer an organization's identity provider. A person signs in
  // a few times a day; an office behind one address, a few dozen times an hour.
  ssoStartPerAddress: { name: 'sso-start:address', limit: 60, windowInMs: 15 * minute },
  ssoCallbackPerAddress: { name: 'sso-callback:address', limit: 30, windowInMs: 15 * minute },
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
