// W1–W3: the server's WebAuthn routes and the browser's ceremonies (@simplewebauthn/browser).
import {
  startAuthentication,
  startRegistration,
  WebAuthnAbortService,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import { api, apiRequest } from '../../api/client';

export type CredentialKind = 'passkey' | 'security_key';

export interface Credential {
  id: string;
  name: string;
  kind: CredentialKind;
  storage: 'synced' | 'device_bound';
  userVerified: boolean;
  createdAt: string;
  lastUsedAt: string | null;
}

export const listCredentials = async () => (await api.get<{ credentials: Credential[] }>('/api/v1/me/two-factor/webauthn')).credentials;

export const creationOptions = (kind: CredentialKind) => api.post<PublicKeyCredentialCreationOptionsJSON>('/api/v1/me/two-factor/webauthn/options', { kind });

/** W1: asks the browser for a new credential and registers it; `recoveryCodes` when it is the first factor. */
export async function registerCredential(options: PublicKeyCredentialCreationOptionsJSON, name: string): Promise<{ id: string; recoveryCodes?: string[] }> {
  const response = await startRegistration({ optionsJSON: options });
  return api.post<{ id: string; recoveryCodes?: string[] }>('/api/v1/me/two-factor/webauthn', name.trim() === '' ? { response } : { name: name.trim(), response });
}

export const renameCredential = (id: string, name: string) => api.patch(`/api/v1/me/two-factor/webauthn/${encodeURIComponent(id)}`, { name });

/** D1: removes with a current code, or with one of the member's keys. */
export async function removeCredential(id: string, proof: { code: string } | { useKey: true }): Promise<void> {
  const path = `/api/v1/me/two-factor/webauthn/${encodeURIComponent(id)}`;
  if ('code' in proof) {
    await apiRequest('DELETE', path, { code: proof.code });
    return;
  }
  const options = await api.post<PublicKeyCredentialRequestOptionsJSON>('/api/v1/me/two-factor/webauthn/confirm/options');
  const response = await startAuthentication({ optionsJSON: options });
  await apiRequest('DELETE', path, { response });
}

/** W2: the second step with a security key or passkey. */
export async function completeSecondStepWithKey(rememberBrowser: boolean): Promise<void> {
  const options = await api.post<PublicKeyCredentialRequestOptionsJSON>('/api/v1/auth/two-factor/webauthn/options');
  const response = await startAuthentication({ optionsJSON: options });
  await api.post('/api/v1/auth/two-factor/webauthn', rememberBrowser ? { response, rememberBrowser } : { response });
}

/** W3: a passkey sign-in; `autofill` waits for the browser's passkey suggestions (conditional mediation). */
export async function signInWithPasskey(autofill: boolean): Promise<void> {
  const options = await api.post<PublicKeyCredentialRequestOptionsJSON>('/api/v1/auth/passkey/options');
  const response: AuthenticationResponseJSON = await startAuthentication({ optionsJSON: options, useBrowserAutofill: autofill });
  await api.post('/api/v1/auth/passkey', { response });
}

export function cancelCeremony(): void {
  WebAuthnAbortService.cancelCeremony();
}

/** The browser refused or the person cancelled: a DOMException, not a server answer. */
export function describeCeremonyError(error: unknown): string | null {
  if (error instanceof Error && (error.name === 'NotAllowedError' || error.name === 'AbortError')) return 'The request was cancelled or timed out. Try again when you are ready.';
  if (error instanceof Error && error.name === 'InvalidStateError') return 'This security key or passkey is already registered to your account.';
  if (error instanceof Error && error.name === 'NotSupportedError') return 'This browser or device cannot use security keys or passkeys here.';
  if (error instanceof Error && error.name === 'SecurityError') return 'This page’s address does not allow security keys or passkeys.';
  return null;
}

export const kindLabels: Record<CredentialKind, string> = { passkey: 'Passkey', security_key: 'Security key' };
export const storageLabels = { synced: 'synced between your devices', device_bound: 'on one device' } as const;
