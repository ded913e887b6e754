import { useState } from 'react';
import { describeProblem, toProblem } from '../../api/client';
import { formatDateTime } from '../../components/format';
import { useReauthentication } from '../../components/reauthentication';
import type { Resource } from '../../components/use-resource';
import { revokeInvitation, type Invitation } from './admin-api';
import { roleLabels } from './labels';

interface InvitationsSectionProps {
  resource: Resource<Invitation[]>;
  onChanged: () => void;
}

/** Invitations not accepted yet, each revocable until it is used. */
export function InvitationsSection({ resource, onChanged }: InvitationsSectionProps) {
  const { withReauthentication } = useReauthentication();
  const [revokingId, setRevokingId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function handleRevoke(invitation: Invitation) {
    setRevokingId(invitation.id);
    setError(null);
    setNotice(null);
    try {
      await withReauthentication(() => revokeInvitation(invitation.id));
      setNotice(`Revoked the invitation for ${invitation.email}.`);
      onChanged();
    } catch (caught) {
      setError(describeProblem(toProblem(caught)));
    } finally {
      setRevokingId(null);
    }
  }

  return (
    <section className="card" aria-labelledby="invitations-heading">
      <h2 id="invitations-heading">Pending invitations</h2>
      <div role="status">{notice}</div>
      {error && (
        <div className="alert alert-error" role="alert">
          <p>{error}</p>
        </div>
      )}
      {resource.status === 'loading' && <p role="status">Loading invitations…</p>}
      {resource.status === 'failed' && (
        <div className="alert alert-error" role="alert">
          <p>{describeProblem(resource.problem)}</p>
        </div>
      )}
      {resource.status === 'ready' && resource.data.length === 0 && <p className="muted">No invitations are waiting.</p>}
      {resource.status === 'ready' && resource.data.length > 0 && (
        <table className="data-table">
          <caption className="visually-hidden">Pending invitations</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">E-mail</th>
              <th scope="col">Role</th>
              <th scope="col">2FA Required</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {resource.data.map((invitation) => (
              <tr key={invitation.id}>
                <th scope="row" data-label="Name">
                  {invitation.name}
                </th>
                <td data-label="E-mail">{invitation.email}</td>
                <td data-label="Role">{roleLabels[invitation.role]}</td>
                <td data-label="2FA Required">{invitation.twoFactorRequired ? 'Yes' : 'No'}</td>
                <td data-label="Expires">{formatDateTime(invitation.expiresAt)}</td>
                <td className="cell-actions">
                  <button
                    type="button"
                    className="button button-danger button-small"
                    onClick={() => handleRevoke(invitation)}
                    disabled={revokingId === invitation.id}
                  >
                    {revokingId === invitation.id ? 'Revoking…' : 'Revoke'}
                    <span className="visually-hidden"> the invitation for {invitation.email}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
