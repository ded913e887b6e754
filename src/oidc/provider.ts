// Tessera as an OpenID Connect provider (O2): panva's oidc-provider (OpenID Certified) does the
// protocol; this file only configures it. The issuer is PUBLIC_URL; discovery answers at
// PUBLIC_URL/.well-known/openid-configuration and every endpoint lives under /oauth/.
import Provider, { interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { amrOf, acrOf, supportedAcrValues } from '../core/authentication-context.js';
import { constantTimeEqual } from '../core/constant-time.js';
import type { AppContext } from '../services/context.js';
import { findGrantSession, insertApplicationGrant } from '../store/application-grants.js';
import { findApplicationByClientId } from '../store/applications.js';
import { findMemberForClaims } from '../store/oidc-accounts.js';
import { createAdapterClass } from './adapter.js';
import { outgoingFetch } from './outgoing-fetch.js';
import { escapeHtml, page } from './pages.js';
import type { PrivateJwk } from './signing-keys.js';

export const oidcRoutes = {
  authorization: '/oauth/authorize',
  token: '/oauth/token',
  jwks: '/oauth/jwks',
  userinfo: '/oauth/userinfo',
  revocation: '/oauth/revoke',
  introspection: '/oauth/introspect',
  end_session: '/oauth/end-session',
  // Unused features still need a path of their own under /oauth.
  code_verification: '/oauth/device',
  device_authorization: '/oauth/device/auth',
  pushed_authorization_request: '/oauth/par',
  registration: '/oauth/register',
  backchannel_authentication: '/oauth/backchannel',
  challenge: '/oauth/challenge',
} as const;

export const interactionPath = (uid: string) => `/oauth/interaction/${encodeURIComponent(uid)}`;

/** Lifetimes in seconds. Refresh tokens and grants end with the Tessera session at the latest (O6). */
export const oidcTtl = {
  AccessToken: 60 * 60,
  AuthorizationCode: 60,
  IdToken: 60 * 60,
  Interaction: 60 * 60,
  Session: 14 * 24 * 60 * 60,
  Grant: 14 * 24 * 60 * 60,
  RefreshToken: 14 * 24 * 60 * 60,
};

/** What the interaction result carries besides `login`: the Tessera session it was finished in. */
export interface TesseraInteractionResult {
  sessionId: string;
}

export interface OidcProviderOptions {
  keys: PrivateJwk[];
}

export function createOidcProvider(context: AppContext, options: OidcProviderOptions): Provider {
  const issuer = context.config.publicUrl.origin;
  // Grants created while resuming one authorization request (loadExistingGrant runs more than once).
  const grantsOfRequest = new WeakMap<object, string>();

  const basePolicy = interactionPolicy.base();
  // O3: the Tessera session decides every authorization: each request goes through our
  // interaction (which returns at once when the session answers it), so a grant always knows the
  // Tessera session it was issued in and ends with it.
  basePolicy.get('login')!.checks.add(
    new interactionPolicy.Check('tessera_session', 'Tessera decides who is signed in', (ctx) => (ctx.oidc.result?.tessera ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT)),
    0,
  );

  const configuration: Configuration = {
    adapter: createAdapterClass(context),
    jwks: { keys: options.keys },
    cookies: {
      // Derived from the server key, so every instance signs the provider's cookies alike.
      // N5: signed with the newest server key's, checked under every loaded key's.
      keys: context.keyedHasher.hashAll('oidc-provider cookie key'),
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    routes: oidcRoutes,
    responseTypes: ['code'],
    pkce: { required: () => true },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    enabledJWA: { idTokenSigningAlgValues: ['ES256'], userinfoSigningAlgValues: ['ES256'], authorizationSigningAlgValues: ['ES256'], introspectionSigningAlgValues: ['ES256'] },
    acrValues: [...supportedAcrValues],
    scopes: ['openid', 'email', 'profile', 'offline_access'],
    claims: {
      // O4: the organization and role come with `openid` itself; auth_time, amr and acr say how.
      openid: ['sub', 'org_id', 'org_name', 'role', 'auth_time', 'amr', 'acr'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    conformIdTokenClaims: false,
    ttl: oidcTtl,
    rotateRefreshToken: true,
    // oidc-provider drops `offline_access` unless prompt=consent (OIDC Core §11), and these
    // first-party applications have no consent screen (O7): every code gets a refresh token,
    // which lives no longer than the Tessera session it was issued in (O6).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      // Introspection answers confidential clients only.
      introspection: { enabled: true, allowedPolicy: (_ctx, client) => client.clientAuthMethod !== 'none' },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.type = 'html';
          ctx.body = page('Sign out of Tessera?', `${form}<p>You will be signed out of Tessera and of the applications you signed in to with it.</p><button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Sign out</button><button class="secondary" type="submit" form="op.logoutForm">Stay signed in</button>`);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.type = 'html';
          ctx.body = page('Signed out', `<p>You are signed out of Tessera.</p><p><a class="button" href="/login">Sign in again</a></p>`);
        },
      },
      backchannelLogout: { enabled: true },
    },
    clientBasedCORS: (ctx, origin, client) => {
      // Browser (public) clients only, and only from the origins of their redirect URIs.
      if (client.clientAuthMethod !== 'none' && ctx.oidc.route !== 'userinfo') return false;
      return client.redirectUris!.some((uri) => URL.canParse(uri) && new URL(uri).origin === origin);
    },
    interactions: { policy: basePolicy, url: (_ctx, interaction) => interactionPath(interaction.uid) },
    // O7: first-party applications, no consent screen: the grant holds what was asked for, and
    // records the Tessera session it belongs to (O6).
    loadExistingGrant: async (ctx) => {
      const result = ctx.oidc.result as { tessera?: TesseraInteractionResult } | undefined;
      const client = ctx.oidc.client!;
      const accountId = ctx.oidc.session!.accountId!;
      const existingId = grantsOfRequest.get(ctx);
      if (existingId) return ctx.oidc.provider.Grant.find(existingId);
      if (!result?.tessera) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId });
      grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
      const grantId = await grant.save();
      const application = await findApplicationByClientId(context.db, client.clientId);
      const now = context.clock.now().getTime();
      if (application) await insertApplicationGrant(context.db, { grantId, applicationId: application.id, userId: accountId, sessionId: result.tessera.sessionId, createdAt: now, expiresAt: now + oidcTtl.Grant * 1000 });
      grantsOfRequest.set(ctx, grantId);
      return grant;
    },
    findAccount: async (ctx, sub, token) => {
      const member = await findMemberForClaims(context.db, sub);
      if (!member) return undefined;
      // How the member signed in: the Tessera session of the grant (userinfo), or of this request.
      const grantId = token?.grantId ?? (ctx.oidc.entities.Grant as { jti?: string } | undefined)?.jti;
      const bound = grantId ? await findGrantSession(context.db, grantId) : undefined;
      const secondFactor = bound?.session?.secondFactor;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          email: member.email,
          email_verified: member.emailVerifiedAt !== null,
          name: member.name,
          org_id: member.organizationId,
          org_name: member.organizationName,
          role: member.role,
          ...(bound?.session ? { auth_time: Math.floor(bound.session.createdAt / 1000), amr: amrOf(secondFactor), acr: acrOf(secondFactor) } : {}),
        }),
      };
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Sign-in could not continue', `<p>${escapeHtml(String(out.error_description ?? out.error ?? 'Something went wrong.'))}</p><p><a class="button" href="/">Go to Tessera</a></p>`);
    },
    extraClientMetadata: { properties: ['urn:tessera:organization_id'] },
    fetch: outgoingFetch(context.config.isProduction) as Configuration['fetch'],
  };

  const provider = new Provider(issuer, configuration);
  // The issuer's address is PUBLIC_URL whatever the request says: the mount (http/routes/oidc.ts)
  // sets the forwarded protocol and host from it, and the provider believes only those.
  provider.proxy = true;
  // O1: the stored client secret is its keyed hash (HMAC-SHA-256 under the server key, as a
  // random 256-bit secret needs no slow hash); the presented secret is hashed and compared in
  // constant time.
  provider.Client.prototype.compareClientSecret = function compareClientSecret(this: { clientSecret?: string }, actual: string) {
    // N5: a secret set before the newest server key was added is hashed under an older one.
    const stored = this.clientSecret;
    return typeof stored === 'string' && context.keyedHasher.hashAll(actual).reduce((found, hash) => constantTimeEqual(stored, hash) || found, false);
  };
  return provider;
}

export type { KoaContextWithOIDC };
