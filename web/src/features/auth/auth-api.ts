import { api, withQuery } from '../../api/client';
import type { Role } from '../../api/session';

/** What a correct password leads to; later steps (two-factor) arrive as further statuses. */
export type LoginResult =
  | { status: 'signed_in' }
  | { status: 'two_factor_required'; methods: string[] }
  | { status: 'two_factor_setup_required' };

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

export const signUp = (request: SignupRequest) => api.post<unknown>('/api/v1/signup', request);

export const verifyEmail = (token: string) => api.post('/api/v1/auth/verify-email', { token });

export const requestPasswordReset = (email: string) => api.post('/api/v1/auth/password-reset', { email });

export const confirmPasswordReset = (token: string, password: string) =>
  api.post('/api/v1/auth/password-reset/confirm', { token, password });

export const previewInvitation = (token: string) =>
  api.get<InvitationPreview>(withQuery('/api/v1/invitations/preview', { token }));

export const acceptInvitation = (token: string, name: string, password: string) =>
  api.post<unknown>('/api/v1/invitations/accept', { token, name, password });
