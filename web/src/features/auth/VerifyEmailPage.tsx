import { useEffect, useRef, useState } from 'react';
import { describeProblem, isApiError, toProblem } from '../../api/client';
import { StatusMessage } from '../../components/StatusMessage';
import { Link, useSearchParam } from '../../router/router';
import { useSessionState } from '../../session/session-context';
import { verifyEmail } from './auth-api';
import { AuthLayout } from './AuthLayout';

type Verification = { kind: 'verifying' } | { kind: 'verified' } | { kind: 'already_verified' } | { kind: 'invalid' } | { kind: 'failed'; message: string };

/** Opens from the e-mailed link (A1); works signed in or not, since the token alone proves it. */
export function VerifyEmailPage() {
  const token = useSearchParam('token');
  const { state: sessionState, refresh } = useSessionState();
  const [verification, setVerification] = useState<Verification>(token ? { kind: 'verifying' } : { kind: 'invalid' });
  // The token is single-use: make sure it is sent once, even when effects run twice in development.
  const sentToken = useRef<string | null>(null);

  useEffect(() => {
    if (!token || sentToken.current === token) return;
    sentToken.current = token;
    verifyEmail(token)
      .then(async () => {
        setVerification({ kind: 'verified' });
        await refresh();
      })
      .catch((error: unknown) => {
        // Issue 17 item 8: the link was opened again after it worked.
        if (isApiError(error, 'email_already_verified')) {
          setVerification({ kind: 'already_verified' });
          void refresh();
        } else if (isApiError(error, 'invalid_token') || isApiError(error, 'not_found')) setVerification({ kind: 'invalid' });
        else setVerification({ kind: 'failed', message: describeProblem(toProblem(error)) });
      });
  }, [token, refresh]);

  const isSignedIn = sessionState.status === 'signed_in';
  const next = isSignedIn ? <Link to="/settings">Go to your settings</Link> : <Link to="/login">Sign in</Link>;

  switch (verification.kind) {
    case 'verifying':
      return (
        <AuthLayout title="Verifying your e-mail address">
          <p role="status">One moment…</p>
        </AuthLayout>
      );
    case 'verified':
      return (
        <AuthLayout title="E-mail address verified">
          <StatusMessage>Thank you: your e-mail address is verified.</StatusMessage>
          <p>{next}</p>
        </AuthLayout>
      );
    case 'already_verified':
      return (
        <AuthLayout title="E-mail address already verified">
          <StatusMessage>This e-mail address is already verified. There is nothing more to do with this link.</StatusMessage>
          <p>{next}</p>
        </AuthLayout>
      );
    case 'invalid':
      return (
        <AuthLayout title="This link is invalid or expired">
          <div className="alert alert-error" role="alert">
            <p>This link is invalid or expired. It may have been used already.</p>
          </div>
          <p>
            {isSignedIn ? 'You can ask for a new link from your settings.' : 'Sign in to ask for a new link.'} {next}
          </p>
        </AuthLayout>
      );
    case 'failed':
      return (
        <AuthLayout title="We could not verify your e-mail address">
          <div className="alert alert-error" role="alert">
            <p>{verification.message}</p>
          </div>
          <p>{next}</p>
        </AuthLayout>
      );
  }
}
