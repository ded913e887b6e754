// W5: the organization's policy of methods — which second factors count, whether only
// phishing-resistant ones (security keys and passkeys) satisfy the requirement, and which
// authenticator models may be registered.
import type { Kysely } from 'kysely';
import { mustSetUpAtSignIn } from '../core/required-actions.js';
import { checkFactorPolicy, decodeAllowedMethods, hasCountedFactor, normaliseAaguid, type FactorMethod } from '../core/webauthn.js';
import { findOrganizationById } from '../store/organizations.js';
import type { Database, Organization, User } from '../store/schema.js';
import { listFactorMethods } from '../store/user-directory.js';
import { fail, type Failure } from './context.js';
import type { OrganizationChanges } from './organization.js';
import { factorPolicyOf, setupRequirementOf } from './sessions.js';

/**
 * W5 P5: after a second step with a factor the organization does not count (say, an authenticator
 * app while phishing-resistant sign-in is required), the new session only opens the setup.
 */
export async function mustSetUpAfterSecondStep(db: Kysely<Database>, user: User, nowInMs: number): Promise<boolean> {
  const organization = await findOrganizationById(db, user.organizationId);
  if (!organization || (organization.allowedMethods === null && organization.requirePhishingResistant !== 1)) return false;
  const methods = (await listFactorMethods(db, [user.id])).get(user.id) ?? [];
  return mustSetUpAtSignIn(setupRequirementOf(user, organization), hasCountedFactor(methods, factorPolicyOf(organization)), nowInMs);
}

interface PolicyInput {
  twoFactor?: { allowedMethods?: FactorMethod[]; requirePhishingResistant?: boolean; allowedAuthenticators?: string[] | null };
}

/** Adds the W5 changes of a PATCH to `changes`; a policy that leaves nothing usable is refused. */
export function webAuthnPolicyChanges(input: PolicyInput, organization: Organization, changes: OrganizationChanges): Failure | undefined {
  const asked = input.twoFactor;
  if (!asked) return undefined;
  const allowedMethods = asked.allowedMethods ?? decodeAllowedMethods(organization.allowedMethods);
  const requirePhishingResistant = asked.requirePhishingResistant ?? organization.requirePhishingResistant === 1;
  const check = checkFactorPolicy({ allowedMethods, requirePhishingResistant });
  if (!check.ok) {
    const message = check.reason === 'no_method_allowed' ? 'Allow at least one method.' : 'Requiring phishing-resistant sign-in needs security keys and passkeys to be allowed.';
    return fail('validation_failed', { fieldErrors: [{ field: 'twoFactor.allowedMethods', message }] });
  }
  if (asked.allowedMethods !== undefined) changes.allowedMethods = asked.allowedMethods.length === 3 ? null : JSON.stringify(asked.allowedMethods);
  if (asked.requirePhishingResistant !== undefined) changes.requirePhishingResistant = asked.requirePhishingResistant ? 1 : 0;
  if (asked.allowedAuthenticators === null) changes.allowedAuthenticators = null;
  else if (asked.allowedAuthenticators !== undefined) {
    const aaguids = [...new Set(asked.allowedAuthenticators.map((value) => normaliseAaguid(value)).filter((value): value is string => value !== undefined))];
    changes.allowedAuthenticators = JSON.stringify(aaguids);
  }
  return undefined;
}
