import { api, withQuery } from '../../api/client';
import type { Role } from '../../api/session';

/** What a correct password leads to (A2, L1; P5 later). */
export type LoginResult =
  | { status: 'signed_in' }
  | { status: 'two_factor_required'; methods: string[]; rememberBrowserDays?: number }
  | { status: 'two_factor_setup_required' };

/** L1–L4: the second step is done; `recoveryCodesRemaining` comes when a recovery code was used (R7). */
export interface SecondStepResult {
  status: 'signed_in';
  recoveryCodesRemaining?: number;
}

export interface SignupRequest {
  organization: string;
  name: string;
  email: string;
  password: string;
}

export interface InvitationPreview {
  email: string;
  name: string;
  role: Role;
  organization: { name: string };
}

export const logIn = (email: string, password: string) => api.post<LoginResult>('/api/v1/auth/login', { email, password });

/** S1: during a challenge, texts a code to the member's number; the answer may name it, masked. */
export interface TextedCode {
  phoneNumber?: string;
}

export const sendSignInText = async () => (await api.post<TextedCode | undefined>('/api/v1/auth/two-factor/sms')) ?? {};

/** The challenge itself travels in an HttpOnly cookie set by the login answer. */
/** B2: `rememberBrowser` asks to skip the second step on this browser for the organization's number of days. */
export const completeSecondStep = (code: string, rememberBrowser = false) => api.post<SecondStepResult>('/api/v1/auth/two-factor', rememberBrowser ? { code, rememberBrowser } : { code });

export const signUp = (request: SignupRequest) => api.post<unknown>('/api/v1/signup', request);

export const verifyEmail = (token: string) => api.post('/api/v1/auth/verify-email', { token });

export const requestPasswordReset = (email: string) => api.post('/api/v1/auth/password-reset', { email });

export const confirmPasswordReset = (token: string, password: string) =>
  api.post('/api/v1/auth/password-reset/confirm', { token, password });

export const previewInvitation = (token: string) =>
  api.get<InvitationPreview>(withQuery('/api/v1/invitations/preview', { token }));

export const acceptInvitation = (token: string, name: string, password: string) =>
  api.post<unknown>('/api/v1/invitations/accept', { token, name, password });
