// Checking a password against guessing (A2, ASVS V2.2.1): throttled per account and per address,
// with the same answer and about the same time for an unknown e-mail and a wrong password.
import { decideThrottle, throttleKey, throttleRules, type ThrottleRule } from '../core/throttle-policy.js';
import { dummyPasswordHash } from '../security/passwords.js';
import type { User } from '../store/schema.js';
import { fail, nowInMs, type AppContext, type Outcome, type RequestOrigin } from './context.js';

export async function checkThrottles(context: AppContext, checks: Array<[ThrottleRule, string]>): Promise<Outcome> {
  const now = nowInMs(context);
  const counters = context.throttles.on(context.db);
  for (const [rule, subject] of checks) {
    const decision = decideThrottle(await counters.read(throttleKey(rule, subject)), rule, now);
    if (!decision.ok) return fail('rate_limited', { retryAfterInMs: decision.retryAfterInMs });
  }
  return { ok: true };
}

export async function countThrottleHits(context: AppContext, hits: Array<[ThrottleRule, string]>): Promise<void> {
  const now = nowInMs(context);
  const counters = context.throttles.on(context.db);
  for (const [rule, subject] of hits) await counters.hit(throttleKey(rule, subject), now, rule.windowInMs);
}

export async function verifyPasswordGuarded(
  context: AppContext,
  emailNormalized: string,
  user: User | undefined,
  password: string,
  origin: RequestOrigin,
): Promise<Outcome> {
  const counters: Array<[ThrottleRule, string]> = [[throttleRules.loginPerAccount, emailNormalized]];
  if (origin.ip) counters.push([throttleRules.loginPerAddress, origin.ip]);
  const allowed = await checkThrottles(context, counters);
  if (!allowed.ok) return allowed;

  const hash = user?.passwordHash ?? (await dummyPasswordHash(context.passwords));
  const matches = await context.passwords.verify(hash, password);
  if (!matches || !user) {
    await countThrottleHits(context, counters);
    return fail('invalid_credentials');
  }
  await context.throttles.on(context.db).clear(throttleKey(throttleRules.loginPerAccount, emailNormalized));
  return { ok: true };
}
