// E1: an administrator connects the organization to its OpenID Connect provider, tests it, and
// claims e-mail domains. E3: the seed's rule cannot be enabled while the requirement is on.
import { newId } from '../core/ids.js';
import { checkIssuerUrl, conflictsWithRequirement, normaliseClaimedDomains, type SsoMfaRule } from '../core/single-sign-on.js';
import { isUniqueViolation } from '../store/errors.js';
import { lockOrganizationWhileOptional } from '../store/organizations.js';
import type { SsoConnection } from '../store/schema.js';
import { deleteSsoConnection, findSsoConnectionOfOrganization, insertSsoConnection, listClaimedDomains, replaceClaimedDomains, updateSsoConnection } from '../store/sso-connections.js';
import { actorOf, recordAudit } from './audit.js';
import { fail, nowInMs, type AppContext, type Outcome, type RequestOrigin } from './context.js';
import type { Authenticated } from './sessions.js';
import { discoverProvider, probeClientCredentials, ProviderUnreachable } from './sso-provider.js';

export interface SsoConnectionInput {
  issuer: string;
  clientId: string;
  /** Required when the organization has no connection yet; omitted: the stored one is kept. */
  clientSecret?: string;
  domains: string[];
  enabled: boolean;
  mfa: SsoMfaRule;
  createMembers: boolean;
  passwordForRoutedMembers: boolean;
}

export interface SsoConnectionDetails {
  connection: SsoConnection;
  domains: string[];
}

/** Where the provider sends people back (registered at the provider as the redirect URI). */
export function ssoRedirectUri(context: AppContext): string {
  return new URL('/api/v1/auth/sso/callback', context.config.publicUrl).toString();
}

export async function readSsoConnection(context: AppContext, admin: Authenticated): Promise<Outcome<SsoConnectionDetails>> {
  const connection = await findSsoConnectionOfOrganization(context.db, admin.organization.id);
  if (!connection) return fail('sso_not_configured', { detail: 'This organization has no single-sign-on connection.' });
  return { ok: true, connection, domains: await listClaimedDomains(context.db, connection.id) };
}

/** Thrown inside the transaction to undo it when the requirement was turned on meanwhile (E3). */
class RequirementTurnedOn extends Error {}

