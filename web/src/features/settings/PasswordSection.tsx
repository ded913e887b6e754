import { useState } from 'react';
import { ApiError, isApiError } from '../../api/client';
import { FormAlert } from '../../components/FormAlert';
import { useReauthentication } from '../../components/reauthentication';
import { StatusMessage } from '../../components/StatusMessage';
import { SubmitButton } from '../../components/SubmitButton';
import { NewPasswordField, PasswordConfirmationField } from '../../components/NewPasswordField';
import { TextField } from '../../components/TextField';
import { useForm } from '../../components/use-form';
import { checkConfirmation, checkPassword, requireValue } from '../../components/validation';
import { changePassword } from './settings-api';

const fields = ['currentPassword', 'newPassword', 'confirmation'] as const;

export function PasswordSection() {
  const { withReauthentication } = useReauthentication();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [isChanged, setChanged] = useState(false);
  const form = useForm();

  const submit = form.handleSubmit(
    async () => {
      setChanged(false);
      try {
        await withReauthentication(() => changePassword(currentPassword, newPassword));
      } catch (error) {
        // A wrong current password belongs beside that field.
        if (isApiError(error, 'invalid_credentials') && !error.problem.errors?.length) {
          throw new ApiError({ ...error.problem, errors: [{ field: 'currentPassword', message: 'That password is not correct.' }] });
        }
        throw error;
      }
      setCurrentPassword('');
      setNewPassword('');
      setConfirmation('');
      setChanged(true);
    },
    () => ({
      currentPassword: requireValue(currentPassword, 'Enter your current password.'),
      newPassword: checkPassword(newPassword),
      confirmation: checkConfirmation(newPassword, confirmation),
    }),
  );

  return (
    <section className="card" aria-labelledby="password-heading">
      <h2 id="password-heading">Password</h2>
      <form ref={form.formRef} onSubmit={submit} noValidate className="narrow-form">
        {isChanged && <StatusMessage>Your password has been changed.</StatusMessage>}
        <FormAlert problem={form.problem} fields={fields} />
        <TextField
          label="Current password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          value={currentPassword}
          onValueChange={setCurrentPassword}
          error={form.fieldErrors.currentPassword}
        />
        <NewPasswordField label="New password" name="newPassword" value={newPassword} onValueChange={setNewPassword} error={form.fieldErrors.newPassword} />
        <PasswordConfirmationField value={confirmation} onValueChange={setConfirmation} error={form.fieldErrors.confirmation} />
        <div className="form-actions">
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Saving…">
            Change password
          </SubmitButton>
        </div>
      </form>
    </section>
  );
}
