import { api } from '../../api/client';
import { apiGrantRequires, apiGrants, type ApiGrant } from '../../../../src/core/api-grants';

/** K1: what a key may do: the server's catalogue itself (src/core/api-grants.ts). */
export { apiGrantRequires, apiGrants, type ApiGrant };

/** Each grant in words; a new grant in the catalogue must be described here (the type says so). */
export const grantDescriptions: Record<ApiGrant, { label: string; hint: string }> = {
  'users:read': { label: 'Read users', hint: 'List members and see their two-factor status.' },
  'users:write': { label: 'Manage users', hint: 'Invite members, change requirements, reset another member’s two-factor authentication.' },
  'users:roles': {
    label: 'Change roles',
    hint: 'Change members’ roles and invite administrators: as powerful as an administrator. Needs “Manage users”.',
  },
  'audit:read': { label: 'Read the audit log', hint: 'List and export security events.' },
  'organization:read': { label: 'Read organization settings', hint: 'The organization’s settings and the adoption overview.' },
  'applications:read': { label: 'Read applications', hint: 'List the applications that sign in through Tessera.' },
  'applications:write': { label: 'Manage applications', hint: 'Register, change and delete applications; replace client secrets.' },
};

/** K1: a key as listed; the secret itself is shown only once, when it is created. */
export interface ApiKey {
  id: string;
  name: string;
  grants: string[];
  allowedIps: string[] | null;
  /** The first characters of the key, to tell keys apart. */
  keyPrefix?: string;
  createdAt: string;
  createdBy: { id: string; name: string } | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
}

export interface ApiKeyRequest {
  name: string;
  grants: ApiGrant[];
  /** CIDR ranges the key may be used from; absent: anywhere. */
  allowedIps?: string[];
}

export const listApiKeys = async () => (await api.get<{ apiKeys: ApiKey[] }>('/api/v1/api-keys')).apiKeys;

export const createApiKey = (request: ApiKeyRequest) => api.post<{ id: string; key: string }>('/api/v1/api-keys', request);

export const revokeApiKey = (id: string) => api.delete(`/api/v1/api-keys/${encodeURIComponent(id)}`);

// A light check of one allow-list line, sparing a round trip; the server parses it for real.
const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const ipv6 = /^[0-9a-f:.]+$/i;

/** An IPv4 or IPv6 address, with an optional /prefix (0–32, 0–128). */
export function isCidr(value: string): boolean {
  const [address = '', prefix, ...rest] = value.split('/');
  if (rest.length > 0) return false;
  const isV4 = ipv4.test(address);
  const isV6 = !isV4 && address.includes(':') && ipv6.test(address);
  if (!isV4 && !isV6) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (isV4 ? 32 : 128);
}

/** The allow-list as typed, one range per line: blank lines and surrounding spaces do not count. */
export function parseAllowedIps(text: string): { ranges: string[]; invalid: string[] } {
  const ranges = text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return { ranges, invalid: ranges.filter((range) => !isCidr(range)) };
}
