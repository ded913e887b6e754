import { useState } from 'react';
import { ApiError, isApiError } from '../../api/client';
import { FormAlert } from '../../components/FormAlert';
import { Modal } from '../../components/Modal';
import { checkAnyCurrentCode, compactCode } from '../../components/one-time-code';
import { useReauthentication } from '../../components/reauthentication';
import { SubmitButton } from '../../components/SubmitButton';
import { useForm } from '../../components/use-form';
import { CurrentCodeField, describeAcceptedCodes, explainSecondFactorLock } from './CurrentCodeField';
import { removeSmsNumber } from './two-factor-api';

interface RemoveSmsDialogProps {
  /** The masked number, as the server shows it. */
  phoneNumber: string;
  /** Text messages are the member's only method: removing them turns two-factor authentication off. */
  isLastMethod: boolean;
  hasAuthenticator: boolean;
  /** S4: texts are still sent (the organization allows them), so one can confirm this. */
  canTextCode: boolean;
  onRemoved: () => void;
  onClose: () => void;
}

/** Like D1 for one method: deleting a setting needs a current code and a recent password. */
export function RemoveSmsDialog({ phoneNumber, isLastMethod, hasAuthenticator, canTextCode, onRemoved, onClose }: RemoveSmsDialogProps) {
  const { withReauthentication } = useReauthentication();
  const [code, setCode] = useState('');
  const form = useForm();

  const submit = form.handleSubmit(
    async () => {
      try {
        await withReauthentication(() => removeSmsNumber(compactCode(code)));
      } catch (error) {
        if (isApiError(error, 'two_factor_required_by_policy')) {
          throw new ApiError({
            ...error.problem,
            title: 'Two-factor authentication is required for you, and this is your only method. Set up an authenticator app first.',
          });
        }
        throw explainSecondFactorLock(error);
      }
      onRemoved();
    },
    () => ({ code: checkAnyCurrentCode(code) }),
  );

  return (
    <Modal
      title="Remove your phone number?"
      onClose={onClose}
      description={
        <>
          <p>
            Codes will no longer be texted to <strong>{phoneNumber}</strong>.
            {isLastMethod && ' It is your only method, so two-factor authentication turns off and your recovery codes stop working.'}
          </p>
          <p>Enter a current code to confirm.</p>
        </>
      }
    >
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
            Remove number
          </SubmitButton>
        </div>
      </form>
    </Modal>
  );
}

