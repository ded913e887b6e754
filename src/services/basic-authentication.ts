// K2: `Authorization: Basic` on the API — the member's e-mail and password with every request, no
// session created. Checked and throttled exactly like the password step of a sign-in (A2, ASVS
// V2.2.1). Members with a second factor are refused: the password alone would bypass it
// (SPEC K2), so they use an API key instead.
import { normaliseEmail } from '../core/email-address.js';
import { mustSetUpAtSignIn } from '../core/required-actions.js';
import { findOrganizationById } from '../store/organizations.js';
import { findUserByEmail } from '../store/users.js';
import { recordAudit } from './audit.js';
import { fail, nowInMs, type AppContext, type Outcome, type RequestOrigin } from './context.js';
import { identifyKnownBrowser } from './known-browsers.js';
import { verifyPasswordGuarded } from './password-check.js';
import { isPasswordAllowed } from './single-sign-on.js';
import { setupRequirementOf, type Authenticated } from './sessions.js';

export interface BasicCredentials {
  email: string;
  password: string;
}

/** `base64(email:password)` (RFC 7617); undefined when it is not that shape. */
export function parseBasicCredentials(encoded: string): BasicCredentials | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length > 4096) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  const email = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  // What the sign-in schema refuses (control characters, overlong values) is refused here too.
  if (email.length > 1024 || password.length === 0 || password.length > 1024 || hasControlCharacter(email)) return undefined;
  return { email, password };
}

/** NUL and other control characters: PostgreSQL refuses NUL in text, and no address holds them. */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** `browserToken`: a device cookie sent along (G2: the member's known browser is counted apart, as at sign-in). */
export async function authenticateWithPassword(context: AppContext, credentials: BasicCredentials, origin: RequestOrigin, browserToken?: string): Promise<Outcome<{ auth: Authenticated }>> {
  const emailNormalized = normaliseEmail(credentials.email);
  const user = await findUserByEmail(context.db, emailNormalized);
  const knownBrowser = await identifyKnownBrowser(context, browserToken, user?.id);
  const check = await verifyPasswordGuarded(context, emailNormalized, user, credentials.password, origin, { knownBrowserId: knownBrowser?.id });
  if (!check.ok) {
    if (user && check.code === 'invalid_credentials') {
      await recordAudit(context.db, context, { organizationId: user.organizationId, type: 'user.sign_in_failed', actor: { type: 'anonymous', userId: null }, targetUserId: user.id, origin, details: { reason: 'wrong_password', via: 'basic' } });
    }
    return check;
  }
  const member = user!;
  // Only after the right password, so the answer reveals nothing about an account to a guesser.
  if (member.twoFactorEnabled === 1) return fail('two_factor_enabled_use_api_key');
  // E5: a member routed to single sign-on has no password to offer here either.
  if (!(await isPasswordAllowed(context, member))) return fail('sso_required');
  const organization = await findOrganizationById(context.db, member.organizationId);
  if (!organization) return fail('invalid_credentials');
  const now = nowInMs(context);
  return {
    ok: true,
    auth: {
      // This request's own session: the password was just confirmed (A5); a member who must set up
      // a second factor first gets only the setup, like after the password step (P5).
      session: { id: '', tokenHash: '', userId: member.id, createdAt: now, lastSeenAt: now, reauthenticatedAt: now, ip: origin.ip, userAgent: origin.userAgent, setupOnly: mustSetUpAtSignIn(setupRequirementOf(member, organization), false, now) ? 1 : 0, secondFactorVerifiedAt: null },
      user: member,
      organization,
      hasTwoFactor: false,
    },
  };
}
