import type { Role } from '../../api/session';

// M1: what the users grid shows lives in the address (?q=&twoFactor=&required=&role=&sort=&order=),
// so a reload, a bookmark or a link from elsewhere (the adoption overview) keeps it.

export type DirectorySort = 'created' | 'name' | 'email' | 'lastLogin';
export type SortOrder = 'asc' | 'desc';

export interface DirectoryQuery {
  q: string;
  twoFactor: '' | 'on' | 'off';
  required: '' | 'true' | 'false';
  role: '' | Role;
  /** W6: members with this second factor. */
  method: '' | 'totp' | 'sms' | 'webauthn';
  /** Empty: the server's default (the order members joined in). */
  sort: '' | DirectorySort;
  order: '' | SortOrder;
}

export const emptyDirectoryQuery: DirectoryQuery = { q: '', twoFactor: '', required: '', role: '', method: '', sort: '', order: '' };

function pick<T extends string>(value: string | null, allowed: readonly T[]): T | '' {
  return allowed.find((candidate) => candidate === value) ?? '';
}

export function parseDirectoryQuery(params: URLSearchParams): DirectoryQuery {
  return {
    q: (params.get('q') ?? '').slice(0, 200),
    twoFactor: pick(params.get('twoFactor'), ['on', 'off'] as const),
    required: pick(params.get('required'), ['true', 'false'] as const),
    role: pick(params.get('role'), ['admin', 'member'] as const),
    method: pick(params.get('method'), ['totp', 'sms', 'webauthn'] as const),
    sort: pick(params.get('sort'), ['created', 'name', 'email', 'lastLogin'] as const),
    order: pick(params.get('order'), ['asc', 'desc'] as const),
  };
}

/** The address of the grid for a query; empty values are left out. */
export function directoryPath(query: DirectoryQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== '') params.set(key, value);
  const search = params.toString();
  return search === '' ? '/admin/users' : `/admin/users?${search}`;
}

/** The server's default direction per column: newest sign-ins first, the rest A to Z. */
export function defaultOrder(sort: DirectorySort): SortOrder {
  return sort === 'lastLogin' ? 'desc' : 'asc';
}

export function effectiveOrder(query: DirectoryQuery): SortOrder | undefined {
  if (query.sort === '') return undefined;
  return query.order === '' ? defaultOrder(query.sort) : query.order;
}

/** Clicking a column header: sort by it, or turn its direction round when it is the sort already. */
export function toggleSort(query: DirectoryQuery, sort: DirectorySort): DirectoryQuery {
  if (query.sort === sort) return { ...query, order: effectiveOrder(query) === 'asc' ? 'desc' : 'asc' };
  return { ...query, sort, order: defaultOrder(sort) };
}

export function hasFilters(query: DirectoryQuery): boolean {
  return query.q !== '' || query.twoFactor !== '' || query.required !== '' || query.role !== '' || query.method !== '';
}
