// Issue 10 items 6–7: mail and texts that a request sends are claimed against their counters
// before they go out, in one all-or-nothing claim (ThrottleCounters.claim), so 40 requests at
// once on two instances send at most the limit.
import { decideThrottles, throttleKey, type ThrottleRule } from '../core/throttle-policy.js';
import { fail, nowInMs, type AppContext, type Failure } from './context.js';

/** One counter: its rule and whose it is (a member's id, an organization's, a keyed hash). */
export type ThrottleSubject = readonly [ThrottleRule, string];

/**
 * Counts one send on every subject, or none when any is full: then 429 `rate_limited` with the
 * longest wait. Runs on the main handle (not inside a transaction), so a refusal can read the
 * counters; a send that fails after its claim stays counted, erring on the side of fewer.
 */
export async function claimSend(context: AppContext, subjects: readonly ThrottleSubject[], detail: string): Promise<Failure | undefined> {
  const now = nowInMs(context);
  const throttles = context.throttles.on(context.db);
  if (await throttles.claim(subjects.map(([rule, subject]) => ({ key: throttleKey(rule, subject), rule })), now)) return undefined;
  const counters = await Promise.all(subjects.map(async ([rule, subject]) => ({ rule, counter: await throttles.read(throttleKey(rule, subject)) })));
  const decision = decideThrottles(counters, now);
  return fail('rate_limited', { detail, retryAfterInMs: decision.ok ? 1000 : decision.retryAfterInMs });
}
