import { useState, type ReactNode } from 'react';
import { ApiError, isApiError } from '../../api/client';
import { FormAlert } from '../../components/FormAlert';
import { Modal } from '../../components/Modal';
import { compactCode } from '../../components/one-time-code';
import { useReauthentication } from '../../components/reauthentication';
import { SubmitButton } from '../../components/SubmitButton';
import { useForm } from '../../components/use-form';
import { CurrentCodeField, explainSecondFactorLock } from './CurrentCodeField';

interface ConfirmWithCodeDialogProps {
  title: string;
  description: ReactNode;
  /** Shown above the code form: another way to confirm (a security key). */
  alternative?: ReactNode;
  codeLabel: string;
  codeHint: string;
  isNumeric?: boolean;
  /** S2: the member's phone receives codes, so a texted code can confirm this. */
  canTextCode: boolean;
  /** The field's error before anything is sent, or undefined. */
  checkCode: (code: string) => string | undefined;
  /** Sends the change with the compacted code. */
  confirm: (code: string) => Promise<unknown>;
  /** Turns a refusal into what the member should read (by default: L3's lock, with when it ends). */
  explainFailure?: (error: unknown) => unknown;
  submitLabel: string;
  busyLabel: string;
  onConfirmed: () => void;
  onClose: () => void;
}

/**
 * D1 and its kin: a change to the member's own factors needs a recent password (the
 * re-authentication prompt) and a current code, in one dialog.
 */
export function ConfirmWithCodeDialog(props: ConfirmWithCodeDialogProps) {
  const { withReauthentication } = useReauthentication();
  const [code, setCode] = useState('');
  const form = useForm();
  const explainFailure = props.explainFailure ?? explainSecondFactorLock;

  const submit = form.handleSubmit(
    async () => {
      try {
        // A refused re-authentication check happens before the code is looked at, so the same
        // code is still good for the retry.
        await withReauthentication(() => props.confirm(compactCode(code)));
      } catch (error) {
        throw explainFailure(error);
      }
      props.onConfirmed();
    },
    () => ({ code: props.checkCode(code) }),
  );

  return (
    <Modal title={props.title} onClose={props.onClose} description={props.description}>
      {props.alternative}
      <form ref={form.formRef} onSubmit={submit} noValidate>
        <FormAlert problem={form.problem} fields={['code']} />
        <CurrentCodeField
          label={props.codeLabel}
          hint={props.codeHint}
          isNumeric={props.isNumeric}
          code={code}
          onCodeChange={setCode}
          error={form.fieldErrors.code}
          canTextCode={props.canTextCode}
          formRef={form.formRef}
        />
        <div className="modal-actions">
          <button type="button" className="button button-secondary" onClick={props.onClose}>
            Cancel
          </button>
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel={props.busyLabel} variant="danger">
            {props.submitLabel}
          </SubmitButton>
        </div>
      </form>
    </Modal>
  );
}

/**
 * P2: removing the member's only method is refused while their organization requires two-factor
 * authentication; `title` says what to do instead. Other refusals as L3 explains them.
 */
export function explainOnlyMethodRequired(title: string): (error: unknown) => unknown {
  return (error) => (isApiError(error, 'two_factor_required_by_policy') ? new ApiError({ ...error.problem, title }) : explainSecondFactorLock(error));
}
