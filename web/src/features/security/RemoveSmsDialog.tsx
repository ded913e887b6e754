import { useState } from 'react';
import { ApiError, isApiError } from '../../api/client';
import { FormAlert } from '../../components/FormAlert';
import { Modal } from '../../components/Modal';
import { checkAnyCurrentCode, compactCode, describeLockEnd, lockEndsAt } from '../../components/one-time-code';
import { useReauthentication } from '../../components/reauthentication';
import { SubmitButton } from '../../components/SubmitButton';
import { TextField } from '../../components/TextField';
import { useForm } from '../../components/use-form';
import { TextMeACodeButton } from './TextMeACodeButton';
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
        if (isApiError(error, 'rate_limited')) {
          const until = lockEndsAt(error.problem.retryAfterSeconds);
          throw new ApiError({ ...error.problem, code: 'second_factor_locked', title: `Too many wrong codes: two-factor authentication is ${describeLockEnd(until)}.` });
        }
        if (isApiError(error, 'two_factor_required_by_policy')) {
          throw new ApiError({
            ...error.problem,
            title: 'Two-factor authentication is required for you, and this is your only method. Set up an authenticator app first.',
          });
        }
        throw error;
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
        <TextField
          label="Current code"
          name="code"
          hint={describeAcceptedCodes(hasAuthenticator, canTextCode)}
          autoComplete="one-time-code"
          spellCheck={false}
          value={code}
          onValueChange={setCode}
          error={form.fieldErrors.code}
        />
        {canTextCode && <TextMeACodeButton onSent={() => form.formRef.current?.querySelector<HTMLInputElement>('input[name="code"]')?.focus()} />}
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

/** The kinds of code a member can give to confirm a change, in one sentence. */
export function describeAcceptedCodes(hasAuthenticator: boolean, canTextCode: boolean): string {
  const kinds = [hasAuthenticator ? 'the 6-digit code from your authenticator app' : null, canTextCode ? 'a code we text you' : null, 'one of your recovery codes'].filter(
    (kind): kind is string => kind !== null,
  );
  const sentence = kinds.length === 1 ? kinds[0]! : `${kinds.slice(0, -1).join(', ')} or ${kinds.at(-1)!}`;
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}
