import { browserSupportsWebAuthn, browserSupportsWebAuthnAutofill } from '@simplewebauthn/browser';
import { useEffect, useRef, useState } from 'react';
import { isApiError } from '../../api/client';
import { describeCeremonyFailure } from './ceremony-problem';

const verdictCodes: readonly string[] = ['webauthn_rejected', 'passkey_sign_in_disabled', 'method_not_allowed'];
import { cancelCeremony, signInWithPasskey } from './webauthn-api';
import './webauthn.css';

/**
 * W3: "Sign in with a passkey" on the sign-in page, and the browser's passkey suggestions in the
 * e-mail field (conditional mediation: the field has `autocomplete="username webauthn"`).
 */
export function PasskeySignIn({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const [isSupported] = useState(() => typeof window !== 'undefined' && browserSupportsWebAuthn());
  const [isWaiting, setWaiting] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const onSignedInRef = useRef(onSignedIn);
  onSignedInRef.current = onSignedIn;

  useEffect(() => {
    if (!isSupported) return;
    let isActive = true;
    void (async () => {
      if (!(await browserSupportsWebAuthnAutofill())) return;
      try {
        await signInWithPasskey(true);
        if (isActive) await onSignedInRef.current();
      } catch (error) {
        // Only the server's verdict on a chosen passkey is worth saying; a refused options request
        // or an aborted autofill (leaving the page, pressing the button) leaves the page quiet.
        if (!isActive || !isApiError(error) || !verdictCodes.includes(error.problem.code)) return;
        setFailure(describeCeremonyFailure(error, 'sign_in').message);
      }
    })();
    return () => {
      isActive = false;
      cancelCeremony();
    };
  }, [isSupported]);

  if (!isSupported) return null;

  async function signIn() {
    setWaiting(true);
    setFailure(null);
    try {
      await signInWithPasskey(false);
      await onSignedIn();
    } catch (error) {
      setFailure(describeCeremonyFailure(error, 'sign_in').message);
    } finally {
      setWaiting(false);
    }
  }

  return (
    <div className="passkey-sign-in">
      {failure && (
        <div className="alert alert-error" role="alert" tabIndex={-1}>
          <p>{failure}</p>
        </div>
      )}
      <p className="passkey-sign-in-divider muted">or</p>
      <button type="button" className="button button-secondary" onClick={() => void signIn()} disabled={isWaiting} aria-busy={isWaiting || undefined}>
        {isWaiting ? 'Waiting for your passkey…' : 'Sign in with a passkey'}
      </button>
    </div>
  );
}
