import { useCallback, useState } from 'react';
import { describeProblem, toProblem } from '../../api/client';
import { useReauthentication } from '../../components/reauthentication';
import { useResource } from '../../components/use-resource';
import { BrowserList } from './BrowserList';
import { forgetMemberBrowsers, listMemberBrowsers } from './known-browsers-api';

/** M2 with G1, B2: an administrator sees a member's browsers and can forget them all. */
export function MemberBrowsersSection({ userId, name }: { userId: string; name: string }) {
  const load = useCallback(async () => (await listMemberBrowsers(userId)).browsers, [userId]);
  const { resource, reload } = useResource(load);
  const { withReauthentication } = useReauthentication();
  const [isForgetting, setForgetting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function forgetAll() {
    if (!window.confirm(`Forget every browser of ${name}? They will be asked for their second factor, and treated as a new browser, at their next sign-in.`)) return;
    setForgetting(true);
    setError(null);
    setNotice(null);
    try {
      await withReauthentication(() => forgetMemberBrowsers(userId));
      setNotice(`Forgot every browser of ${name}.`);
      reload();
    } catch (caught) {
      setError(describeProblem(toProblem(caught)));
    } finally {
      setForgetting(false);
    }
  }

  return (
    <section className="card" aria-labelledby="member-browsers-heading">
      <h2 id="member-browsers-heading">Browsers</h2>
      <p className="muted">Browsers {name} has signed in with; remembered ones skip the second step until the date shown.</p>
      <div role="status">{notice}</div>
      {error && (
        <div className="alert alert-error" role="alert">
          <p>{error}</p>
        </div>
      )}
      {resource.status === 'loading' && <p role="status">Loading browsers…</p>}
      {resource.status === 'failed' && (
        <div className="alert alert-error" role="alert">
          <p>{describeProblem(resource.problem)}</p>
        </div>
      )}
      {resource.status === 'ready' && (
        <>
          <BrowserList browsers={resource.data} />
          {resource.data.length > 0 && (
            <div className="form-actions">
              <button type="button" className="button button-danger" onClick={forgetAll} disabled={isForgetting}>
                {isForgetting ? 'Forgetting…' : 'Forget all browsers'}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
