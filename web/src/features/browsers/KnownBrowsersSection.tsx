import { useState } from 'react';
import { describeProblem, toProblem } from '../../api/client';
import { useResource } from '../../components/use-resource';
import { BrowserList } from './BrowserList';
import { describeBrowser, forgetKnownBrowser, forgetOtherKnownBrowsers, listKnownBrowsers, type KnownBrowser } from './known-browsers-api';

const loadBrowsers = async () => (await listKnownBrowsers()).browsers;

/**
 * G1, B2 "Your browsers": where the member has signed in. Known browsers keep signing in while
 * strangers guessing the password are held back; remembered ones also skip the second step.
 */
export function KnownBrowsersSection() {
  const { resource, reload } = useResource(loadBrowsers);
  const [forgettingId, setForgettingId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function run(id: string, action: () => Promise<unknown>, done: string) {
    setForgettingId(id);
    setError(null);
    setNotice(null);
    try {
      await action();
      setNotice(done);
      reload();
    } catch (caught) {
      setError(describeProblem(toProblem(caught)));
    } finally {
      setForgettingId(null);
    }
  }

  const forgetOne = (browser: KnownBrowser) =>
    run(browser.id, () => forgetKnownBrowser(browser.id), browser.current ? 'This browser is forgotten: your next sign-in here counts as a new browser.' : `Forgot ${describeBrowser(browser)}.`);
  const hasOthers = resource.status === 'ready' && resource.data.some((browser) => !browser.current);

  return (
    <section className="card" aria-labelledby="browsers-heading">
      <h2 id="browsers-heading">Your browsers</h2>
      <p className="muted">
        Browsers you have signed in with. Someone guessing your password elsewhere can never lock these out. Forget any you no longer use or do not recognise; a forgotten browser is
        asked for everything again.
      </p>
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
      {resource.status === 'ready' && <BrowserList browsers={resource.data} onForget={forgetOne} forgettingId={forgettingId} />}
      {hasOthers && (
        <div className="form-actions">
          <button type="button" className="button button-secondary" disabled={forgettingId !== null} onClick={() => run('others', forgetOtherKnownBrowsers, 'Forgot every browser but this one.')}>
            {forgettingId === 'others' ? 'Forgetting…' : 'Forget all other browsers'}
          </button>
        </div>
      )}
    </section>
  );
}
