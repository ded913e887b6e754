import { useState } from 'react';
import { describeProblem, toProblem } from '../api/client';
import { resendVerificationEmail } from '../api/session';

type ResendState = { kind: 'idle' } | { kind: 'sending' } | { kind: 'sent' } | { kind: 'failed'; message: string };

/** "Resend verification e-mail" with its outcome announced next to it. */
export function ResendVerificationButton({ email }: { email: string }) {
  const [state, setState] = useState<ResendState>({ kind: 'idle' });

  async function resend() {
    setState({ kind: 'sending' });
    try {
      await resendVerificationEmail();
      setState({ kind: 'sent' });
    } catch (error) {
      const problem = toProblem(error);
      // Issue 10 item 7: resends are limited (3 in 15 minutes, 10 a day); say why, and for how long.
      const message = problem.code === 'rate_limited' ? `We already sent you several links. Check your inbox and spam folder. ${describeProblem(problem).replace('Too many attempts. ', '')}` : describeProblem(problem);
      setState({ kind: 'failed', message });
    }
  }

  return (
    <>
      <button type="button" className="button button-secondary button-small" onClick={resend} disabled={state.kind === 'sending'}>
        {state.kind === 'sending' ? 'Sending…' : 'Resend verification e-mail'}
      </button>
      <span role="status" className={state.kind === 'failed' ? 'field-error' : 'muted'}>
        {state.kind === 'sent' && `We sent a new link to ${email}.`}
        {state.kind === 'failed' && state.message}
      </span>
    </>
  );
}
