import { useEffect, useState } from 'react';
import { ApiError, isApiError } from '../api/client';
import { reauthenticate } from '../api/session';
import { CurrentCodeField, describeAcceptedCodes, explainSecondFactorLock } from '../features/security/CurrentCodeField';
import { fetchTwoFactorStatus } from '../features/security/two-factor-api';
import { FormAlert } from './FormAlert';
import { Modal } from './Modal';
import { checkAnyCurrentCode, compactCode } from './one-time-code';
import { SubmitButton } from './SubmitButton';
import { TextField } from './TextField';
import { useForm } from './use-form';
import { ConfirmWithKeyButton } from '../features/webauthn/ConfirmWithKeyButton';
import { requireValue } from './validation';

interface ConfirmPasswordDialogProps {
  /** A5: replacing or revealing a second factor also needs a current code (authenticator, texted or recovery). */
  withCode?: boolean;
  onConfirmed: () => void;
  onCancel: () => void;
}

/** The member's factors, for the code field's hint and "Text me a code"; unknown while loading. */
interface CodeKinds {
  hasAuthenticator: boolean;
  canTextCode: boolean;
  /** W1: a security key or passkey can confirm instead of a code. */
  hasKey?: boolean;
}

/** Asks for the password again before a sensitive action (A5), with a current code when asked, then lets the caller retry it. */
export function ConfirmPasswordDialog({ withCode = false, onConfirmed, onCancel }: ConfirmPasswordDialogProps) {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [codeKinds, setCodeKinds] = useState<CodeKinds>({ hasAuthenticator: true, canTextCode: false });
  const form = useForm();

  useEffect(() => {
    if (!withCode) return;
    let isCurrent = true;
    fetchTwoFactorStatus()
      .then((status) => {
        if (isCurrent)
          setCodeKinds({ hasAuthenticator: status.methods.includes('totp'), canTextCode: status.methods.includes('sms') && (status.sms?.allowed ?? true), hasKey: status.methods.includes('webauthn') });
      })
      .catch(() => undefined);
    return () => {
      isCurrent = false;
    };
  }, [withCode]);

  const submit = form.handleSubmit(
    async () => {
      try {
        await reauthenticate(password, withCode ? compactCode(code) : undefined);
      } catch (error) {
        if (isApiError(error, 'invalid_credentials')) {
          throw new ApiError({ ...error.problem, errors: [{ field: 'password', message: 'That password is not correct.' }] });
        }
        throw explainSecondFactorLock(error);
      }
      onConfirmed();
    },
    () => ({ password: requireValue(password, 'Enter your password.'), ...(withCode ? { code: checkAnyCurrentCode(code) } : {}) }),
  );

  return (
    <Modal
      title={withCode ? 'Confirm your password and a current code' : 'Confirm your password'}
      onClose={onCancel}
      description={
        withCode ? (
          <p>For your security, enter your password and a current code to continue. You will not be asked again for a few minutes.</p>
        ) : (
          <p>For your security, enter your password to continue. You will not be asked again for a few minutes.</p>
        )
      }
    >
      <form ref={form.formRef} onSubmit={submit} noValidate>
        <FormAlert problem={form.problem} fields={withCode ? ['password', 'code'] : ['password']} />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onValueChange={setPassword}
          error={form.fieldErrors.password}
        />
        {withCode && (
          <CurrentCodeField
            label="Current code"
            hint={describeAcceptedCodes(codeKinds.hasAuthenticator, codeKinds.canTextCode)}
            code={code}
            onCodeChange={setCode}
            error={form.fieldErrors.code}
            canTextCode={codeKinds.canTextCode}
            formRef={form.formRef}
          />
        )}
        {withCode && codeKinds.hasKey && <ConfirmWithKeyButton password={password} onConfirmed={onConfirmed} />}
        <div className="modal-actions">
          <button type="button" className="button button-secondary" onClick={onCancel}>
            Cancel
          </button>
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Confirming…">
            Confirm
          </SubmitButton>
        </div>
      </form>
    </Modal>
  );
}
