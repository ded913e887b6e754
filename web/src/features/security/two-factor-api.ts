import { api, apiRequest } from '../../api/client';

/** GET /api/v1/me/two-factor: the member's own status (T1–T6, R3, D1). */
export interface TwoFactorStatus {
  enabled: boolean;
  /** Required of this member (by the organization or for them alone); then it cannot be turned off (D1). */
  required: boolean;
  methods: string[];
  recoveryCodes: { remaining: number; total: number };
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
  (await api.post<{ recoveryCodes: string[] }>('/api/v1/me/two-factor/totp/confirm', { code })).recoveryCodes;

export const listRecoveryCodes = async () =>
  (await api.get<{ codes: RecoveryCodeEntry[] }>('/api/v1/me/two-factor/recovery-codes')).codes;

export const regenerateRecoveryCodes = async () =>
  (await api.post<{ codes: string[] }>('/api/v1/me/two-factor/recovery-codes')).codes;

export const turnOffTwoFactor = (code: string) => apiRequest('DELETE', '/api/v1/me/two-factor', { code });
