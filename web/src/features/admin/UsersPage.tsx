import { useEffect, useId, useState } from 'react';
import { PageHeading } from '../../components/PageHeading';
import { ProblemAlert } from '../../components/ProblemAlert';
import { SelectField } from '../../components/SelectField';
import { StatusMessage } from '../../components/StatusMessage';
import { useResource } from '../../components/use-resource';
import { navigate, useLocation } from '../../router/router';
import { useSession } from '../../session/session-context';
import { listInvitations, type Invitation } from './admin-api';
import {
  directoryPath,
  effectiveOrder,
  emptyDirectoryQuery,
  hasFilters,
  parseDirectoryQuery,
  toggleSort,
  type DirectoryQuery,
  type DirectorySort,
  type SortOrder,
} from './directory-query';
import { InvitationsSection } from './InvitationsSection';
import { InviteDialog } from './InviteDialog';
import { VerifyEmailFirst } from './VerifyEmailFirst';
import { UsersTable } from './UsersTable';
import { useUserDirectory } from './use-user-directory';
import './admin.css';

const searchDelayInMilliseconds = 300;

const twoFactorOptions = [
  { value: '', label: 'All' },
  { value: 'on', label: 'On' },
  { value: 'off', label: 'Off' },
] as const;

const requiredOptions = [
  { value: '', label: 'All' },
  { value: 'true', label: 'Yes' },
  { value: 'false', label: 'No' },
] as const;

const methodFilterOptions = [
  { value: '', label: 'Any method' },
  { value: 'webauthn', label: 'Security key or passkey' },
  { value: 'totp', label: 'Authenticator app' },
  { value: 'sms', label: 'Text message' },
] as const;

const roleFilterOptions = [
  { value: '', label: 'All roles' },
  { value: 'admin', label: 'Administrators' },
  { value: 'member', label: 'Members' },
] as const;

// Narrow screens show the grid as cards without column headers: the sort is a menu there.
const sortOptions = [
  { value: '', label: 'Date joined' },
  { value: 'name:asc', label: 'Name, A to Z' },
  { value: 'name:desc', label: 'Name, Z to A' },
  { value: 'email:asc', label: 'E-mail, A to Z' },
  { value: 'email:desc', label: 'E-mail, Z to A' },
  { value: 'lastLogin:desc', label: 'Last sign-in, newest first' },
  { value: 'lastLogin:asc', label: 'Last sign-in, oldest first' },
] as const;

type SortOptionValue = (typeof sortOptions)[number]['value'];

function sortOptionOf(query: DirectoryQuery): SortOptionValue {
  if (query.sort === '' || query.sort === 'created') return '';
  const value = `${query.sort}:${effectiveOrder(query) ?? 'asc'}`;
  return sortOptions.find((option) => option.value === value)?.value ?? '';
}

