import { api, apiRequest, isApiError } from '../../api/client';

/** E3/E4: what the connection does about the organization's two-factor requirement. */
export type SsoMfaRule = 'disable_with_requirement' | 'tessera_second_factor' | 'trust_provider_amr';

export interface SsoConnection {
  issuer: string;
  clientId: string;
  hasClientSecret: boolean;
  domains: string[];
  enabled: boolean;
  mfa: SsoMfaRule;
  createMembers: boolean;
  passwordForRoutedMembers: boolean;
  /** E3: "two_factor_required" when turning the requirement on turned it off. */
  disabledReason: string | null;
  redirectUri: string;
}

export interface SsoConnectionInput {
  issuer: string;
  clientId: string;
  /** Omitted: the stored secret is kept (it is never read back). */
  clientSecret?: string;
  domains: string[];
  enabled: boolean;
  mfa: SsoMfaRule;
  createMembers: boolean;
  passwordForRoutedMembers: boolean;
}

/** E1: the organization's connection, or null when it has none. */
export async function getSsoConnection(): Promise<SsoConnection | null> {
  try {
    return await api.get<SsoConnection>('/api/v1/organization/sso');
  } catch (error) {
    if (isApiError(error, 'sso_not_configured')) return null;
    throw error;
  }
}

export function saveSsoConnection(input: SsoConnectionInput): Promise<SsoConnection> {
  return apiRequest<SsoConnection>('PUT', '/api/v1/organization/sso', input);
}

export function deleteSsoConnection(): Promise<undefined> {
  return api.delete('/api/v1/organization/sso');
}

export function testSsoConnection(): Promise<{ ok: boolean; detail: string }> {
  return api.post<{ ok: boolean; detail: string }>('/api/v1/organization/sso/test');
}

/** E2: where to send this address's browser, or null when its domain is not routed. */
export async function startSingleSignOn(email: string): Promise<string | null> {
  try {
    return (await api.post<{ redirectUrl: string }>('/api/v1/auth/sso', { email })).redirectUrl;
  } catch (error) {
    if (isApiError(error, 'sso_not_configured')) return null;
    throw error;
  }
}
