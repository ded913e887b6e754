import { Link } from '../../router/router';
import { PageHeading } from '../../components/PageHeading';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useResource } from '../../components/use-resource';
import { fetchAdoption, type Adoption } from './admin-api';
import { AdoptionChart, AdoptionTable, percentOf } from './AdoptionChart';
import { GettingStartedChecklist } from './GettingStartedChecklist';
import { directoryPath, emptyDirectoryQuery, type DirectoryQuery } from './directory-query';
import { useUserDirectory } from './use-user-directory';
import './admin.css';

const requiredNotSetUp: DirectoryQuery = { ...emptyDirectoryQuery, twoFactor: 'off', required: 'true', sort: 'name', order: 'asc' };

/** M4: how many members have two-factor authentication on, and who must but has not set it up. */
export function AdoptionPage() {
  const { resource } = useResource(fetchAdoption);

  return (
    <div className="page">
      <div className="page-header">
        <PageHeading>Two-factor adoption</PageHeading>
      </div>
      {resource.status === 'ready' && <GettingStartedChecklist memberCount={resource.data.members} />}
      <section className="card" aria-labelledby="adoption-heading">
        <h2 id="adoption-heading">Members with two-factor authentication</h2>
        {resource.status === 'loading' && <p role="status">Loading…</p>}
        {resource.status === 'failed' && <ProblemAlert problem={resource.problem} />}
        {resource.status === 'ready' && <AdoptionSummary adoption={resource.data} />}
      </section>
      <RequiredNotSetUpSection />
    </div>
  );
}

function AdoptionSummary({ adoption }: { adoption: Adoption }) {
  const share = percentOf(adoption.enabled, adoption.members);
  return (
    <>
      <dl className="stat-list">
        <div>
          <dt>2FA on</dt>
          <dd>
            {adoption.enabled} of {adoption.members} <span className="muted">({share}%)</span>
          </dd>
        </div>
        <div>
          <dt>Required, not set up</dt>
          <dd>{adoption.requiredNotSetUp}</dd>
        </div>
        {adoption.methods && (
          <div>
            <dt>By method</dt>
            <dd>
              Security keys and passkeys {adoption.methods.webauthn}, authenticator app {adoption.methods.totp}, text messages {adoption.methods.sms}
            </dd>
          </div>
        )}
      </dl>
      {adoption.weekly.length > 0 ? (
        <>
          <AdoptionChart weekly={adoption.weekly} />
          <details className="disclosure">
            <summary>Show the numbers as a table</summary>
            <div className="disclosure-body">
              <AdoptionTable weekly={adoption.weekly} />
            </div>
          </details>
        </>
      ) : (
        <p className="muted">There is no history to draw yet.</p>
      )}
    </>
  );
}

function RequiredNotSetUpSection() {
  const directory = useUserDirectory(requiredNotSetUp);
  return (
    <section className="card" aria-labelledby="pending-heading">
      <div className="card-header">
        <h2 id="pending-heading">Required but not set up</h2>
        <Link to={directoryPath(requiredNotSetUp)}>Open in the users grid</Link>
      </div>
      {directory.problem && <ProblemAlert problem={directory.problem} />}
      {directory.status === 'loading' && <p role="status">Loading…</p>}
      {directory.status === 'ready' && directory.users.length === 0 && (
        <p className="muted">Everyone who must use two-factor authentication has set it up.</p>
      )}
      {directory.status === 'ready' && directory.users.length > 0 && (
        <ul className="person-list" aria-labelledby="pending-heading">
          {directory.users.map((user) => (
            <li key={user.id}>
              <Link to={`/admin/users/${encodeURIComponent(user.id)}`}>{user.name}</Link> <span className="muted">{user.email}</span>
            </li>
          ))}
        </ul>
      )}
      {directory.status === 'ready' && directory.hasMore && (
        <div className="form-actions">
          <button type="button" className="button button-secondary" onClick={directory.loadMore} disabled={directory.isLoadingMore}>
            {directory.isLoadingMore ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </section>
  );
}