/** M1 and A6: the organization's people, filtered, searched and sorted, and the invitations still open. */
export function UsersPage() {
  const { organization, user } = useSession();
  const verifyFirstId = useId();
  const { searchParams } = useLocation();
  const query = parseDirectoryQuery(searchParams);
  const queryKey = JSON.stringify(query);
  const [search, setSearch] = useState(query.q);
  const [isInviting, setInviting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const directory = useUserDirectory(query);
  const invitations = useResource(listInvitations);
  const searchId = useId();

  // The address is the state: a filter change replaces it (Back leaves the page, not the filter).
  function showQuery(next: DirectoryQuery) {
    navigate(directoryPath(next), { replace: true, keepScroll: true });
  }

  // Search as the person types, once they pause.
  useEffect(() => {
    const current = JSON.parse(queryKey) as DirectoryQuery;
    const term = search.trim();
    if (term === current.q) return;
    const timer = window.setTimeout(() => showQuery({ ...current, q: term }), searchDelayInMilliseconds);
    return () => window.clearTimeout(timer);
  }, [search, queryKey]);

  function handleInvited(invitation: Invitation) {
    setInviting(false);
    setNotice(`Invitation sent to ${invitation.email}.`);
    invitations.reload();
    directory.reload();
  }

  function clearFilters() {
    setSearch('');
    showQuery({ ...emptyDirectoryQuery, sort: query.sort, order: query.order });
  }

  function chooseSort(value: SortOptionValue) {
    if (value === '') return showQuery({ ...query, sort: '', order: '' });
    const [sort, order] = value.split(':') as [DirectorySort, SortOrder];
    showQuery({ ...query, sort, order });
  }

  const caption = query.q ? `Users matching “${query.q}”` : 'Users';

  return (
    <div className="page page-wide">
      <div className="page-header">
        <PageHeading>Users</PageHeading>
        <button
          type="button"
          className="button button-primary"
          onClick={() => setInviting(true)}
          disabled={!user.emailVerified}
          aria-describedby={user.emailVerified ? undefined : verifyFirstId}
        >
          Invite
        </button>
      </div>
      {!user.emailVerified && <VerifyEmailFirst id={verifyFirstId} email={user.email} action="invite teammates" />}

      {notice && <StatusMessage>{notice}</StatusMessage>}

      <section className="card" aria-labelledby="members-heading">
        <h2 id="members-heading">Members of {organization.name}</h2>
        <form
          className="directory-filters"
          role="search"
          aria-label="Find members"
          onSubmit={(event) => {
            event.preventDefault();
            showQuery({ ...query, q: search.trim() });
          }}
        >
          <div className="field directory-search">
            <label htmlFor={searchId}>Search by name or e-mail</label>
            <input id={searchId} type="search" name="q" value={search} onChange={(event) => setSearch(event.target.value)} spellCheck={false} />
          </div>
          <SelectField
            label="2FA status"
            name="twoFactor"
            value={query.twoFactor}
            options={twoFactorOptions}
            onValueChange={(twoFactor) => showQuery({ ...query, twoFactor })}
          />
          <SelectField
            label="2FA required"
            name="required"
            value={query.required}
            options={requiredOptions}
            onValueChange={(required) => showQuery({ ...query, required })}
          />
          <SelectField label="Role" name="role" value={query.role} options={roleFilterOptions} onValueChange={(role) => showQuery({ ...query, role })} />
          <SelectField label="Method" name="method" value={query.method} options={methodFilterOptions} onValueChange={(method) => showQuery({ ...query, method })} />
          <div className="narrow-only">
            <SelectField label="Sort by" name="sort" value={sortOptionOf(query)} options={sortOptions} onValueChange={chooseSort} />
          </div>
          {hasFilters(query) && (
            <div className="directory-filters-actions">
              <button type="button" className="button button-secondary" onClick={clearFilters}>
                Clear filters
              </button>
            </div>
          )}
        </form>

        {directory.problem && <ProblemAlert problem={directory.problem} />}
        <p role="status" className="muted directory-count">
          {directory.status === 'loading' && 'Loading users…'}
          {directory.status === 'ready' && describeCount(directory.users.length, directory.hasMore)}
        </p>
        {directory.status === 'ready' && directory.users.length === 0 && (
          <p className="muted">{hasFilters(query) ? 'Nobody matches these filters.' : 'Nobody here yet.'}</p>
        )}
        {directory.status === 'ready' && directory.users.length > 0 && (
          <UsersTable users={directory.users} caption={caption} query={query} onSort={(sort) => showQuery(toggleSort(query, sort))} />
        )}
        {directory.status === 'ready' && directory.hasMore && (
          <div className="form-actions">
            <button type="button" className="button button-secondary" onClick={directory.loadMore} disabled={directory.isLoadingMore}>
              {directory.isLoadingMore ? 'Loading…' : 'Load more'}
            </button>
          </div>
        )}
      </section>

      <InvitationsSection resource={invitations.resource} onChanged={invitations.reload} />

      {isInviting && (
        <InviteDialog
          isRequiredByOrganization={organization.twoFactor.requirement === 'required'}
          onInvited={handleInvited}
          onClose={() => setInviting(false)}
        />
      )}
    </div>
  );
}

function describeCount(shown: number, hasMore: boolean): string {
  if (shown === 0) return '';
  const people = `${shown} ${shown === 1 ? 'member' : 'members'}`;
  return hasMore ? `Showing the first ${people}; there are more.` : `Showing ${people}.`;
}
