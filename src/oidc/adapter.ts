// oidc-provider's storage adapter over Kysely (both databases). Codes, tokens, grants, its sessions
// and interactions live in `oidc_payloads`; clients come from our `applications` table (O1); a
// grant whose Tessera session has ended is not found, so its tokens stop at once (O6).
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { AppContext } from '../services/context.js';
import { findApplicationByClientId, type ApplicationWithSecret } from '../store/applications.js';
import { findGrantSession } from '../store/application-grants.js';
import { consumeOidcPayload, deleteOidcPayload, deleteOidcPayloadsOfGrantAndModel, findOidcPayload, upsertOidcPayload } from '../store/oidc-payloads.js';

/** The client metadata oidc-provider validates, from an application row. */
export function clientMetadataOf(application: ApplicationWithSecret): AdapterPayload {
  const isConfidential = application.type === 'confidential';
  return {
    client_id: application.clientId,
    client_name: application.name,
    application_type: 'web',
    // Confidential: the stored value is the secret's keyed hash; Client#compareClientSecret
    // (provider.ts) hashes what the client presents and compares in constant time.
    ...(isConfidential && application.secretHash ? { client_secret: application.secretHash, token_endpoint_auth_method: 'client_secret_basic' } : { token_endpoint_auth_method: 'none' }),
    redirect_uris: application.redirectUris,
    post_logout_redirect_uris: application.postLogoutRedirectUris,
    ...(application.backchannelLogoutUri ? { backchannel_logout_uri: application.backchannelLogoutUri, backchannel_logout_session_required: false } : {}),
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    id_token_signed_response_alg: 'ES256',
    'urn:tessera:organization_id': application.organizationId,
  } as AdapterPayload;
}

export function createAdapterClass(context: AppContext): new (model: string) => Adapter {
  const now = () => context.clock.now().getTime();
  return class KyselyAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresInSeconds: number): Promise<void> {
      await upsertOidcPayload(context.db, {
        model: this.model,
        id,
        payload,
        grantId: typeof payload.grantId === 'string' ? payload.grantId : null,
        userCode: typeof payload.userCode === 'string' ? payload.userCode : null,
        uid: typeof payload.uid === 'string' ? payload.uid : null,
        expiresAt: expiresInSeconds ? now() + expiresInSeconds * 1000 : null,
      });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') {
        const application = await findApplicationByClientId(context.db, id);
        return application ? clientMetadataOf(application) : undefined;
      }
      if (this.model === 'Grant') {
        const bound = await findGrantSession(context.db, id);
        // O6: the Tessera session it was issued in has ended (sign-out, ended from the list,
        // password change or reset, administrator's reset, expiry).
        if (bound && !bound.session) return undefined;
      }
      return this.findBy({ column: 'id', value: id });
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.findBy({ column: 'uid', value: uid });
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.findBy({ column: 'userCode', value: userCode });
    }

    async consume(id: string): Promise<void> {
      await consumeOidcPayload(context.db, this.model, id, now());
    }

    async destroy(id: string): Promise<void> {
      await deleteOidcPayload(context.db, this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await deleteOidcPayloadsOfGrantAndModel(context.db, this.model, grantId);
    }

    private async findBy(lookup: Parameters<typeof findOidcPayload>[2]): Promise<AdapterPayload | undefined> {
      const found = await findOidcPayload(context.db, this.model, lookup, now());
      if (!found) return undefined;
      const payload = found.payload as AdapterPayload;
      // oidc-provider reads `consumed` to refuse a code or refresh token used twice.
      return found.consumedAt === null ? payload : { ...payload, consumed: Math.floor(found.consumedAt / 1000) };
    }
  };
}
