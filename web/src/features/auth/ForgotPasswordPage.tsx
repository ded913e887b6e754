import { useState } from 'react';
import { FormAlert } from '../../components/FormAlert';
import { StatusMessage } from '../../components/StatusMessage';
import { SubmitButton } from '../../components/SubmitButton';
import { TextField } from '../../components/TextField';
import { useForm } from '../../components/use-form';
import { checkEmail } from '../../components/validation';
import { Link } from '../../router/router';
import { requestPasswordReset } from './auth-api';
import { AuthLayout } from './AuthLayout';

/** A4: the answer is the same whether or not the address has an account (no user enumeration). */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const form = useForm();

  const submit = form.handleSubmit(
    async () => {
      await requestPasswordReset(email.trim());
      setSentTo(email.trim());
    },
    () => ({ email: checkEmail(email) }),
  );

  const footer = (
    <p>
      <Link to="/login">Back to sign in</Link>
    </p>
  );

  if (sentTo !== null) {
    return (
      <AuthLayout title="Check your e-mail" footer={footer}>
        <StatusMessage>
          If an account exists for <strong>{sentTo}</strong>, we sent a link to reset its password. The link works for one hour.
        </StatusMessage>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout
      title="Reset your password"
      intro={<p>Enter the e-mail address you sign in with and we will send you a link to choose a new password.</p>}
      footer={footer}
    >
      <form ref={form.formRef} onSubmit={submit} noValidate>
        <FormAlert problem={form.problem} fields={['email']} />
        <TextField
          label="E-mail"
          name="email"
          type="email"
          autoComplete="username"
          inputMode="email"
          spellCheck={false}
          value={email}
          onValueChange={setEmail}
          error={form.fieldErrors.email}
        />
        <div className="form-actions">
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Sending…">
            Send reset link
          </SubmitButton>
        </div>
      </form>
    </AuthLayout>
  );
}
