// O1/O7: applications an organization's administrators register to sign in through Tessera.
// Confidential applications get a client secret, shown once and stored as a keyed hash;
// replacing it stops the old one at once; deleting an application revokes everything issued to it.
import { checkApplicationUri, isReturnToAllowed } from '../core/application-uris.js';
import type { FieldError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { deleteApplicationGrant, listGrantIdsOfApplication } from '../store/application-grants.js';
import {
  deleteApplication as deleteApplicationRow,
  findApplication,
  insertApplication,
  isRegisteredRedirectOrigin,
  listApplications as listApplicationRows,
  replaceApplicationSecret,
  updateApplication as updateApplicationRow,
  type Application,
  type ApplicationType,
} from '../store/applications.js';
import { deleteOidcPayloadsOfGrant } from '../store/oidc-payloads.js';
import { actorOf, recordAudit } from './audit.js';
import { fail, nowInMs, type AppContext, type Outcome, type RequestOrigin } from './context.js';
import type { Authenticated } from './sessions.js';

const maxUris = 20;

export interface ApplicationInput {
  name: string;
  type: ApplicationType;
  redirectUris: readonly string[];
  postLogoutRedirectUris?: readonly string[];
  backchannelLogoutUri?: string | null;
}

export type ApplicationChangesInput = Partial<Omit<ApplicationInput, 'type'>>;

interface CheckedUris {
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  backchannelLogoutUri?: string | null;
}

function checkUris(input: ApplicationChangesInput, errors: FieldError[]): CheckedUris {
  const checkList = (field: string, list: readonly string[] | undefined, required: boolean): string[] | undefined => {
    if (list === undefined) return undefined;
    if (required && list.length === 0) errors.push({ field, message: 'Enter at least one redirect URI.' });
    if (list.length > maxUris) errors.push({ field, message: `At most ${maxUris} addresses.` });
    const checked: string[] = [];
    list.forEach((uri, i) => {
      const result = checkApplicationUri(uri);
      if (result.ok) checked.push(result.uri);
      else errors.push({ field: `${field}.${i}`, message: result.message });
    });
    return [...new Set(checked)];
  };
  const out: CheckedUris = { redirectUris: checkList('redirectUris', input.redirectUris, true), postLogoutRedirectUris: checkList('postLogoutRedirectUris', input.postLogoutRedirectUris, false) };
  if (input.backchannelLogoutUri === null || input.backchannelLogoutUri === '') out.backchannelLogoutUri = null;
  else if (input.backchannelLogoutUri !== undefined) {
    const result = checkApplicationUri(input.backchannelLogoutUri);
    if (result.ok) out.backchannelLogoutUri = result.uri;
    else errors.push({ field: 'backchannelLogoutUri', message: result.message });
  }
  return out;
}

function newSecret(context: AppContext): string {
  return Buffer.from(context.random.bytes(32)).toString('base64url');
}

export async function createApplication(context: AppContext, admin: Authenticated, input: ApplicationInput, origin: RequestOrigin): Promise<Outcome<{ application: Application; clientSecret?: string }>> {
  const errors: FieldError[] = [];
  const name = input.name.trim();
  if (name === '') errors.push({ field: 'name', message: 'Enter a name.' });
  const uris = checkUris({ ...input, postLogoutRedirectUris: input.postLogoutRedirectUris ?? [] }, errors);
  if (errors.length > 0) return fail('validation_failed', { fieldErrors: errors });
  const now = nowInMs(context);
  const id = newId(now, context.random);
  const clientId = Buffer.from(context.random.bytes(16)).toString('base64url');
  const clientSecret = input.type === 'confidential' ? newSecret(context) : undefined;
  await context.db.transaction().execute(async (trx) => {
    await insertApplication(trx, {
      id,
      organizationId: admin.organization.id,
      clientId,
      name,
      type: input.type,
      secretHash: clientSecret ? context.keyedHasher.hash(clientSecret) : null,
      redirectUris: uris.redirectUris!,
      postLogoutRedirectUris: uris.postLogoutRedirectUris ?? [],
      backchannelLogoutUri: uris.backchannelLogoutUri ?? null,
      createdByUserId: admin.user.id,
      createdAt: now,
    });
    await recordAudit(trx, context, { organizationId: admin.organization.id, type: 'application.created', actor: actorOf(admin), targetUserId: null, origin, details: { applicationId: id, name, type: input.type, clientId, redirectUris: uris.redirectUris } });
  });
  const application = (await findApplication(context.db, admin.organization.id, id))!;
  return { ok: true, application, ...(clientSecret ? { clientSecret } : {}) };
}

export async function listApplications(context: AppContext, auth: Authenticated): Promise<Application[]> {
  return listApplicationRows(context.db, auth.organization.id);
}

export async function updateApplication(context: AppContext, admin: Authenticated, id: string, input: ApplicationChangesInput, origin: RequestOrigin): Promise<Outcome<{ application: Application }>> {
  const errors: FieldError[] = [];
  const name = input.name?.trim();
  if (name === '') errors.push({ field: 'name', message: 'Enter a name.' });
  const uris = checkUris(input, errors);
  if (errors.length > 0) return fail('validation_failed', { fieldErrors: errors });
  const updated = await context.db.transaction().execute(async (trx) => {
    const application = await updateApplicationRow(trx, admin.organization.id, id, { name, ...uris }, nowInMs(context));
    if (application) {
      await recordAudit(trx, context, { organizationId: admin.organization.id, type: 'application.updated', actor: actorOf(admin), targetUserId: null, origin, details: { applicationId: id, changed: Object.keys({ ...(name !== undefined ? { name } : {}), ...uris }).filter((k) => (uris as Record<string, unknown>)[k] !== undefined || k === 'name') } });
    }
    return application;
  });
  return updated ? { ok: true, application: updated } : fail('not_found');
}

export async function replaceClientSecret(context: AppContext, admin: Authenticated, id: string, origin: RequestOrigin): Promise<Outcome<{ clientSecret: string }>> {
  const clientSecret = newSecret(context);
  const replaced = await context.db.transaction().execute(async (trx) => {
    const application = await replaceApplicationSecret(trx, admin.organization.id, id, context.keyedHasher.hash(clientSecret), nowInMs(context));
    if (application) await recordAudit(trx, context, { organizationId: admin.organization.id, type: 'application.secret_replaced', actor: actorOf(admin), targetUserId: null, origin, details: { applicationId: id, name: application.name } });
    return application;
  });
  if (replaced) return { ok: true, clientSecret };
  const existing = await findApplication(context.db, admin.organization.id, id);
  return existing ? fail('validation_failed', { detail: 'Public applications have no client secret.' }) : fail('not_found');
}

/** Deleting revokes every code and token issued to the application, in the same transaction. */
export async function deleteApplication(context: AppContext, admin: Authenticated, id: string, origin: RequestOrigin): Promise<Outcome> {
  const deleted = await context.db.transaction().execute(async (trx) => {
    const grantIds = await listGrantIdsOfApplication(trx, id);
    const application = await deleteApplicationRow(trx, admin.organization.id, id);
    if (!application) return undefined;
    for (const grantId of grantIds) {
      await deleteOidcPayloadsOfGrant(trx, grantId);
      await deleteApplicationGrant(trx, grantId);
    }
    await recordAudit(trx, context, { organizationId: admin.organization.id, type: 'application.deleted', actor: actorOf(admin), targetUserId: null, origin, details: { applicationId: id, name: application.name, revokedGrants: grantIds.length } });
    return application;
  });
  return deleted ? { ok: true } : fail('not_found');
}

/** O3: each sign-in to an application is audited. */
export async function recordApplicationSignIn(context: AppContext, auth: Authenticated, application: Application, origin: RequestOrigin): Promise<void> {
  await recordAudit(context.db, context, { organizationId: auth.organization.id, type: 'application.signed_in', actor: actorOf(auth), targetUserId: auth.user.id, origin, details: { applicationId: application.id, name: application.name, clientId: application.clientId } });
}

/** O8: the address the sign-in page may return to, or null when it must be ignored. */
export async function allowedReturnTo(context: AppContext, returnTo: string): Promise<string | null> {
  if (!URL.canParse(returnTo)) return null;
  const origin = new URL(returnTo).origin;
  const registered = (await isRegisteredRedirectOrigin(context.db, origin)) ? [origin] : [];
  return isReturnToAllowed(returnTo, context.config.publicUrl, registered) ? returnTo : null;
}
