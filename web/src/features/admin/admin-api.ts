import { api, withQuery } from '../../api/client';
import type { Role } from '../../api/session';

export interface OrganizationUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  twoFactor: {
    status: 'on' | 'off';
    required: boolean;
    requiredBy: 'organization' | 'member' | null;
  };
  lastLogin: { at: string; withTwoFactor: boolean } | null;
}

export interface UserPage {
  users: OrganizationUser[];
  nextCursor: string | null;
}

export interface Invitation {
  id: string;
  email: string;
  name: string;
  role: Role;
  twoFactorRequired: boolean;
  createdAt: string;
  expiresAt: string;
}

export interface InvitationRequest {
  email: string;
  name: string;
  role: Role;
  twoFactorRequired: boolean;
}

export const listUsers = (query: { q: string; cursor: string | null }) =>
  api.get<UserPage>(withQuery('/api/v1/organization/users', { q: query.q.trim(), cursor: query.cursor }));

export const listInvitations = async () =>
  (await api.get<{ invitations: Invitation[] }>('/api/v1/organization/invitations')).invitations;

export const inviteUser = (request: InvitationRequest) =>
  api.post<{ invitation: Invitation }>('/api/v1/organization/users', request);

export const revokeInvitation = (id: string) => api.delete(`/api/v1/organization/invitations/${encodeURIComponent(id)}`);
