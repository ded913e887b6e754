// W5: the organization's policy of methods — which second factors count, whether only
// phishing-resistant ones (security keys and passkeys) satisfy the requirement, and which
// authenticator models may be registered.
import type { Kysely } from 'kysely';
import { mustSetUpAtSignIn } from '../core/required-actions.js';
import { maxAllowedAuthenticatorModels, maxRootCertificateLength, maxRootCertificatesPerModel } from '../core/attestation-chain.js';
import { checkFactorPolicy, decodeAllowedMethods, hasCountedFactor, normaliseAaguid, type FactorMethod } from '../core/webauthn.js';
import { findOrganizationById } from '../store/organizations.js';
import type { SecondStepPolicy } from '../store/sign-in-challenges.js';
import type { Database, Organization, User } from '../store/schema.js';
import { listFactorMethods } from '../store/user-directory.js';
import { fail, type Outcome } from './context.js';
import { parseRootCertificate } from './attestation-certificates.js';
import type { OrganizationChanges } from './organization.js';
import { factorPolicyOf, setupRequirementOf } from './sessions.js';

/**
 * W5 P5: after a second step with a factor the organization does not count (say, an authenticator
 * app while phishing-resistant sign-in is required), the new session only opens the setup.
 */
export async function mustSetUpAfterSecondStep(db: Kysely<Database>, user: User, nowInMs: number, policy?: SecondStepPolicy): Promise<boolean> {
  // `policy`: the organization's, when the caller read it with the challenge (one statement less).
  const organization = policy ?? (await findOrganizationById(db, user.organizationId));
  if (!organization || (organization.allowedMethods === null && organization.requirePhishingResistant !== 1)) return false;
  const methods = (await listFactorMethods(db, [user.id])).get(user.id) ?? [];
  return mustSetUpAtSignIn(setupRequirementOf(user, organization), hasCountedFactor(methods, factorPolicyOf(organization)), nowInMs);
}

/** W5: an allowed model as a PATCH names it: an AAGUID alone keeps the roots already stored for it. */
export type AllowedAuthenticatorInput = string | { aaguid: string; rootCertificates: string[] };

interface PolicyInput {
  twoFactor?: { allowedMethods?: FactorMethod[]; requirePhishingResistant?: boolean; allowedAuthenticators?: AllowedAuthenticatorInput[] | null };
}

const modelsField = 'twoFactor.allowedAuthenticators';

/**
 * W5: the allowed models with their attestation root certificates (PEM, as parsed), or a refusal:
 * every model needs at least one root, given now or stored before, and every certificate given
 * must be exactly one parseable X.509 certificate.
 */
function allowedModelsOf(entries: readonly AllowedAuthenticatorInput[], storedRoots: ReadonlyMap<string, readonly string[]>): Outcome<{ roots: Map<string, string[]> }> {
  if (entries.length > maxAllowedAuthenticatorModels) return fail('validation_failed', { fieldErrors: [{ field: modelsField, message: `Allow at most ${maxAllowedAuthenticatorModels} models.` }] });
  const roots = new Map<string, string[]>();
  for (const entry of entries) {
    const rawAaguid = typeof entry === 'string' ? entry : entry.aaguid;
    const aaguid = normaliseAaguid(rawAaguid);
    if (aaguid === undefined) return fail('validation_failed', { fieldErrors: [{ field: modelsField, message: `${rawAaguid.slice(0, 40)} is not an AAGUID.` }] });
    let certificates: string[];
    if (typeof entry === 'string') {
      certificates = [...(storedRoots.get(aaguid) ?? [])];
    } else {
      if (entry.rootCertificates.length > maxRootCertificatesPerModel) return fail('validation_failed', { fieldErrors: [{ field: modelsField, message: `Give at most ${maxRootCertificatesPerModel} root certificates for ${aaguid}.` }] });
      certificates = [];
      for (const [index, text] of entry.rootCertificates.entries()) {
        const certificate = text.length <= maxRootCertificateLength ? parseRootCertificate(text) : undefined;
        if (!certificate) return fail('validation_failed', { fieldErrors: [{ field: modelsField, message: `Root certificate ${index + 1} of ${aaguid} is not an X.509 certificate (PEM or base64 DER).` }] });
        certificates.push(certificate.toString());
      }
    }
    const merged = [...new Set([...(roots.get(aaguid) ?? []), ...certificates])];
    if (merged.length === 0) return fail('validation_failed', { fieldErrors: [{ field: modelsField, message: `Add the attestation root certificate of ${aaguid}.` }] });
    if (merged.length > maxRootCertificatesPerModel) return fail('validation_failed', { fieldErrors: [{ field: modelsField, message: `Give at most ${maxRootCertificatesPerModel} root certificates for ${aaguid}.` }] });
    roots.set(aaguid, merged);
  }
  return { ok: true, roots };
}

/**
 * Adds the W5 changes of a PATCH to `changes`; a policy that leaves nothing usable is refused.
 * `roots` comes back when the allow-list is replaced (empty when it is removed): the attestation
 * root certificates to store for each allowed model, in the same transaction.
 */
export function webAuthnPolicyChanges(
  input: PolicyInput,
  organization: Organization,
  changes: OrganizationChanges,
  storedRoots: ReadonlyMap<string, readonly string[]> = new Map(),
): Outcome<{ roots?: Map<string, string[]> }> {
  const asked = input.twoFactor;
  if (!asked) return { ok: true };
  const allowedMethods = asked.allowedMethods ?? decodeAllowedMethods(organization.allowedMethods);
  const requirePhishingResistant = asked.requirePhishingResistant ?? organization.requirePhishingResistant === 1;
  const check = checkFactorPolicy({ allowedMethods, requirePhishingResistant });
  if (!check.ok) {
    const message = check.reason === 'no_method_allowed' ? 'Allow at least one method.' : 'Requiring phishing-resistant sign-in needs security keys and passkeys to be allowed.';
    return fail('validation_failed', { fieldErrors: [{ field: 'twoFactor.allowedMethods', message }] });
  }
  let roots: Map<string, string[]> | undefined;
  if (asked.allowedAuthenticators === null) roots = new Map();
  else if (asked.allowedAuthenticators !== undefined) {
    const models = allowedModelsOf(asked.allowedAuthenticators, storedRoots);
    if (!models.ok) return models;
    roots = models.roots;
  }
  if (asked.allowedMethods !== undefined) changes.allowedMethods = asked.allowedMethods.length === 3 ? null : JSON.stringify(asked.allowedMethods);
  if (asked.requirePhishingResistant !== undefined) changes.requirePhishingResistant = asked.requirePhishingResistant ? 1 : 0;
  if (asked.allowedAuthenticators === null) changes.allowedAuthenticators = null;
  else if (roots !== undefined) changes.allowedAuthenticators = JSON.stringify([...roots.keys()]);
  return { ok: true, ...(roots !== undefined && { roots }) };
}
