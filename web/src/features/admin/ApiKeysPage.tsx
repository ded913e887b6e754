import { useId, useState } from 'react';
import { describeProblem, toProblem, type Problem } from '../../api/client';
import { formatDateTime } from '../../components/format';
import { Modal } from '../../components/Modal';
import { PageHeading } from '../../components/PageHeading';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useReauthentication } from '../../components/reauthentication';
import { StatusMessage } from '../../components/StatusMessage';
import { useResource } from '../../components/use-resource';
import { useSession } from '../../session/session-context';
import { grantDescriptions, listApiKeys, revokeApiKey, type ApiKey } from './api-keys-api';
import { CreateApiKeyDialog } from './CreateApiKeyDialog';
import { VerifyEmailFirst } from './VerifyEmailFirst';
import './admin.css';

type Dialog = { kind: 'create' } | { kind: 'revoke'; apiKey: ApiKey } | null;

/** K1, K2: the organization's API keys, for administrators: list, create (shown once) and revoke. */
export function ApiKeysPage() {
  const { organization, user } = useSession();
  const verifyFirstId = useId();
  const { resource, reload } = useResource(listApiKeys);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [notice, setNotice] = useState<string | null>(null);

  function open(next: Dialog) {
    setNotice(null);
    setDialog(next);
  }

  return (
    <div className="page">
      <div className="page-header">
        <PageHeading>API keys</PageHeading>
        <button
          type="button"
          className="button button-primary"
          onClick={() => open({ kind: 'create' })}
          disabled={!user.emailVerified}
          aria-describedby={user.emailVerified ? undefined : verifyFirstId}
        >
          Create API key
        </button>
      </div>
      {!user.emailVerified && <VerifyEmailFirst id={verifyFirstId} email={user.email} action="create API keys" />}
      <p className="muted">
        Programs use an API key to call the Tessera API for {organization.name}, sent as <code>Authorization: Bearer …</code>. Give
        each key only the access it needs. Passwords (HTTP Basic) are refused for members who use two-factor authentication, so
        scripts need a key.
      </p>
      <div role="status">{notice && <StatusMessage>{notice}</StatusMessage>}</div>
      {resource.status === 'loading' && <p role="status">Loading API keys…</p>}
      {resource.status === 'failed' && <ProblemAlert problem={resource.problem} />}
      {resource.status === 'ready' && resource.data.length === 0 && <p className="muted">No API keys yet.</p>}
      {resource.status === 'ready' && resource.data.length > 0 && (
        <ApiKeysTable apiKeys={resource.data} onRevoke={(apiKey) => open({ kind: 'revoke', apiKey })} />
      )}
      {dialog?.kind === 'create' && (
        <CreateApiKeyDialog
          onCreated={reload}
          onClose={(createdName) => {
            setDialog(null);
            if (createdName) setNotice(`The API key “${createdName}” was created.`);
          }}
        />
      )}
      {dialog?.kind === 'revoke' && (
        <RevokeApiKeyDialog
          apiKey={dialog.apiKey}
          onRevoked={() => {
            setDialog(null);
            setNotice(`The API key “${dialog.apiKey.name}” was revoked. Programs using it can no longer sign in.`);
            reload();
          }}
          onClose={() => setDialog(null)}
        />
      )}
    </div>
  );
}

function ApiKeysTable({ apiKeys, onRevoke }: { apiKeys: ApiKey[]; onRevoke: (apiKey: ApiKey) => void }) {
  return (
    <section className="card" aria-label="API keys">
      <table className="data-table">
        <caption className="visually-hidden">API keys</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Access</th>
            <th scope="col">Allowed addresses</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {apiKeys.map((apiKey) => (
            <tr key={apiKey.id}>
              <th scope="row" data-label="Name">
                <span>
                  {apiKey.name}
                  {apiKey.keyPrefix && (
                    <>
                      <br />
                      <code className="key-prefix">{apiKey.keyPrefix}…</code>
                    </>
                  )}
                </span>
              </th>
              <td data-label="Access">
                <ul className="plain-list">
                  {apiKey.grants.map((grant) => (
                    <li key={grant}>
                      <code>{grant}</code>
                      <span className="visually-hidden">: {describeGrant(grant)}</span>
                    </li>
                  ))}
                </ul>
              </td>
              <td data-label="Allowed addresses">
                {apiKey.allowedIps && apiKey.allowedIps.length > 0 ? (
                  <ul className="plain-list">
                    {apiKey.allowedIps.map((range) => (
                      <li key={range}>
                        <code>{range}</code>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <span>Any address</span>
                )}
              </td>
              <td data-label="Created">
                <span>
                  {formatDateTime(apiKey.createdAt)}
                  {apiKey.createdBy && (
                    <>
                      <br />
                      <span className="muted">by {apiKey.createdBy.name}</span>
                    </>
                  )}
                </span>
              </td>
              <td data-label="Last used">
                <span>
                  {apiKey.lastUsedAt ? formatDateTime(apiKey.lastUsedAt) : 'Never'}
                  {apiKey.lastUsedIp && (
                    <>
                      <br />
                      <span className="muted">from {apiKey.lastUsedIp}</span>
                    </>
                  )}
                </span>
              </td>
              <td className="cell-actions">
                <button type="button" className="button button-danger button-small" onClick={() => onRevoke(apiKey)}>
                  Revoke<span className="visually-hidden"> the API key {apiKey.name}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function describeGrant(grant: string): string {
  return grant in grantDescriptions ? grantDescriptions[grant as keyof typeof grantDescriptions].label : grant;
}

interface RevokeApiKeyDialogProps {
  apiKey: ApiKey;
  onRevoked: () => void;
  onClose: () => void;
}

/** K1: revoking takes effect at once and cannot be undone, so it asks first. */
function RevokeApiKeyDialog({ apiKey, onRevoked, onClose }: RevokeApiKeyDialogProps) {
  const { withReauthentication } = useReauthentication();
  const [isRevoking, setRevoking] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);

  async function revoke() {
    setRevoking(true);
    setProblem(null);
    try {
      await withReauthentication(() => revokeApiKey(apiKey.id));
      onRevoked();
    } catch (error) {
      setProblem(toProblem(error));
      setRevoking(false);
    }
  }

  return (
    <Modal
      title={`Revoke the API key “${apiKey.name}”?`}
      onClose={onClose}
      description={<p>Programs that use this key stop working at once. This cannot be undone; you can create a new key later.</p>}
    >
      {problem && (
        <div className="alert alert-error" role="alert">
          <p>{describeProblem(problem)}</p>
        </div>
      )}
      <div className="modal-actions">
        <button type="button" className="button button-secondary" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button type="button" className="button button-danger" onClick={revoke} disabled={isRevoking} aria-busy={isRevoking || undefined}>
          {isRevoking ? 'Revoking…' : 'Revoke key'}
        </button>
      </div>
    </Modal>
  );
}
