import { useState } from 'react';
import { FormAlert } from '../../components/FormAlert';
import { Modal } from '../../components/Modal';
import { checkAnyCurrentCode, checkSecondFactorCode, compactCode } from '../../components/one-time-code';
import { useReauthentication } from '../../components/reauthentication';
import { SubmitButton } from '../../components/SubmitButton';
import { useForm } from '../../components/use-form';
import { CurrentCodeField, describeAcceptedCodes, explainSecondFactorLock } from './CurrentCodeField';
import { turnOffTwoFactor } from './two-factor-api';

interface TurnOffDialogProps {
  hasAuthenticator: boolean;
  /** S2: the member's phone receives codes, so a texted code can confirm this. */
  canTextCode: boolean;
  onTurnedOff: () => void;
  onClose: () => void;
}

/** D1: a current code (authenticator or recovery) and a recent password turn it off. */
export function TurnOffDialog({ hasAuthenticator, canTextCode, onTurnedOff, onClose }: TurnOffDialogProps) {
  const { withReauthentication } = useReauthentication();
  const [code, setCode] = useState('');
  const form = useForm();

  const submit = form.handleSubmit(
    async () => {
      try {
        // A refused re-authentication check happens before the code is looked at, so the same
        // code is still good for the retry.
        await withReauthentication(() => turnOffTwoFactor(compactCode(code)));
      } catch (error) {
        throw explainSecondFactorLock(error);
      }
      onTurnedOff();
    },
    () => ({ code: hasAuthenticator ? checkSecondFactorCode(code, 'authenticator') : checkAnyCurrentCode(code) }),
  );

  return (
    <Modal
      title="Turn off two-factor authentication?"
      onClose={onClose}
      description={
        <p>Signing in will need only your password, and your recovery codes will stop working. Enter a current code to confirm.</p>
      }
    >
      <form ref={form.formRef} onSubmit={submit} noValidate>
        <FormAlert problem={form.problem} fields={['code']} />
        <CurrentCodeField
          label={hasAuthenticator ? 'Code from the app' : 'Current code'}
          hint={
            hasAuthenticator && !canTextCode
              ? 'The 6-digit code your authenticator app shows. You can use a recovery code instead.'
              : describeAcceptedCodes(hasAuthenticator, canTextCode)
          }
          isNumeric
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
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Turning off…" variant="danger">
            Turn off
          </SubmitButton>
        </div>
      </form>
    </Modal>
  );
}
