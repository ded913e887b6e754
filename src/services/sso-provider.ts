// E1/E2: the only place that speaks OpenID Connect to an organization's identity provider, through
// panva's certified relying party (openid-client). No protocol code of our own: discovery, the
// authorization request (PKCE S256, state, nonce), the code exchange and every ID token check
// (issuer, audience, signature, expiry, nonce) are the library's.
import * as client from 'openid-client';
import { checkIssuerUrl } from '../core/single-sign-on.js';

/** Every request to a provider gives up after this long (a slow provider must not hold a sign-in). */
export const providerTimeoutInSeconds = 10;

export interface ProviderSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

export class ProviderUnreachable extends Error {}

/**
 * Discovery documents kept for a few minutes per issuer, client and secret, so a stranger typing
 * addresses on the sign-in page cannot make Tessera fetch a provider's discovery over and over.
 * A cache only (each instance its own); changed settings are a different key.
 */
const discoveryCacheLifetimeInMs = 5 * 60 * 1000;
const discoveryCacheLimit = 500;
const discoveryCache = new Map<string, { configuration: client.Configuration; expiresAtInMs: number }>();

/** E2: discovery as sign-ins use it, from the cache while it is fresh. */
export async function discoverProviderCached(settings: ProviderSettings, isProduction: boolean, nowInMs: number): Promise<client.Configuration> {
  const key = JSON.stringify([settings.issuer, settings.clientId, settings.clientSecret]);
  const cached = discoveryCache.get(key);
  if (cached && cached.expiresAtInMs > nowInMs) return cached.configuration;
  const configuration = await discoverProvider(settings, isProduction);
  if (discoveryCache.size >= discoveryCacheLimit) discoveryCache.clear();
  discoveryCache.set(key, { configuration, expiresAtInMs: nowInMs + discoveryCacheLifetimeInMs });
  return configuration;
}

/** Discovery of the issuer, fetched now (the connection test); http:// only outside production and only on a loopback address (E5). The client authenticates with HTTP Basic, which RFC 6749 §2.3.1 requires every provider to support. */
export async function discoverProvider(settings: ProviderSettings, isProduction: boolean): Promise<client.Configuration> {
  const checked = checkIssuerUrl(settings.issuer, isProduction);
  if (!checked.ok) throw new ProviderUnreachable(`the issuer address is not allowed (${checked.reason})`);
  try {
    const configuration = await client.discovery(checked.issuer, settings.clientId, undefined, client.ClientSecretBasic(settings.clientSecret), {
      timeout: providerTimeoutInSeconds,
      ...(checked.isInsecureLoopback ? { execute: [client.allowInsecureRequests] } : {}),
    });
    configuration.timeout = providerTimeoutInSeconds;
    return configuration;
  } catch (error) {
    throw new ProviderUnreachable(describeProviderError(error));
  }
}

export interface StartedAuthorization {
  url: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export async function buildProviderAuthorization(configuration: client.Configuration, redirectUri: string, loginHint: string): Promise<StartedAuthorization> {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    login_hint: loginHint,
  });
  return { url, state, nonce, codeVerifier };
}

export interface ProviderIdentity {
  subject: string;
  email: string | undefined;
  emailVerified: boolean;
  name: string | undefined;
  amr: string[];
  acr: string | undefined;
}

export type CodeExchange = { ok: true; identity: ProviderIdentity } | { ok: false; reason: string };

/** The callback: state, PKCE and nonce checked by the library against what this browser started with. */
export async function exchangeProviderCode(configuration: client.Configuration, callbackUrl: URL, expected: { state: string; nonce: string; codeVerifier: string }): Promise<CodeExchange> {
  let tokens;
  try {
    tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: expected.codeVerifier,
      expectedState: expected.state,
      expectedNonce: expected.nonce,
      idTokenExpected: true,
    });
  } catch (error) {
    return { ok: false, reason: describeProviderError(error) };
  }
  const claims = tokens.claims();
  if (!claims) return { ok: false, reason: 'no ID token' };
  let email = typeof claims.email === 'string' ? claims.email : undefined;
  let emailVerified = claims.email_verified === true;
  let name = typeof claims.name === 'string' ? claims.name : undefined;
  // Providers that keep the address out of the ID token give it at userinfo, for the same subject.
  if (email === undefined && tokens.access_token) {
    try {
      const info = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
      email = typeof info.email === 'string' ? info.email : undefined;
      emailVerified = info.email_verified === true;
      name = name ?? (typeof info.name === 'string' ? info.name : undefined);
    } catch (error) {
      return { ok: false, reason: describeProviderError(error) };
    }
  }
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((value): value is string => typeof value === 'string').slice(0, 20) : [];
  return { ok: true, identity: { subject: claims.sub, email, emailVerified, name, amr, acr: typeof claims.acr === 'string' ? claims.acr : undefined } };
}

export type ClientCheck = { ok: true } | { ok: false; detail: string };

/**
 * E1 "Test connection": a token request with a code that cannot exist. A provider that accepts the
 * client's credentials answers `invalid_grant` (the code); a wrong id or secret, `invalid_client`.
 */
export async function probeClientCredentials(configuration: client.Configuration, redirectUri: string): Promise<ClientCheck> {
  try {
    await client.genericGrantRequest(configuration, 'authorization_code', { code: `tessera-connection-test-${client.randomState()}`, redirect_uri: redirectUri });
    return { ok: false, detail: 'The provider accepted a code that does not exist.' };
  } catch (error) {
    if (error instanceof client.ResponseBodyError) {
      if (error.error === 'invalid_client' || error.error === 'unauthorized_client') return { ok: false, detail: `The provider refused the client id or secret (${error.error}).` };
      if (error.error === 'invalid_grant') return { ok: true };
      return { ok: false, detail: `The token endpoint answered ${error.error}.` };
    }
    // HTTP Basic refused: RFC 6749 §5.2 answers 401 with a WWW-Authenticate challenge.
    if (error instanceof client.WWWAuthenticateChallengeError) {
      const code = error.cause.map((challenge) => challenge.parameters.error).find((value) => value !== undefined) ?? (error.status === 401 ? 'invalid_client' : `HTTP ${error.status}`);
      return { ok: false, detail: `The provider refused the client id or secret (${code}).` };
    }
    return { ok: false, detail: describeProviderError(error) };
  }
}

/** What went wrong, without anything the provider sent that could hold a secret. */
function describeProviderError(error: unknown): string {
  if (error instanceof client.ResponseBodyError) return `the provider answered ${error.error}`;
  if (error instanceof client.ClientError || error instanceof client.AuthorizationResponseError || error instanceof client.WWWAuthenticateChallengeError) return error.message.slice(0, 200);
  if (error instanceof Error && error.name === 'TimeoutError') return 'the provider did not answer in time';
  if (error instanceof Error && error.cause instanceof Error && error.cause.name === 'TimeoutError') return 'the provider did not answer in time';
  return error instanceof Error ? error.message.slice(0, 200) : 'unknown error';
}
