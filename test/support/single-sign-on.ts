// E1–E5 test helpers: an administrator connects their organization to the test identity provider,
// and a browser signs in through it (Tessera over app.inject, the provider over real HTTP).
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Browser } from './agent.js';
import { signInAtProvider, type TestIdentityProvider } from './identity-provider.js';
import type { Member } from './two-factor.js';

export const callbackUrl = 'http://tessera.test/api/v1/auth/sso/callback';

export interface ConnectionSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  domains: string[];
  enabled: boolean;
  mfa: 'disable_with_requirement' | 'tessera_second_factor' | 'trust_provider_amr';
  createMembers: boolean;
  passwordForRoutedMembers: boolean;
}

export function connectionFor(idp: TestIdentityProvider, overrides: Partial<ConnectionSettings> = {}): ConnectionSettings {
  return { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, domains: ['acme.example'], enabled: true, mfa: 'disable_with_requirement', createMembers: false, passwordForRoutedMembers: false, ...overrides };
}

/** E1: PUT /api/v1/organization/sso, expecting success. */
export async function connect(admin: Member, idp: TestIdentityProvider, overrides: Partial<ConnectionSettings> = {}): Promise<Record<string, unknown>> {
  const response = await admin.browser.put('/api/v1/organization/sso', connectionFor(idp, overrides));
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

export interface SsoAttempt {
  /** The provider's redirect back to Tessera (its callback address with code and state). */
  callback: URL;
  /** Tessera's answer to the callback (a 303 into the app). */
  response: LightMyRequestResponse;
  location: string;
}

/** E2: the e-mail step, the provider's sign-in form, then the callback, all in `browser`. */
export async function signInThroughProvider(browser: Browser, email: string, login = email): Promise<SsoAttempt> {
  const started = await browser.post('/api/v1/auth/sso', { email });
  expect(started.statusCode, started.body).toBe(200);
  const callback = await signInAtProvider(started.json().redirectUrl, login);
  expect(callback.href.startsWith(callbackUrl), callback.href).toBe(true);
  const response = await browser.get(callback.pathname + callback.search);
  expect(response.statusCode, response.body).toBe(303);
  return { callback, response, location: String(response.headers.location) };
}
