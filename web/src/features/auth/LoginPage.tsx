import { useState } from 'react';
import { FormAlert } from '../../components/FormAlert';
import { StatusMessage } from '../../components/StatusMessage';
import { SubmitButton } from '../../components/SubmitButton';
import { TextField } from '../../components/TextField';
import { useForm } from '../../components/use-form';
import { checkEmail, requireValue } from '../../components/validation';
import { Link } from '../../router/router';
import { useSessionState } from '../../session/session-context';
import { logIn, type LoginResult } from './auth-api';
import { AuthLayout } from './AuthLayout';

/** Where the sign-in flow stands; each server status maps to one step (A2, later L1 and P5). */
type LoginStep = { kind: 'credentials' } | { kind: 'two_factor'; methods: string[] } | { kind: 'two_factor_setup' };

export function LoginPage() {
  const [step, setStep] = useState<LoginStep>({ kind: 'credentials' });

  switch (step.kind) {
    case 'credentials':
      return <CredentialsStep onNextStep={setStep} />;
    case 'two_factor':
    case 'two_factor_setup':
      return <SecondStepUnavailable onBack={() => setStep({ kind: 'credentials' })} />;
  }
}

function CredentialsStep({ onNextStep }: { onNextStep: (step: LoginStep) => void }) {
  const { refresh } = useSessionState();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const form = useForm();

  async function handleResult(result: LoginResult) {
    switch (result.status) {
      case 'signed_in':
        // The app's guard moves a signed-in person on to where they were going.
        await refresh();
        return;
      case 'two_factor_required':
        onNextStep({ kind: 'two_factor', methods: result.methods });
        return;
      case 'two_factor_setup_required':
        onNextStep({ kind: 'two_factor_setup' });
        return;
    }
  }

  const submit = form.handleSubmit(
    async () => {
      try {
        await handleResult(await logIn(email.trim(), password));
      } catch (error) {
        setPassword('');
        throw error;
      }
    },
    () => ({ email: checkEmail(email), password: requireValue(password, 'Enter your password.') }),
  );

  return (
    <AuthLayout
      title="Sign in to Tessera"
      footer={
        <p>
          New here? <Link to="/signup">Create an organization</Link>
        </p>
      }
    >
      <form ref={form.formRef} onSubmit={submit} noValidate>
        <FormAlert problem={form.problem} fields={['email', 'password']} />
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
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onValueChange={setPassword}
          error={form.fieldErrors.password}
        />
        <p>
          <Link to="/forgot-password">Forgot password?</Link>
        </p>
        <div className="form-actions">
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Signing in…">
            Sign in
          </SubmitButton>
        </div>
      </form>
    </AuthLayout>
  );
}

function SecondStepUnavailable({ onBack }: { onBack: () => void }) {
  return (
    <AuthLayout title="Two-factor authentication">
      <StatusMessage tone="info">
        Your account needs a second step to sign in, which this version of Tessera cannot show yet.
      </StatusMessage>
      <button type="button" className="button button-secondary" onClick={onBack}>
        Back to sign in
      </button>
    </AuthLayout>
  );
}
