import { useCallback, useRef, useState } from 'react';
import { formatDateTime } from '../../components/format';
import { PageHeading } from '../../components/PageHeading';
import { ProblemAlert } from '../../components/ProblemAlert';
import { StatusMessage } from '../../components/StatusMessage';
import { useResource } from '../../components/use-resource';
import { Link } from '../../router/router';
import { useSession, useSessionState } from '../../session/session-context';
import { fetchMember, type MemberDetails } from './admin-api';
import { AuditEventsTable } from './AuditEventsTable';
import { EditMemberDialog } from './EditMemberDialog';
import { describeLastLogin, describeRequirement, methodLabels, roleLabels } from './labels';
import { MemberBrowsersSection } from '../browsers/MemberBrowsersSection';
import { ResetTwoFactorDialog } from './ResetTwoFactorDialog';
import { TwoFactorBadge } from './UsersTable';
import { rememberMemberName } from './use-member-names';
import './admin.css';

type Dialog = 'edit' | 'reset' | null;

/** M2: one member, with their methods, recovery codes left and recent security events; M3 and P4 from here. */
export function MemberPage({ userId }: { userId: string }) {
  const load = useCallback(async () => {
    const details = await fetchMember(userId);
    rememberMemberName(details.user.id, details.user.name);
    return details;
  }, [userId]);
  const { resource, reload } = useResource(load);

  return (
    <div className="page page-wide">
      <p className="back-link">
        <Link to="/admin/users">← All users</Link>
      </p>
      {resource.status === 'loading' && (
        <>
          <PageHeading>Member</PageHeading>
          <p role="status">Loading…</p>
        </>
      )}
      {resource.status === 'failed' && (
        <>
          <PageHeading>{resource.problem.code === 'not_found' ? 'Member not found' : 'Member'}</PageHeading>
          {resource.problem.code === 'not_found' ? (
            <p>There is no member with this address in your organization.</p>
          ) : (
            <ProblemAlert problem={resource.problem} />
          )}
        </>
      )}
      {resource.status === 'ready' && <MemberView details={resource.data} onChanged={reload} />}
    </div>
  );
}

function MemberView({ details, onChanged }: { details: MemberDetails; onChanged: () => void }) {
  const session = useSession();
  const { refresh } = useSessionState();
  const { user, methods, recoveryCodes, events } = details;
  const [dialog, setDialog] = useState<Dialog>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  const isSelf = user.id === session.user.id;
  const hasTwoFactor = user.twoFactor.status === 'on' || methods.length > 0;
  // Issue 17 item 8: when the first method still in use was added (ISO strings sort by time).
  const setUpAt = user.twoFactor.status === 'on' ? methods.map((method) => method.createdAt).sort()[0] : undefined;

  function finish(message: string) {
    setDialog(null);
    setNotice(message);
    onChanged();
    // Their own role or requirement may have changed what this session may do.
    if (isSelf) void refresh();
  }

  return (
    <>
      <div className="page-header">
        <PageHeading title={user.name}>{user.name}</PageHeading>
      </div>
      <div ref={noticeRef}>{notice && <StatusMessage>{notice}</StatusMessage>}</div>

      <section className="card" aria-labelledby="member-details-heading">
        <div className="card-header">
          <h2 id="member-details-heading">Details</h2>
          <button type="button" className="button button-secondary button-small" onClick={() => setDialog('edit')}>
            Edit<span className="visually-hidden"> {user.name}</span>
          </button>
        </div>
        <dl className="details">
          <div>
            <dt>E-mail</dt>
            <dd>{user.email}</dd>
          </div>
          <div>
            <dt>Role</dt>
            <dd>{roleLabels[user.role]}</dd>
          </div>
          <div>
            <dt>2FA Status</dt>
            <dd>
              <TwoFactorBadge status={user.twoFactor.status} />
            </dd>
          </div>
          <div>
            <dt>2FA Required</dt>
            <dd>{describeRequirement(user.twoFactor)}</dd>
          </div>
          <div>
            <dt>Last sign-in</dt>
            <dd>
              {describeLastLogin(user.lastLogin)}
              {setUpAt && user.lastLogin && !user.lastLogin.withTwoFactor && user.lastLogin.at < setUpAt && (
                <span className="last-sign-in-note">(before two-factor authentication was set up on {formatDateTime(setUpAt)})</span>
              )}
            </dd>
          </div>
        </dl>
      </section>

      <section className="card" aria-labelledby="member-two-factor-heading">
        <h2 id="member-two-factor-heading">Two-factor authentication</h2>
        {hasTwoFactor ? (
          <>
            <dl className="details">
              <div>
                <dt>Methods</dt>
                <dd>
                  {methods.length === 0 ? (
                    '—'
                  ) : (
                    <ul className="plain-list">
                      {methods.map((method) => (
                        <li key={`${method.type}:${method.createdAt}:${method.name ?? ''}`}>
                          {method.name ? `${method.kind === 'passkey' ? 'Passkey' : 'Security key'} “${method.name}”` : (methodLabels[method.type] ?? method.type)}, added{' '}
                          {formatDateTime(method.createdAt)}
                        </li>
                      ))}
                    </ul>
                  )}
                </dd>
              </div>
              <div>
                <dt>Recovery codes</dt>
                <dd>
                  {recoveryCodes.remaining} of {recoveryCodes.total} left
                </dd>
              </div>
            </dl>
            {isSelf ? (
              // D1: one's own factors change only with a current code, in one's own settings.
              <p className="muted">
                To change your own two-factor authentication, use <Link to="/settings?tab=security">your security settings</Link>. If
                you lose every code, another administrator can reset it.
              </p>
            ) : (
              <>
                <p className="muted">
                  If {user.name} has lost the authenticator app and every recovery code, a reset removes them all so it can be set up
                  again.
                </p>
                <div className="form-actions form-actions-compact">
                  <button type="button" className="button button-danger" onClick={() => setDialog('reset')}>
                    Reset two-factor authentication
                  </button>
                </div>
              </>
            )}
          </>
        ) : (
          <p>
            Not set up.{' '}
            {user.twoFactor.required
              ? 'It is required, so they will be taken into the setup at their next sign-in.'
              : 'It is optional for them.'}
          </p>
        )}
      </section>

      <MemberBrowsersSection userId={user.id} name={user.name} />

      <section className="card" aria-labelledby="member-events-heading">
        <div className="card-header">
          <h2 id="member-events-heading">Recent security events</h2>
          <Link to={`/admin/audit?userId=${encodeURIComponent(user.id)}`}>All their events in the audit log</Link>
        </div>
        {events.length === 0 ? (
          <p className="muted">No events yet.</p>
        ) : (
          <AuditEventsTable events={events} caption={`Recent security events of ${user.name}`} />
        )}
      </section>

      {dialog === 'edit' && (
        <EditMemberDialog
          user={user}
          isSelf={isSelf}
          onSaved={(message) => finish(message)}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'reset' && (
        <ResetTwoFactorDialog
          user={user}
          onReset={() => finish(`Two-factor authentication was reset for ${user.name}. Their status is now Off.`)}
          onClose={() => setDialog(null)}
        />
      )}
    </>
  );
}
