import { useState } from 'react';
import { isApiError } from '../../api/client';
import { checkAnyCurrentCode } from '../../components/one-time-code';
import { useReauthentication } from '../../components/reauthentication';
import { ConfirmWithCodeDialog, explainOnlyMethodRequired } from '../security/ConfirmWithCodeDialog';
import { describeAcceptedCodes } from '../security/CurrentCodeField';
import { describeCeremonyFailure } from './ceremony-problem';
import { removeCredential, type Credential } from './webauthn-api';

interface RemoveCredentialDialogProps {
  credential: Credential;
  /** The member's only factor: removing it turns two-factor authentication off. */
  isLastMethod: boolean;
  hasAuthenticator: boolean;
  canTextCode: boolean;
  onRemoved: () => void;
  onClose: () => void;
}

const explain = explainOnlyMethodRequired('Two-factor authentication is required for you, and this is your only method. Add another method first.');

/** W1 D1: removing a key needs a recent password and a current factor (a code, or one of the keys). */
export function RemoveCredentialDialog({ credential, isLastMethod, hasAuthenticator, canTextCode, onRemoved, onClose }: RemoveCredentialDialogProps) {
  const { withReauthentication } = useReauthentication();
  const [keyFailure, setKeyFailure] = useState<string | null>(null);
  const [isUsingKey, setUsingKey] = useState(false);

  async function confirmWithKey() {
    setUsingKey(true);
    setKeyFailure(null);
    try {
      await withReauthentication(() => removeCredential(credential.id, { useKey: true }));
      onRemoved();
    } catch (error) {
      const explained = explain(error);
      setKeyFailure(isApiError(explained) && explained.problem.code === 'two_factor_required_by_policy' ? explained.problem.title : describeCeremonyFailure(explained, 'manage').message);
    } finally {
      setUsingKey(false);
    }
  }

  return (
    <ConfirmWithCodeDialog
      title={`Remove “${credential.name}”?`}
      description={
        <>
          <p>
            It will no longer sign you in.
            {isLastMethod && ' It is your only method, so two-factor authentication turns off and your recovery codes stop working.'}
          </p>
          <p>Confirm with one of your security keys or passkeys, or enter a current code.</p>
        </>
      }
      alternative={
        <>
          {keyFailure && (
            <div className="alert alert-error" role="alert" tabIndex={-1}>
              <p>{keyFailure}</p>
            </div>
          )}
          <p>
            <button type="button" className="button button-secondary" onClick={() => void confirmWithKey()} disabled={isUsingKey} aria-busy={isUsingKey || undefined}>
              {isUsingKey ? 'Waiting for your key…' : 'Confirm with a security key or passkey'}
            </button>
          </p>
        </>
      }
      codeLabel="Current code"
      codeHint={describeAcceptedCodes(hasAuthenticator, canTextCode)}
      canTextCode={canTextCode}
      checkCode={checkAnyCurrentCode}
      confirm={(code) => removeCredential(credential.id, { code })}
      explainFailure={explain}
      submitLabel="Remove"
      busyLabel="Removing…"
      onConfirmed={onRemoved}
      onClose={onClose}
    />
  );
}
