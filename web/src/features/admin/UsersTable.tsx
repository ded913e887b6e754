import { formatDateTime } from '../../components/format';
import type { OrganizationUser } from './admin-api';
import { roleLabels } from './labels';

/** M1's grid. Below 40rem each row becomes a card; data-label names the value there. */
export function UsersTable({ users, caption }: { users: OrganizationUser[]; caption: string }) {
  return (
    <table className="data-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">E-mail</th>
          <th scope="col">Role</th>
          <th scope="col">2FA Status</th>
          <th scope="col">2FA Required</th>
          <th scope="col">Last sign-in</th>
        </tr>
      </thead>
      <tbody>
        {users.map((user) => (
          <tr key={user.id}>
            <th scope="row" data-label="Name">
              {user.name}
            </th>
            <td data-label="E-mail">{user.email}</td>
            <td data-label="Role">{roleLabels[user.role]}</td>
            <td data-label="2FA Status">
              {user.twoFactor.status === 'on' ? (
                <span className="badge badge-success">On</span>
              ) : (
                <span className="badge badge-neutral">Off</span>
              )}
            </td>
            <td data-label="2FA Required">{describeRequirement(user.twoFactor)}</td>
            <td data-label="Last sign-in">{describeLastLogin(user.lastLogin)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function describeRequirement(twoFactor: OrganizationUser['twoFactor']): string {
  if (!twoFactor.required) return 'No';
  return twoFactor.requiredBy === 'organization' ? 'Yes (organization)' : 'Yes';
}

function describeLastLogin(lastLogin: OrganizationUser['lastLogin']): string {
  if (lastLogin === null) return 'Never';
  return `${formatDateTime(lastLogin.at)}${lastLogin.withTwoFactor ? ', with 2FA' : ''}`;
}
