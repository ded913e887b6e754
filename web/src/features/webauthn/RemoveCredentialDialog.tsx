import { useState } from 'react';
import { ApiError, isApiError } from '../../api/client';
import { FormAlert } from '../../components/FormAlert';
import { Modal } from '../../components/Modal';
import { checkAnyCurrentCode, compactCode } from '../../components/one-time-code';
import { useReauthentication } from '../../components/reauthentication';
import { SubmitButton } from '../../components/SubmitButton';
import { useForm } from '../../components/use-form';
import { CurrentCodeField, describeAcceptedCodes, explainSecondFactorLock } from '../security/CurrentCodeField';
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

/** W1 D1: removing a key needs a recent password and a current factor (a code, or one of the keys). */
export function RemoveCredentialDialog({ credential, isLastMethod, hasAuthenticator, canTextCode, onRemoved, onClose }: RemoveCredentialDialogProps) {
  const { withReauthentication } = useReauthentication();
  const [code, setCode] = useState('');
  const [keyFailure, setKeyFailure] = useState<string | null>(null);
  const [isUsingKey, setUsingKey] = useState(false);
  const form = useForm();

  function explain(error: unknown): unknown {
    if (isApiError(error, 'two_factor_required_by_policy')) {
      return new ApiError({ ...error.problem, title: 'Two-factor authentication is required for you, and this is your only method. Add another method first.' });
    }
    return explainSecondFactorLock(error);
  }

  const submit = form.handleSubmit(
    async () => {
      try {
        await withReauthentication(() => removeCredential(credential.id, { code: compactCode(code) }));
      } catch (error) {
        throw explain(error);
      }
      onRemoved();
    },
    () => ({ code: checkAnyCurrentCode(code) }),
  );

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
    <Modal
      title={`Remove “${credential.name}”?`}
      onClose={onClose}
      description={
        <>
          <p>
            It will no longer sign you in.
            {isLastMethod && ' It is your only method, so two-factor authentication turns off and your recovery codes stop working.'}
          </p>
          <p>Confirm with one of your security keys or passkeys, or enter a current code.</p>
        </>
      }
    >
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
      <form ref={form.formRef} onSubmit={submit} noValidate>
        <FormAlert problem={form.problem} fields={['code']} />
        <CurrentCodeField
          label="Current code"
          hint={describeAcceptedCodes(hasAuthenticator, canTextCode)}
          code={code}
          onCodeChange={setCode}
          error={form.fieldErrors.code}
          canTextCode={canTextCode}
          formRef={form.formRef}
        />
        <div className="modal-actions">
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Removing…" variant="danger">
            Remove
          </SubmitButton>
        </div>
      </form>
    </Modal>
  );
}
