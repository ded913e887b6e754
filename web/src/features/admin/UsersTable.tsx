import { KeepWordsWhole } from '../../components/KeepWordsWhole';
import { Link } from '../../router/router';
import { useSession } from '../../session/session-context';
import type { OrganizationUser } from './admin-api';
import { effectiveOrder, type DirectoryQuery, type DirectorySort } from './directory-query';
import { describeLastLogin, describeMethods, describeRequirement, explainLastLogin, roleLabels } from './labels';

interface UsersTableProps {
  users: OrganizationUser[];
  caption: string;
  query: DirectoryQuery;
  onSort: (sort: DirectorySort) => void;
}

/**
 * M1's grid. Name, e-mail and last sign-in sort from their headers (aria-sort says how).
 * Below 40rem each row becomes a card; data-label names the value there.
 */
export function UsersTable({ users, caption, query, onSort }: UsersTableProps) {
  const rememberBrowserDays = useSession().organization.twoFactor.rememberBrowserDays ?? 0;
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <SortableHeader label="Name" sort="name" query={query} onSort={onSort} />
            <SortableHeader label="E-mail" sort="email" query={query} onSort={onSort} />
            <th scope="col">Role</th>
            <th scope="col">2FA Status</th>
            <th scope="col">2FA Required</th>
            <th scope="col">Methods</th>
            <SortableHeader label="Last sign-in" sort="lastLogin" query={query} onSort={onSort} />
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.id}>
              <th scope="row" data-label="Name">
                <Link to={`/admin/users/${encodeURIComponent(user.id)}`}>
                  <KeepWordsWhole text={user.name} />
                </Link>
              </th>
              <td data-label="E-mail">
                <KeepWordsWhole text={user.email} />
              </td>
              <td data-label="Role" className="cell-nowrap">
                {roleLabels[user.role]}
              </td>
              <td data-label="2FA Status" className="cell-nowrap">
                <TwoFactorBadge status={user.twoFactor.status} />
              </td>
              <td data-label="2FA Required">{describeRequirement(user.twoFactor)}</td>
              <td data-label="Methods">{describeMethods(user.twoFactor.methods)}</td>
              <td data-label="Last sign-in">
                {describeLastLogin(user.lastLogin)}
                {explainLastLogin(user, rememberBrowserDays) && <span className="last-sign-in-note">{explainLastLogin(user, rememberBrowserDays)}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function TwoFactorBadge({ status }: { status: 'on' | 'off' }) {
  return status === 'on' ? <span className="badge badge-success">On</span> : <span className="badge badge-neutral">Off</span>;
}

interface SortableHeaderProps {
  label: string;
  sort: DirectorySort;
  query: DirectoryQuery;
  onSort: (sort: DirectorySort) => void;
}

function SortableHeader({ label, sort, query, onSort }: SortableHeaderProps) {
  const order = query.sort === sort ? effectiveOrder(query) : undefined;
  const ariaSort = order === undefined ? undefined : order === 'asc' ? 'ascending' : 'descending';
  return (
    <th scope="col" aria-sort={ariaSort}>
      <button type="button" className="sort-button" onClick={() => onSort(sort)}>
        {label}
        <span className="sort-indicator" aria-hidden="true">
          {order === 'asc' ? '▲' : order === 'desc' ? '▼' : '↕'}
        </span>
      </button>
    </th>
  );
}
