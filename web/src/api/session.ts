import { api } from './client';

export type Role = 'admin' | 'member';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  emailVerified: boolean;
}

export interface SessionOrganization {
  id: string;
  name: string;
  brandName: string | null;
  twoFactor: {
    requirement: 'optional' | 'required';
    /** P6: when a requirement with a grace period takes effect. */
    requiredFrom?: string | null;
    recoveryCodePolicy: 'deplete' | 'replace';
    /** S4: whether members may use text messages as a second factor (absent from older servers: allowed). */
    smsAllowed?: boolean;
    /** S2: digits in a texted code. */
    smsCodeLength?: 6 | 7;
    /** Issue 10 item 6: countries (ISO 3166-1 alpha-2) whose mobile numbers may be added; null or absent: all. */
    smsAllowedCountries?: string[] | null;
    /** B2: days a browser may skip the second step; 0 = off. */
    rememberBrowserDays?: number;
    /** W5: the second factors that count. */
    allowedMethods?: Array<'totp' | 'sms' | 'webauthn'>;
    /** W5: only security keys and passkeys satisfy the requirement. */
    requirePhishingResistant?: boolean;
    /** W5: allowed authenticator models (AAGUIDs); null: any. */
    allowedAuthenticators?: string[] | null;
    /** W5: GET /api/v1/organization only: each allowed model with its attestation root certificates. */
    authenticatorModels?: Array<{ aaguid: string; rootCertificates: Array<{ pem: string; subject: string; validTo: string; sha256: string }> }>;
  };
  /** W3: members may sign in with a passkey alone. */
  passkeySignIn?: boolean;
}

export interface RequiredAction {
  action: string;
  blocking: boolean;
  /** P6: when a requirement still in its grace period takes effect (ISO 8601). */
  deadline?: string | null;
}

export interface Session {
  user: SessionUser;
  organization: SessionOrganization;
  requiredActions: RequiredAction[];
}

export const fetchSession = () => api.get<Session>('/api/v1/session');

export const signOut = () => api.post('/api/v1/auth/logout');

export const resendVerificationEmail = () => api.post('/api/v1/auth/verify-email/resend');

/** A5: confirms the password; with `code` (a current second-factor code), also allows replacing or revealing a second factor. */
export const reauthenticate = (password: string, code?: string) => api.post('/api/v1/auth/reauthenticate', code === undefined ? { password } : { password, code });
