import { useCursorPages, type CursorPages } from '../../components/use-cursor-pages';
import { listUsers, type OrganizationUser } from './admin-api';
import type { DirectoryQuery } from './directory-query';

export type UserDirectory = Omit<CursorPages<OrganizationUser>, 'items'> & { users: OrganizationUser[] };

const fetchUsersPage = async (query: DirectoryQuery, cursor: string | null) => {
  const page = await listUsers(query, cursor);
  return { items: page.users, nextCursor: page.nextCursor };
};

/** Pages through the organization's users for one query (search, filters, sort), cursor by cursor (M1). */
export function useUserDirectory(query: DirectoryQuery): UserDirectory {
  const { items, ...pages } = useCursorPages(query, fetchUsersPage);
  return { ...pages, users: items };
}
