import { api, apiRequest } from '../../api/client';

/** GET /api/v1/me/two-factor: the member's own status (T1–T6, R3, D1). */
export interface TwoFactorStatus {
  enabled: boolean;
  /** Required of this member (by the organization or for them alone); then it cannot be turned off (D1). */
  required: boolean;
  methods: string[];
  recoveryCodes: { remaining: number; total: number };
  /** S1, S4: present on servers with text messages. */
  sms?: SmsStatus;
}

/** A pending authenticator setup (T1, T2): open until `expiresAt`, nothing active yet (T4). */
export interface TotpEnrollment {
  /** The base32 key, for typing by hand. */
  secret: string;
  otpauthUri: string;
  qrCodeSvg: string;
  expiresAt: string;
}

/** R3: a recovery code as `1234-5678`, with when it was used (null while unused). */
export interface RecoveryCodeEntry {
  code: string;
  usedAt: string | null;
}

export const fetchTwoFactorStatus = () => api.get<TwoFactorStatus>('/api/v1/me/two-factor');

export const startTotpEnrollment = () => api.post<TotpEnrollment>('/api/v1/me/two-factor/totp');

export const confirmTotpEnrollment = async (code: string) =>
  (await api.post<{ recoveryCodes?: string[] }>('/api/v1/me/two-factor/totp/confirm', { code })).recoveryCodes ?? [];

export const listRecoveryCodes = async () =>
  (await api.get<{ codes: RecoveryCodeEntry[] }>('/api/v1/me/two-factor/recovery-codes')).codes;

export const regenerateRecoveryCodes = async () =>
  (await api.post<{ codes: string[] }>('/api/v1/me/two-factor/recovery-codes')).codes;

export const turnOffTwoFactor = (code: string) => apiRequest('DELETE', '/api/v1/me/two-factor', { code });

/** S1: the member's text-message method; `phoneNumber` is masked ("+41 •• ••• •• 67"), null while none is active. */
export interface SmsStatus {
  phoneNumber: string | null;
  /** S4: false when the organization does not allow text messages. */
  allowed: boolean;
  /** Issue 10 item 6: the countries a new number may be from; null (or absent, older servers) = any. */
  allowedCountries?: string[] | null;
}

/** S1: a number waiting for its texted code, in E.164. */
export interface SmsEnrollment {
  phoneNumber: string;
  expiresAt: string;
}

export interface SmsConfirmation {
  phoneNumber: string;
  /** Only when text messages are the member's first factor (T6 applies to them too). */
  recoveryCodes?: string[];
}

/** S1: texts a code to the number; starting again replaces a number still waiting. */
export const startSmsEnrollment = (phoneNumber: string, country: string) =>
  api.post<SmsEnrollment>('/api/v1/me/two-factor/sms', { phoneNumber, country });

export const confirmSmsEnrollment = (code: string) => api.post<SmsConfirmation>('/api/v1/me/two-factor/sms/confirm', { code });

/** D1 for one method: a current code of any kind removes the number. */
export const removeSmsNumber = (code: string) => apiRequest('DELETE', '/api/v1/me/two-factor/sms', { code });

/** S2: texts a code to the member's active number, to confirm a change such as removing it. */
export const textConfirmationCode = () => api.post<{ phoneNumber: string; expiresAt: string }>('/api/v1/me/two-factor/sms/code');
