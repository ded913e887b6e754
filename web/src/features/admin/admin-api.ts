import { api, withQuery } from '../../api/client';
import type { Role, SessionOrganization } from '../../api/session';
import type { DirectoryQuery } from './directory-query';

/** A row of the users grid (M1); also the member on their page (M2). */
export interface OrganizationUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  twoFactor: {
    status: 'on' | 'off';
    /** The effective requirement: the organization's or the member's own (P1, P4). */
    required: boolean;
    requiredBy: 'organization' | 'member' | null;
    /** W6: the member's second factors. */
    methods?: string[];
  };
  lastLogin: { at: string; withTwoFactor: boolean; method?: string | null } | null;
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

/** One entry of the audit log (M5). `userId` is the member the event is about. */
export interface AuditEvent {
  id: string;
  type: string;
  /** `api_key` (K1): `userId` is the key's creator, `apiKey` the key used. */
  actor: { type: string; userId: string | null; apiKey?: { id: string; name: string | null } };
  userId: string | null;
  ip: string | null;
  createdAt: string;
  details: Record<string, unknown>;
}

/** M2: a member with their methods, recovery codes left and recent security events. */
export interface MemberDetails {
  user: OrganizationUser;
  /** W6: security keys and passkeys come with their name and kind. */
  methods: Array<{ type: string; createdAt: string; name?: string; kind?: 'passkey' | 'security_key' }>;
  recoveryCodes: { remaining: number; total: number };
  events: AuditEvent[];
}

export interface MemberChanges {
  role?: Role;
  twoFactorRequired?: boolean;
}

export interface OrganizationChanges {
  name?: string;
  brandName?: string | null;
  twoFactor?: {
    requirement?: 'optional' | 'required';
    /** P6: when the requirement takes effect; null for at once. */
    requiredFrom?: string | null;
    recoveryCodePolicy?: 'deplete' | 'replace';
    smsAllowed?: boolean;
    smsCodeLength?: 6 | 7;
    /** Issue 10 item 6: null allows every country. */
    smsAllowedCountries?: string[] | null;
    /** B2: 0 (off) to 30. */
    rememberBrowserDays?: number;
    /** W5 */
    allowedMethods?: Array<'totp' | 'sms' | 'webauthn'>;
    requirePhishingResistant?: boolean;
    /** W5: each allowed model with its attestation root certificates; an AAGUID alone keeps the stored ones. */
    allowedAuthenticators?: Array<string | { aaguid: string; rootCertificates: string[] }> | null;
  };
  /** W3 */
  passkeySignIn?: boolean;
}

/** P1: who has not set up two-factor authentication yet (the first ones by name, and how many in all). */
export interface PendingMembers {
  users: Array<{ id: string; email: string; name: string }>;
  total: number;
}

/** M4: how many members have two-factor authentication on, now and week by week. */
export interface Adoption {
  members: number;
  enabled: number;
  requiredNotSetUp: number;
  weekly: Array<{ weekStart: string; enabled: number; members: number }>;
  /** W6: members per kind of second factor. */
  methods?: { totp: number; sms: number; webauthn: number };
}

export interface AuditFilters {
  userId: string;
  type: string;
  /** ISO 8601 date-times: from inclusive, to exclusive. */
  from: string;
  to: string;
}

const userPath = (id: string) => `/api/v1/organization/users/${encodeURIComponent(id)}`;

export const listUsers = (query: DirectoryQuery, cursor: string | null) =>
  api.get<UserPage>(
    withQuery('/api/v1/organization/users', {
      q: query.q.trim(),
      twoFactor: query.twoFactor,
      required: query.required,
      role: query.role,
      method: query.method,
      sort: query.sort,
      order: query.order,
      cursor,
    }),
  );

export const fetchMember = (id: string) => api.get<MemberDetails>(userPath(id));

export const updateMember = (id: string, changes: MemberChanges) => api.patch<unknown>(userPath(id), changes);

export const resetMemberTwoFactor = (id: string) => api.post(`${userPath(id)}/two-factor/reset`);

export const listInvitations = async () =>
  (await api.get<{ invitations: Invitation[] }>('/api/v1/organization/invitations')).invitations;

export const inviteUser = (request: InvitationRequest) =>
  api.post<{ invitation: Invitation }>('/api/v1/organization/users', request);

export const revokeInvitation = (id: string) => api.delete(`/api/v1/organization/invitations/${encodeURIComponent(id)}`);

export const fetchOrganization = () => api.get<SessionOrganization>('/api/v1/organization');

export const updateOrganization = (changes: OrganizationChanges) => api.patch<SessionOrganization>('/api/v1/organization', changes);

export const listPendingMembers = () => api.get<PendingMembers>('/api/v1/organization/two-factor/pending');

export const fetchAdoption = () => api.get<Adoption>('/api/v1/organization/two-factor/adoption');

export const listAuditEvents = (filters: AuditFilters, cursor: string | null) =>
  api.get<{ events: AuditEvent[]; nextCursor: string | null }>(
    withQuery('/api/v1/organization/audit-events', { ...filters, cursor }),
  );

/** M5: the same filters, as a JSON-lines file the browser downloads. */
export const auditExportUrl = (filters: AuditFilters) => withQuery('/api/v1/organization/audit-events/export', { ...filters });
