import { useState } from 'react';
import { withQuery } from '../../api/client';
import { FormAlert } from '../../components/FormAlert';
import { StatusMessage } from '../../components/StatusMessage';
import { SubmitButton } from '../../components/SubmitButton';
import { TextField } from '../../components/TextField';
import { useForm } from '../../components/use-form';
import { checkEmail, requireValue } from '../../components/validation';
import { Link, navigate, useSearchParam } from '../../router/router';
import { useSessionState } from '../../session/session-context';
import { logIn, type LoginResult } from './auth-api';
import { AuthLayout } from './AuthLayout';

/**
 * Where the sign-in flow stands on this page; each server status maps to one step (A2, later P5).
 * The second step (L1) has a page of its own, /login/two-factor, so a reload keeps it.
 */
type LoginStep = { kind: 'credentials' } | { kind: 'two_factor_setup' };

export function LoginPage() {
  const [step, setStep] = useState<LoginStep>({ kind: 'credentials' });

  switch (step.kind) {
    case 'credentials':
      return <CredentialsStep onNextStep={setStep} />;
    case 'two_factor_setup':
      return <SecondStepUnavailable onBack={() => setStep({ kind: 'credentials' })} />;
  }
}

function CredentialsStep({ onNextStep }: { onNextStep: (step: LoginStep) => void }) {
  const { refresh } = useSessionState();
  const next = useSearchParam('next');
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
        // The challenge lives in its own cookie; `next` travels on so the second step ends where
        // a sign-in without one would. Every method offered today (authenticator, recovery code)
        // goes in the same field, so the page needs nothing else from this answer.
        navigate(withQuery('/login/two-factor', { next }));
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
