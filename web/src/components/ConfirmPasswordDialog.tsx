import { useState } from 'react';
import { ApiError, isApiError } from '../api/client';
import { reauthenticate } from '../api/session';
import { FormAlert } from './FormAlert';
import { Modal } from './Modal';
import { SubmitButton } from './SubmitButton';
import { TextField } from './TextField';
import { useForm } from './use-form';
import { requireValue } from './validation';

interface ConfirmPasswordDialogProps {
  onConfirmed: () => void;
  onCancel: () => void;
}

/** Asks for the password again before a sensitive action (A5), then lets the caller retry it. */
export function ConfirmPasswordDialog({ onConfirmed, onCancel }: ConfirmPasswordDialogProps) {
  const [password, setPassword] = useState('');
  const form = useForm();

  const submit = form.handleSubmit(
    async () => {
      try {
        await reauthenticate(password);
      } catch (error) {
        if (isApiError(error, 'invalid_credentials')) {
          throw new ApiError({ ...error.problem, errors: [{ field: 'password', message: 'That password is not correct.' }] });
        }
        throw error;
      }
      onConfirmed();
    },
    () => ({ password: requireValue(password, 'Enter your password.') }),
  );

  return (
    <Modal
      title="Confirm your password"
      onClose={onCancel}
      description={<p>For your security, enter your password to continue. You will not be asked again for a few minutes.</p>}
    >
      <form ref={form.formRef} onSubmit={submit} noValidate>
        <FormAlert problem={form.problem} fields={['password']} />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onValueChange={setPassword}
          error={form.fieldErrors.password}
        />
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
