import { useState } from 'react';
import { toProblem, type Problem } from '../../api/client';
import { ProblemText } from '../../components/ProblemAlert';
import { startSingleSignOn } from './sso-api';

/** E5: a password refused with `sso_required` becomes the provider's button. */
export function SsoRequiredButton({ email }: { email: string }) {
  const [isBusy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);

  async function go() {
    setBusy(true);
    setProblem(null);
    try {
      const redirectUrl = await startSingleSignOn(email);
      if (redirectUrl !== null) {
        window.location.assign(redirectUrl);
        return;
      }
      setProblem({ status: 404, code: 'sso_not_configured', title: 'Single sign-on is not set up for this address.' });
    } catch (error) {
      setProblem(toProblem(error));
    }
    setBusy(false);
  }

  return (
    <div className="form-actions">
      {problem && (
        <div className="alert alert-error" role="alert">
          <ProblemText problem={problem} />
        </div>
      )}
      <button type="button" className="button button-primary" onClick={go} disabled={isBusy} aria-busy={isBusy || undefined}>
        {isBusy ? 'Continuing…' : 'Continue with single sign-on'}
      </button>
    </div>
  );
}
