import { useState } from 'react';
import { FormAlert } from '../../components/FormAlert';
import { SubmitButton } from '../../components/SubmitButton';
import { NewPasswordField } from '../../components/NewPasswordField';
import { TextField } from '../../components/TextField';
import { useForm } from '../../components/use-form';
import { checkEmail, checkPassword, requireValue } from '../../components/validation';
import { Link } from '../../router/router';
import { useSessionState } from '../../session/session-context';
import { signUp } from './auth-api';
import { AuthLayout } from './AuthLayout';

const fields = ['organization', 'name', 'email', 'password'] as const;

/** A1: sign-up creates the organization and its first administrator, then signs them in. */
export function SignupPage() {
  const { refresh } = useSessionState();
  const [organization, setOrganization] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const form = useForm();

  const submit = form.handleSubmit(
    async () => {
      await signUp({ organization: organization.trim(), name: name.trim(), email: email.trim(), password });
      await refresh();
    },
    () => ({
      organization: requireValue(organization, 'Enter the name of your organization.'),
      name: requireValue(name, 'Enter your name.'),
      email: checkEmail(email),
      password: checkPassword(password),
    }),
  );

  return (
    <AuthLayout
      title="Create an organization"
      intro={<p>You will be its administrator and can invite your teammates afterwards.</p>}
      footer={
        <p>
          Already have an account? <Link to="/login">Sign in</Link>
        </p>
      }
    >
      <form ref={form.formRef} onSubmit={submit} noValidate>
        <FormAlert problem={form.problem} fields={fields} />
        <TextField
          label="Organization name"
          name="organization"
          autoComplete="organization"
          value={organization}
          onValueChange={setOrganization}
          error={form.fieldErrors.organization}
        />
        <TextField label="Your name" name="name" autoComplete="name" value={name} onValueChange={setName} error={form.fieldErrors.name} />
        <TextField
          label="E-mail"
          name="email"
          type="email"
          autoComplete="email"
          inputMode="email"
          spellCheck={false}
          value={email}
          onValueChange={setEmail}
          error={form.fieldErrors.email}
        />
        <NewPasswordField label="Password" name="password" value={password} onValueChange={setPassword} error={form.fieldErrors.password} />
        <div className="form-actions">
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Creating…">
            Create organization
          </SubmitButton>
        </div>
      </form>
    </AuthLayout>
  );
}