export async function saveSsoConnection(context: AppContext, admin: Authenticated, input: SsoConnectionInput, origin: RequestOrigin): Promise<Outcome<SsoConnectionDetails>> {
  const issuer = checkIssuerUrl(input.issuer.trim(), context.config.isProduction);
  if (!issuer.ok) {
    const message = issuer.reason === 'https_required' ? 'Use an https:// address (http:// only for a provider on this machine, outside production).' : 'Enter the issuer’s address, as its discovery document names it.';
    return fail('validation_failed', { fieldErrors: [{ field: 'issuer', message }] });
  }
  const domains = normaliseClaimedDomains(input.domains);
  if (!domains.ok) {
    const message = domains.reason === 'empty' ? 'Claim at least one e-mail domain.' : domains.reason === 'too_many' ? 'Claim at most 20 domains.' : `${domains.domain} is not a domain name.`;
    return fail('validation_failed', { fieldErrors: [{ field: 'domains', message }] });
  }
  const clientId = input.clientId.trim();
  if (clientId === '') return fail('validation_failed', { fieldErrors: [{ field: 'clientId', message: 'Enter the client id.' }] });
  const existing = await findSsoConnectionOfOrganization(context.db, admin.organization.id);
  if (!existing && !input.clientSecret) return fail('validation_failed', { fieldErrors: [{ field: 'clientSecret', message: 'Enter the client secret.' }] });
  // E3: checked now for a clear answer, and again inside the transaction against a concurrent change.
  const wouldConflict = conflictsWithRequirement({ enabled: input.enabled, rule: input.mfa }, 'required');
  if (wouldConflict && admin.organization.twoFactorRequirement === 'required') return fail('sso_conflicts_with_requirement');

  const now = nowInMs(context);
  const organizationId = admin.organization.id;
  // Issuer as typed, without a trailing slash the provider's `issuer` would not have.
  const issuerText = issuer.issuer.href.replace(/\/$/, '');
  const values = {
    issuer: issuerText,
    clientId,
    enabled: input.enabled ? 1 : 0,
    mfaRule: input.mfa,
    createMembers: input.createMembers ? 1 : 0,
    passwordForRoutedMembers: input.passwordForRoutedMembers ? 1 : 0,
    updatedAt: now,
    ...(input.clientSecret ? { clientSecretSealed: context.secretBox.seal(input.clientSecret) } : {}),
  };
  try {
    await context.db.transaction().execute(async (trx) => {
      // E3: holds the organization's row, so "turn the requirement on" waits for this commit and
      // then turns the connection off; or it went first, and this save is refused.
      if (wouldConflict && !(await lockOrganizationWhileOptional(trx, organizationId))) throw new RequirementTurnedOn();
      let id: string;
      if (existing) {
        id = existing.id;
        await updateSsoConnection(trx, id, values);
      } else {
        id = newId(now, context.random);
        await insertSsoConnection(trx, { id, organizationId, createdAt: now, disabledReason: null, clientSecretSealed: values.clientSecretSealed!, ...values });
      }
      await replaceClaimedDomains(trx, id, domains.domains);
      await recordAudit(trx, context, {
        organizationId,
        type: 'sso.connection_saved',
        actor: actorOf(admin),
        targetUserId: null,
        origin,
        details: { issuer: issuerText, clientId, domains: domains.domains, enabled: input.enabled, mfa: input.mfa, createMembers: input.createMembers, passwordForRoutedMembers: input.passwordForRoutedMembers, clientSecretReplaced: Boolean(input.clientSecret), created: !existing },
      });
    });
    const connection = (await findSsoConnectionOfOrganization(context.db, organizationId))!;
    return { ok: true, connection, domains: domains.domains };
  } catch (error) {
    if (error instanceof RequirementTurnedOn) return fail('sso_conflicts_with_requirement');
    if (isUniqueViolation(error)) return fail('sso_domain_taken', { detail: 'One of these e-mail domains is already claimed by another organization.', fieldErrors: [{ field: 'domains', message: 'Already claimed by another organization.' }] });
    throw error;
  }
}

export async function removeSsoConnection(context: AppContext, admin: Authenticated, origin: RequestOrigin): Promise<Outcome> {
  return context.db.transaction().execute(async (trx) => {
    const connection = await findSsoConnectionOfOrganization(trx, admin.organization.id);
    if (!connection || !(await deleteSsoConnection(trx, connection.id))) return fail('sso_not_configured');
    await recordAudit(trx, context, { organizationId: admin.organization.id, type: 'sso.connection_deleted', actor: actorOf(admin), targetUserId: null, origin, details: { issuer: connection.issuer } });
    return { ok: true };
  });
}

export type ConnectionTest = { ok: boolean; detail: string };

/** E1 "Test connection": discovery fetched, and the client's credentials accepted by the token endpoint. */
export async function testSsoConnection(context: AppContext, admin: Authenticated, origin: RequestOrigin): Promise<Outcome<{ result: ConnectionTest }>> {
  const connection = await findSsoConnectionOfOrganization(context.db, admin.organization.id);
  if (!connection) return fail('sso_not_configured');
  let result: ConnectionTest;
  try {
    const configuration = await discoverProvider({ issuer: connection.issuer, clientId: connection.clientId, clientSecret: context.secretBox.open(connection.clientSecretSealed) }, context.config.isProduction);
    const check = await probeClientCredentials(configuration, ssoRedirectUri(context));
    result = check.ok ? { ok: true, detail: `Discovery fetched from ${connection.issuer}; the token endpoint accepted the client.` } : { ok: false, detail: check.detail };
  } catch (error) {
    if (!(error instanceof ProviderUnreachable)) throw error;
    result = { ok: false, detail: `Discovery failed: ${error.message}.` };
  }
  await recordAudit(context.db, context, { organizationId: admin.organization.id, type: 'sso.connection_tested', actor: actorOf(admin), targetUserId: null, origin, details: { ok: result.ok, detail: result.detail } });
  return { ok: true, result };
}
