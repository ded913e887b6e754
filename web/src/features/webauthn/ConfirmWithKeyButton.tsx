import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { startAuthentication } from '@simplewebauthn/browser';
import { useState } from 'react';
import { api, isApiError } from '../../api/client';
import { reauthenticate } from '../../api/session';
import { describeCeremonyFailure } from './ceremony-problem';

/**
 * A5: instead of a code, the password and then one of the member's security keys or passkeys
 * (for members whose only factor is a key).
 */
export function ConfirmWithKeyButton({ password, onConfirmed }: { password: string; onConfirmed: () => void }) {
  const [isWaiting, setWaiting] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  async function confirm() {
    if (password === '') {
      setFailure('Enter your password first.');
      return;
    }
    setWaiting(true);
    setFailure(null);
    try {
      await reauthenticate(password);
      const options = await api.post<PublicKeyCredentialRequestOptionsJSON>('/api/v1/me/two-factor/webauthn/confirm/options');
      const response = await startAuthentication({ optionsJSON: options });
      await api.post('/api/v1/me/two-factor/webauthn/confirm', { response });
      onConfirmed();
    } catch (error) {
      setFailure(isApiError(error, 'invalid_credentials') ? 'That password is not correct.' : describeCeremonyFailure(error, 'manage').message);
    } finally {
      setWaiting(false);
    }
  }

  return (
    <div className="confirm-with-key">
      {failure && (
        <div className="alert alert-error" role="alert">
          <p>{failure}</p>
        </div>
      )}
      <button type="button" className="button button-secondary" onClick={() => void confirm()} disabled={isWaiting} aria-busy={isWaiting || undefined}>
        {isWaiting ? 'Waiting for your key…' : 'Use a security key or passkey instead of a code'}
      </button>
    </div>
  );
}
