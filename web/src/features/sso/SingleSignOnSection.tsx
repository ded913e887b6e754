import { useState } from 'react';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useReauthentication } from '../../components/reauthentication';
import { StatusMessage } from '../../components/StatusMessage';
import { useResource } from '../../components/use-resource';
import { toProblem, type Problem } from '../../api/client';
import { useSession } from '../../session/session-context';
import { RemoveSsoDialog } from './RemoveSsoDialog';
import { SsoConnectionForm } from './SsoConnectionForm';
import { getSsoConnection, testSsoConnection } from './sso-api';

/** E1: Organization settings → Single sign-on (the organization's OpenID Connect identity provider). */
export function SingleSignOnSection() {
  const { organization } = useSession();
  const { resource, reload } = useResource(getSsoConnection);
  const { withReauthentication } = useReauthentication();
  const [notice, setNotice] = useState<string | null>(null);
  const [testResult, setTestResult] = useState<{ ok: boolean; detail: string } | null>(null);
  const [testProblem, setTestProblem] = useState<Problem | null>(null);
  const [isTesting, setTesting] = useState(false);
  const [isRemoving, setRemoving] = useState(false);

  async function test() {
    setTesting(true);
    setTestResult(null);
    setTestProblem(null);
    try {
      setTestResult(await withReauthentication(testSsoConnection));
    } catch (error) {
      setTestProblem(toProblem(error));
    }
    setTesting(false);
  }

  const connection = resource.status === 'ready' ? resource.data : null;
  return (
    <section className="card" aria-labelledby="sso-heading">
      <h2 id="sso-heading">Single sign-on</h2>
      <p className="muted">
        Members whose e-mail addresses belong to the domains you claim sign in through your organization’s OpenID Connect identity
        provider (Okta, Entra ID, Google Workspace, Keycloak…). Register Tessera there as a web application first.
      </p>
      {notice && <StatusMessage>{notice}</StatusMessage>}
      {resource.status === 'loading' && <p className="muted">Loading…</p>}
      {resource.status === 'failed' && <ProblemAlert problem={resource.problem} />}
      {connection?.disabledReason === 'two_factor_required' && !connection.enabled && (
        <div className="alert alert-info" role="status">
          Single sign-on was turned off when two-factor authentication became required. To use both, choose below that Tessera also asks
          for its second factor, or that the provider’s multi-factor sign-in is accepted, and enable it again.
        </div>
      )}
      {resource.status === 'ready' && (
        <SsoConnectionForm
          key={JSON.stringify(connection)}
          connection={connection}
          isRequirementOn={organization.twoFactor.requirement === 'required'}
          onSaved={() => {
            setNotice('The single-sign-on connection has been saved.');
            setTestResult(null);
            reload();
          }}
        />
      )}
      {connection && (
        <div className="form-actions form-actions-compact">
          <button type="button" className="button button-secondary" onClick={test} disabled={isTesting} aria-busy={isTesting || undefined}>
            {isTesting ? 'Testing…' : 'Test connection'}
          </button>
          <button type="button" className="button button-danger" onClick={() => setRemoving(true)}>
            Remove connection
          </button>
        </div>
      )}
      {testProblem && <ProblemAlert problem={testProblem} />}
      {testResult && (
        <div className={`alert ${testResult.ok ? 'alert-success' : 'alert-error'}`} role="status">
          {testResult.ok ? 'Connection works. ' : 'Connection failed. '}
          {testResult.detail}
        </div>
      )}
      {isRemoving && (
        <RemoveSsoDialog
          onClose={() => setRemoving(false)}
          onRemoved={() => {
            setRemoving(false);
            setNotice('The single-sign-on connection has been removed. Members sign in with their passwords.');
            reload();
          }}
        />
      )}
    </section>
  );
}
