// What each route declares it needs. The guard in plugins/authentication.ts reads this; routes
// never check sessions themselves (STYLE.md: no guards by URL prefix).
import type { ApiGrant } from '../core/api-grants.js';
import type { RequiredActionId } from '../core/required-actions.js';
import type { Authenticated } from '../services/sessions.js';

export type RouteAccess = 'public' | 'member' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; undeclared routes need a signed-in member. */
    access?: RouteAccess;
    /**
     * A5: the password must have been confirmed in the last 10 minutes. Requests with an API key
     * (Bearer) are not asked: the key is the credential; HTTP Basic confirms the password each time.
     */
    recentPassword?: boolean;
    /**
     * A5: a member with two-factor authentication must also have proved a second factor in the last
     * 10 minutes (this session's sign-in second step, or a code given at re-authentication).
     */
    recentSecondFactor?: boolean;
    /** Blocking required actions this route helps complete, and so stays open during them. */
    completes?: readonly RequiredActionId[];
    /**
     * P5: a sensitive action (user management, organization settings, API keys, profile and
     * password changes), refused while an enforced required action is pending.
     */
    sensitive?: boolean;
    /**
     * K1: the grant an API key (`Authorization: Bearer`) needs to call this route. Routes without
     * one refuse every key; with a key, `access` still applies to the key's creator (a key acts
     * with its creator's current rights: an `admin` route needs a creator who is an administrator).
     */
    grant?: ApiGrant;
  }
  interface FastifyRequest {
    auth: Authenticated | undefined;
  }
}

export function requireAuth(auth: Authenticated | undefined): Authenticated {
  // The guard ran before the handler; reaching here without a session is a wiring mistake.
  if (!auth) throw new Error('Route reached without authentication; check its access declaration.');
  return auth;
}
