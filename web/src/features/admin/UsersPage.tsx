import { useEffect, useId, useState } from 'react';
import { describeProblem } from '../../api/client';
import { PageHeading } from '../../components/PageHeading';
import { StatusMessage } from '../../components/StatusMessage';
import { useResource } from '../../components/use-resource';
import { useSession } from '../../session/session-context';
import { listInvitations, type Invitation } from './admin-api';
import { InvitationsSection } from './InvitationsSection';
import { InviteDialog } from './InviteDialog';
import { UsersTable } from './UsersTable';
import { useUserDirectory } from './use-user-directory';
import './admin.css';

const searchDelayInMilliseconds = 300;

/** M1 and A6: the organization's people and the invitations still open. */
export function UsersPage() {
  const { organization } = useSession();
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [isInviting, setInviting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const directory = useUserDirectory(query);
  const invitations = useResource(listInvitations);
  const searchId = useId();

  // Search as the person types, once they pause.
  useEffect(() => {
    const timer = window.setTimeout(() => setQuery(search.trim()), searchDelayInMilliseconds);
    return () => window.clearTimeout(timer);
  }, [search]);

  function handleInvited(invitation: Invitation) {
    setInviting(false);
    setNotice(`Invitation sent to ${invitation.email}.`);
    invitations.reload();
    directory.reload();
  }

  return (
    <div className="page">
      <div className="page-header">
        <PageHeading>Users</PageHeading>
        <button type="button" className="button button-primary" onClick={() => setInviting(true)}>
          Invite
        </button>
      </div>

      {notice && <StatusMessage>{notice}</StatusMessage>}

      <section className="card" aria-labelledby="members-heading">
        <h2 id="members-heading">Members of {organization.name}</h2>
        <form
          className="search-form"
          role="search"
          onSubmit={(event) => {
            event.preventDefault();
            setQuery(search.trim());
          }}
        >
          <label htmlFor={searchId}>Search by name or e-mail</label>
          <input id={searchId} type="search" name="q" value={search} onChange={(event) => setSearch(event.target.value)} spellCheck={false} />
        </form>

        {directory.problem && (
          <div className="alert alert-error" role="alert">
            <p>{describeProblem(directory.problem)}</p>
          </div>
        )}
        {directory.status === 'loading' && <p role="status">Loading users…</p>}
        {directory.status === 'ready' && directory.users.length === 0 && (
          <p className="muted">{query ? `Nobody matches “${query}”.` : 'Nobody here yet.'}</p>
        )}
        {directory.status === 'ready' && directory.users.length > 0 && (
          <UsersTable users={directory.users} caption={query ? `Users matching “${query}”` : 'Users'} />
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
