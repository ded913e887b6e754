import { useId, useState } from 'react';
import { describeProblem, toProblem, type Problem } from '../../api/client';
import { CheckboxField } from '../../components/CheckboxField';
import { CopyButton } from '../../components/CopyButton';
import { formatDateTime } from '../../components/format';
import { Modal } from '../../components/Modal';
import { PageHeading } from '../../components/PageHeading';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useReauthentication } from '../../components/reauthentication';
import { StatusMessage } from '../../components/StatusMessage';
import { useResource } from '../../components/use-resource';
import { useSession } from '../../session/session-context';
import { ApplicationForm } from './ApplicationForm';
import { createApplication, deleteApplication, listApplications, replaceSecret, updateApplication, type Application } from './applications-api';
import '../admin/admin.css';

type Dialog =
  | { kind: 'create' }
  | { kind: 'edit'; application: Application }
  | { kind: 'secret'; application: Application }
  | { kind: 'delete'; application: Application }
  | { kind: 'show-secret'; name: string; clientId: string; clientSecret?: string }
  | null;

/** O1, O7: applications that sign their users in through Tessera (OpenID Connect), for administrators. */
export function ApplicationsPage() {
  const { organization } = useSession();
  const { withReauthentication } = useReauthentication();
  const { resource, reload } = useResource(listApplications);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [notice, setNotice] = useState<string | null>(null);

  function open(next: Dialog) {
    setNotice(null);
    setDialog(next);
  }

  return (
    <div className="page">
      <div className="page-header">
        <PageHeading>Applications</PageHeading>
        <button type="button" className="button button-primary" onClick={() => open({ kind: 'create' })}>
          Register application
        </button>
      </div>
      <p className="muted">
        Your own applications can let members of {organization.name} sign in with Tessera (OpenID Connect), with the same password,
        second factor and policy. Issuer: <code>{window.location.origin}</code> (discovery at{' '}
        <code>/.well-known/openid-configuration</code>).
      </p>
      <div role="status">{notice && <StatusMessage>{notice}</StatusMessage>}</div>
      {resource.status === 'loading' && <p role="status">Loading applications…</p>}
      {resource.status === 'failed' && <ProblemAlert problem={resource.problem} />}
      {resource.status === 'ready' && resource.data.length === 0 && <p className="muted">No applications yet.</p>}
      {resource.status === 'ready' && resource.data.length > 0 && (
        <section className="card" aria-label="Applications">
          <table className="data-table">
            <caption className="visually-hidden">Applications</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Client ID</th>
                <th scope="col">Redirect URIs</th>
                <th scope="col">Registered</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {resource.data.map((application) => (
                <tr key={application.id}>
                  <th scope="row" data-label="Name">
                    <span>
                      {application.name}
                      <br />
                      <span className="muted">{application.type === 'confidential' ? 'Server-side' : 'Browser or mobile (public)'}</span>
                    </span>
                  </th>
                  <td data-label="Client ID">
                    <code>{application.clientId}</code>
                  </td>
                  <td data-label="Redirect URIs">
                    <ul className="plain-list">
                      {application.redirectUris.map((uri) => (
                        <li key={uri}>
                          <code>{uri}</code>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td data-label="Registered">{formatDateTime(application.createdAt)}</td>
                  <td className="cell-actions">
                    <button type="button" className="button button-secondary button-small" onClick={() => open({ kind: 'edit', application })}>
                      Edit<span className="visually-hidden"> {application.name}</span>
                    </button>{' '}
                    {application.type === 'confidential' && (
                      <>
                        <button type="button" className="button button-secondary button-small" onClick={() => open({ kind: 'secret', application })}>
                          New secret<span className="visually-hidden"> for {application.name}</span>
                        </button>{' '}
                      </>
                    )}
                    <button type="button" className="button button-danger button-small" onClick={() => open({ kind: 'delete', application })}>
                      Delete<span className="visually-hidden"> {application.name}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {dialog?.kind === 'create' && (
        <Modal title="Register an application" onClose={() => setDialog(null)}>
          <ApplicationForm
            submitLabel="Register"
            onCancel={() => setDialog(null)}
            onSubmit={async (input) => {
              const created = await withReauthentication(() => createApplication(input));
              reload();
              setDialog({ kind: 'show-secret', name: input.name, clientId: created.clientId, clientSecret: created.clientSecret });
            }}
          />
        </Modal>
      )}
      {dialog?.kind === 'edit' && (
        <Modal title={`Edit “${dialog.application.name}”`} onClose={() => setDialog(null)}>
          <ApplicationForm
            application={dialog.application}
            submitLabel="Save"
            onCancel={() => setDialog(null)}
            onSubmit={async ({ type: _type, ...input }) => {
              await withReauthentication(() => updateApplication(dialog.application.id, input));
              reload();
              setDialog(null);
              setNotice(`“${input.name}” was saved.`);
            }}
          />
        </Modal>
      )}
      {dialog?.kind === 'secret' && (
        <ConfirmDialog
          title={`Replace the client secret of “${dialog.application.name}”?`}
          description="The current secret stops working at once: update the application with the new one right away."
          actionLabel="Replace secret"
          busyLabel="Replacing…"
          onConfirm={async () => {
            const { clientSecret } = await withReauthentication(() => replaceSecret(dialog.application.id));
            setDialog({ kind: 'show-secret', name: dialog.application.name, clientId: dialog.application.clientId, clientSecret });
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete “${dialog.application.name}”?`}
          description="Members can no longer sign in to it with Tessera, and every token it was given stops working at once."
          actionLabel="Delete application"
          busyLabel="Deleting…"
          isDanger
          onConfirm={async () => {
            await withReauthentication(() => deleteApplication(dialog.application.id));
            reload();
            setDialog(null);
            setNotice(`“${dialog.application.name}” was deleted.`);
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'show-secret' && <CredentialsDialog {...dialog} onClose={() => setDialog(null)} />}
    </div>
  );
}

interface ConfirmDialogProps {
  title: string;
  description: string;
  actionLabel: string;
  busyLabel: string;
  isDanger?: boolean;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

function ConfirmDialog({ title, description, actionLabel, busyLabel, isDanger, onConfirm, onClose }: ConfirmDialogProps) {
  const [isBusy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  async function confirm() {
    setBusy(true);
    setProblem(null);
    try {
      await onConfirm();
    } catch (error) {
      setProblem(toProblem(error));
      setBusy(false);
    }
  }
  return (
    <Modal title={title} onClose={onClose} description={<p>{description}</p>}>
      {problem && (
        <div className="alert alert-error" role="alert">
          <p>{describeProblem(problem)}</p>
        </div>
      )}
      <div className="modal-actions">
        <button type="button" className="button button-secondary" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button type="button" className={`button ${isDanger ? 'button-danger' : 'button-primary'}`} onClick={confirm} disabled={isBusy} aria-busy={isBusy || undefined}>
          {isBusy ? busyLabel : actionLabel}
        </button>
      </div>
    </Modal>
  );
}

/** O1: the client ID, and the secret shown this once (only its hash is kept). */
function CredentialsDialog({ name, clientId, clientSecret, onClose }: { name: string; clientId: string; clientSecret?: string; onClose: () => void }) {
  const [isSaved, setSaved] = useState(!clientSecret);
  const clientIdField = useId();
  const secretField = useId();
  return (
    <Modal title={clientSecret ? `Copy the credentials of “${name}”` : `“${name}” is registered`} onClose={onClose}>
      {clientSecret && (
        <div className="alert alert-info">
          <p>
            <strong>This is the only time the client secret is shown.</strong> Put it in the application’s configuration now. If it is
            lost, replace it with a new one.
          </p>
        </div>
      )}
      <div className="field new-key">
        <label htmlFor={clientIdField}>Client ID</label>
        <input id={clientIdField} type="text" readOnly value={clientId} spellCheck={false} autoComplete="off" onFocus={(event) => event.currentTarget.select()} />
        <CopyButton text={clientId} copiedMessage="Client ID copied.">
          Copy client ID
        </CopyButton>
      </div>
      {clientSecret && (
        <>
          <div className="field new-key">
            <label htmlFor={secretField}>Client secret</label>
            <input data-autofocus id={secretField} type="text" readOnly value={clientSecret} spellCheck={false} autoComplete="off" onFocus={(event) => event.currentTarget.select()} />
            <CopyButton text={clientSecret} copiedMessage="Secret copied.">
              Copy secret
            </CopyButton>
          </div>
          <CheckboxField label="I have copied the secret" name="secretSaved" checked={isSaved} onCheckedChange={setSaved} />
        </>
      )}
      <div className="modal-actions">
        <button type="button" className="button button-primary" onClick={onClose} disabled={!isSaved}>
          Done
        </button>
      </div>
    </Modal>
  );
}
