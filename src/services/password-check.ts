// Checking a password against guessing (A2, G2, ASVS V2.2.1), for sign-in, re-authentication (A5)
// and HTTP Basic (K2), with the same answer and about the same time for an unknown e-mail and a
// wrong password.
//
// Every attempt first claims its place in each counter that applies, in one atomic all-or-nothing
// step (a conditional increment in the database or one Lua script in Redis), and only then runs
// argon2: a burst of concurrent guesses gets no more evaluations than the limits allow. A right
// password (or one never evaluated) gives its place back, so only wrong passwords stay counted.
//
// G2, who is counted where: a member's known browser (G1) has its own counter and nothing else,
// so strangers can never lock the owner's own browsers out; every other client counts against the
// account's unknown-client counter and its address's (IPv6 by /64).
import { addressThrottleSubject, decideThrottle, retryAfterOf, throttleKey, throttleRules } from '../core/throttle-policy.js';
import type { ThrottleClaim } from '../core/ports.js';
import { unknownClientsLockedMessage } from '../mail/templates.js';
import { dummyPasswordHash, PasswordHasherBusy } from '../security/passwords.js';
import type { User } from '../store/schema.js';
import { describeUserAgent } from './browser-description.js';
import { fail, nowInMs, type AppContext, type Outcome, type RequestOrigin } from './context.js';

/** Who is asking (G2): a known browser of the member whose password is tried, or an unknown client. */
export interface PasswordClient {
  /** The member's known browser making the attempt (G1), when the request carries its cookie. */
  knownBrowserId?: string;
}

/** The counters one attempt claims (G2). */
export function passwordAttemptClaims(emailNormalized: string, origin: RequestOrigin, client: PasswordClient): ThrottleClaim[] {
  if (client.knownBrowserId) return [{ key: throttleKey(throttleRules.loginPerKnownBrowser, client.knownBrowserId), rule: throttleRules.loginPerKnownBrowser }];
  const claims: ThrottleClaim[] = [{ key: throttleKey(throttleRules.loginPerAccount, emailNormalized), rule: throttleRules.loginPerAccount }];
  if (origin.ip) claims.push({ key: throttleKey(throttleRules.loginPerAddress, addressThrottleSubject(origin.ip)), rule: throttleRules.loginPerAddress });
  return claims;
}

/**
 * Claims one place in every counter, all or nothing; refused: `rate_limited` with how long to
 * wait (the read for Retry-After only shapes the answer, it decides nothing).
 */
export async function claimThrottles(context: AppContext, claims: readonly ThrottleClaim[], now: number): Promise<Outcome> {
  const counters = context.throttles.on(context.db);
  if (await counters.claim(claims, now)) return { ok: true };
  const read = await Promise.all(claims.map(async ({ key, rule }) => ({ counter: await counters.read(key), rule })));
  return fail('rate_limited', { retryAfterInMs: retryAfterOf(read, now) });
}

export async function verifyPasswordGuarded(
  context: AppContext,
  emailNormalized: string,
  user: User | undefined,
  password: string,
  origin: RequestOrigin,
  client: PasswordClient = {},
): Promise<Outcome> {
  const now = nowInMs(context);
  const counters = context.throttles.on(context.db);
  const claims = passwordAttemptClaims(emailNormalized, origin, client);
  const claimed = await claimThrottles(context, claims, now);
  if (!claimed.ok) {
    if (!client.knownBrowserId && user) await alertOnFirstTrip(context, user, origin, now);
    return claimed;
  }

  let matches: boolean;
  try {
    const hash = user?.passwordHash ?? (await dummyPasswordHash(context.passwords));
    matches = await context.passwords.verify(hash, password);
  } catch (error) {
    // Never evaluated: not a guess.
    await counters.release(claims, now);
    if (error instanceof PasswordHasherBusy) return fail('busy', { retryAfterInMs: error.retryAfterInMs });
    throw error;
  }
  if (!matches || !user) return fail('invalid_credentials');
  // The right password is not a guess. A known browser's own count starts again (its failures
  // were its own); the account's unknown-client count does not, or a right password inside a
  // burst would give the guessers a fresh allowance.
  if (client.knownBrowserId) await counters.clear(claims[0]!.key);
  else await counters.release(claims, now);
  return { ok: true };
}

/**
 * G3: the first refusal after the account's unknown-client limit tripped e-mails the member once a
 * window. Only a full account counter counts (not a busy address); the e-mail is claimed by a
 * counter with a limit of one, so concurrent refusals on any instance send it once.
 */
async function alertOnFirstTrip(context: AppContext, user: User, origin: RequestOrigin, now: number): Promise<void> {
  const counters = context.throttles.on(context.db);
  const accountKey = throttleKey(throttleRules.loginPerAccount, user.emailNormalized);
  if (decideThrottle(await counters.read(accountKey), throttleRules.loginPerAccount, now).ok) return;
  const alert = { key: throttleKey(throttleRules.loginTripAlert, user.emailNormalized), rule: throttleRules.loginTripAlert };
  if (!(await counters.claim([alert], now))) return;
  context.mailer.send(unknownClientsLockedMessage(user.email, { at: new Date(now), ip: origin.ip, browser: describeUserAgent(origin.userAgent).label }), origin);
}
