import { useState } from 'react';
import { FormAlert } from '../../components/FormAlert';
import { StatusMessage } from '../../components/StatusMessage';
import { SubmitButton } from '../../components/SubmitButton';
import { NewPasswordField, PasswordConfirmationField } from '../../components/NewPasswordField';
import { useForm } from '../../components/use-form';
import { checkConfirmation, checkPassword } from '../../components/validation';
import { Link, useSearchParam } from '../../router/router';
import { useSessionState } from '../../session/session-context';
import { confirmPasswordReset } from './auth-api';
import { AuthLayout } from './AuthLayout';

/** A4: sets a new password through the single-use e-mailed link. */
export function ResetPasswordPage() {
  const token = useSearchParam('token');
  const { refresh } = useSessionState();
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [isChanged, setChanged] = useState(false);
  const form = useForm();

  const submit = form.handleSubmit(
    async () => {
      await confirmPasswordReset(token ?? '', password);
      setChanged(true);
      // A reset may end existing sessions; make sure the app knows who (if anyone) is signed in.
      await refresh();
    },
    () => ({ password: checkPassword(password), confirmation: checkConfirmation(password, confirmation) }),
  );

  if (!token) {
    return (
      <AuthLayout title="This link is invalid or expired">
        <div className="alert alert-error" role="alert">
          <p>This link is invalid or expired.</p>
        </div>
        <p>
          <Link to="/forgot-password">Ask for a new link</Link>
        </p>
      </AuthLayout>
    );
  }

  if (isChanged) {
    return (
      <AuthLayout title="Password changed">
        <StatusMessage>Your password has been changed. Sign in with your new password.</StatusMessage>
        <p>
          <Link to="/login">Sign in</Link>
        </p>
      </AuthLayout>
    );
  }

  const isTokenProblem = form.problem?.code === 'invalid_token';

  return (
    <AuthLayout
      title="Choose a new password"
      footer={
        <p>
          <Link to="/login">Back to sign in</Link>
        </p>
      }
    >
      <form ref={form.formRef} onSubmit={submit} noValidate>
        <FormAlert problem={form.problem} fields={['password', 'confirmation']} />
        {isTokenProblem && (
          <p>
            <Link to="/forgot-password">Ask for a new link</Link>
          </p>
        )}
        <NewPasswordField label="New password" name="password" value={password} onValueChange={setPassword} error={form.fieldErrors.password} />
        <PasswordConfirmationField value={confirmation} onValueChange={setConfirmation} error={form.fieldErrors.confirmation} />
        <div className="form-actions">
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Saving…">
            Change password
          </SubmitButton>
        </div>
      </form>
    </AuthLayout>
  );
}
