// M1: what the users grid can ask for — filters, sort orders and the keyset cursor that pages
// through them. Pure: the store turns a DirectoryQuery into SQL.
import type { Role } from './roles.js';

export const directorySortKeys = ['created', 'name', 'email', 'lastLogin'] as const;
export type DirectorySortKey = (typeof directorySortKeys)[number];
export type SortDirection = 'asc' | 'desc';

export interface DirectoryFilters {
  /** Whether the member has a second factor set up. */
  twoFactor?: 'on' | 'off';
  /** The effective requirement: the organization's or the member's own. */
  required?: boolean;
  role?: Role;
  /** W6: members who have this second factor. */
  method?: 'totp' | 'sms' | 'webauthn';
  /** Part of a name or e-mail address, any letter case. */
  search?: string;
}

/** Where the previous page ended: the sort value of its last row, and that row's id. */
export interface DirectoryCursor {
  value: string | number | null;
  id: string;
}

export interface DirectoryQuery extends DirectoryFilters {
  sort: DirectorySortKey;
  direction: SortDirection;
  after?: DirectoryCursor;
  limit: number;
}

/** Opaque to clients: base64url JSON of `[value, id]`. */
export function encodeDirectoryCursor(cursor: DirectoryCursor): string {
  return Buffer.from(JSON.stringify([cursor.value, cursor.id]), 'utf8').toString('base64url');
}

export function decodeDirectoryCursor(text: string, sort: DirectorySortKey): DirectoryCursor | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[1] !== 'string' || parsed[1].length > 64) return undefined;
  const [value, id] = parsed as [unknown, string];
  const valueFits = sort === 'created' ? value === null : sort === 'lastLogin' ? Number.isSafeInteger(value) : typeof value === 'string' && value.length <= 300;
  return valueFits ? { value: value as DirectoryCursor['value'], id } : undefined;
}

/** The newest sign-ins first reads best; names and addresses read best A to Z. */
export function defaultDirection(sort: DirectorySortKey): SortDirection {
  return sort === 'lastLogin' ? 'desc' : 'asc';
}
