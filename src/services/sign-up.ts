// A1: sign-up creates an organization and its first administrator, signed in, with a
// verification e-mail on its way.
import { normaliseEmail } from '../core/email-address.js';
import { newId } from '../core/ids.js';
import { decideThrottle, throttleKey, throttleRules } from '../core/throttle-policy.js';
import { verifyEmailMessage } from '../mail/templates.js';
import { isUniqueViolation } from '../store/errors.js';
import { insertOrganization } from '../store/organizations.js';
import { insertUser, isEmailRegistered, recordLogin } from '../store/users.js';
import { memberActor, recordAudit } from './audit.js';
import { fail, nowInMs, type AppContext, type Failure, type Outcome, type RequestOrigin } from './context.js';
import { issueVerificationLink } from './email-verification.js';
import { startSession, type StartedSession } from './sessions.js';
import { validateEmail, validateNewPassword } from './validation.js';

export interface SignUpInput {
  organization: string;
  name: string;
  email: string;
  password: string;
}

export async function signUp(context: AppContext, input: SignUpInput, origin: RequestOrigin): Promise<Outcome<{ session: StartedSession }>> {
  const throttled = await claimSignUpAttempt(context, origin);
  if (throttled) return throttled;
  const problem = validateEmail(input.email) ?? validateNewPassword(input.password);
  if (problem) return problem;
  const emailNormalized = normaliseEmail(input.email);
  if (await isEmailRegistered(context.db, emailNormalized)) return fail('email_taken', { fieldErrors: [{ field: 'email', message: 'An account with this e-mail address already exists.' }] });

  const passwordHash = await context.passwords.hash(input.password);
  const now = nowInMs(context);
  const organizationId = newId(now, context.random);
  const userId = newId(now, context.random);
  try {
    const { session, verificationLink } = await context.db.transaction().execute(async (trx) => {
      await insertOrganization(trx, {
        id: organizationId,
        name: input.organization,
        brandName: null,
        twoFactorRequirement: 'optional',
        twoFactorRequiredFrom: null,
        recoveryCodePolicy: 'deplete',
        createdAt: now,
      });
      await insertUser(trx, {
        id: userId,
        organizationId,
        email: input.email.trim(),
        emailNormalized,
        name: input.name,
        role: 'admin',
        passwordHash,
        emailVerifiedAt: null,
        twoFactorRequired: 0,
        createdAt: now,
        lastLoginAt: null,
        lastLoginMethod: null,
      });
      await recordLogin(trx, userId, now, 'password');
      const actor = memberActor(userId);
      await recordAudit(trx, context, { organizationId, type: 'organization.created', actor, targetUserId: null, origin, details: { name: input.organization } });
      await recordAudit(trx, context, { organizationId, type: 'user.signed_up', actor, targetUserId: userId, origin });
      const verificationLink = await issueVerificationLink(trx, context, userId);
      const session = await startSession(trx, context, userId, origin);
      await recordAudit(trx, context, { organizationId, type: 'user.signed_in', actor, targetUserId: userId, origin, details: { method: 'password', secondFactor: null } });
      return { session, verificationLink };
    });
    context.mailer.send(verifyEmailMessage(input.email.trim(), verificationLink), origin);
    return { ok: true, session };
  } catch (error) {
    if (isUniqueViolation(error)) return fail('email_taken', { fieldErrors: [{ field: 'email', message: 'An account with this e-mail address already exists.' }] });
    throw error;
  }
}

/**
 * Issue 10 item 5 (Security floor: "sign-up may say an address is taken, but only at a throttled
 * pace per client address"): every attempt claims its place first, atomically (one conditional
 * write, shared by every instance), before the address is looked up or the password hashed.
 */
async function claimSignUpAttempt(context: AppContext, origin: RequestOrigin): Promise<Failure | undefined> {
  if (!origin.ip) return undefined;
  const rule = throttleRules.signUpPerAddress;
  const key = throttleKey(rule, origin.ip);
  const now = nowInMs(context);
  const counters = context.throttles.on(context.db);
  if (await counters.claim([{ key, rule }], now)) return undefined;
  const decision = decideThrottle(await counters.read(key), rule, now);
  return fail('rate_limited', { detail: 'Too many sign-ups from your network. Please wait and try again.', retryAfterInMs: decision.ok ? 1000 : decision.retryAfterInMs });
}
