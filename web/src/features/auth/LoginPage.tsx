import { useEffect, useState } from 'react';
import { withQuery } from '../../api/client';
import { FormAlert } from '../../components/FormAlert';
import { SubmitButton } from '../../components/SubmitButton';
import { TextField } from '../../components/TextField';
import { useFocusFieldOnMount } from '../../components/use-focus-field-on-mount';
import { useForm } from '../../components/use-form';
import { checkEmail, requireValue } from '../../components/validation';
import { Link, navigate, useLocation, useSearchParam } from '../../router/router';
import { useSessionState } from '../../session/session-context';
import { logIn, type LoginResult } from './auth-api';
import { AuthLayout } from './AuthLayout';
import { leaveForRememberedReturn, peekReturn, rememberReturn } from './return-after-sign-in';
import { rememberSigningInAs } from './signing-in-as';
import { ssoCallbackProblem } from '../sso/sso-callback-problem';
import { SsoRequiredButton } from '../sso/SsoRequiredButton';
import { SsoRoutedPanel } from '../sso/SsoRoutedPanel';
import { useSsoRouting } from '../sso/use-sso-routing';
import { PasskeySignIn } from '../webauthn/PasskeySignIn';

/**
 * A2 and what a correct password leads to. The second step (L1) has a page of its own,
 * /login/two-factor, so a reload keeps it; a required setup (P5) is a blocking required action
 * of the new session, so the app shows the setup in place of every page until it is done.
 */
export function LoginPage() {
  return <CredentialsStep />;
}

/** O3/O5: why an application sent the person here, in their words. */
const reasonMessages: Record<string, string> = {
  fresh_sign_in: 'The application asks you to sign in again.',
  second_factor: 'The application asks for your second factor: sign in again with it.',
  switch_account: 'Sign in with an account of the application’s organization.',
};

function CredentialsStep() {
  const { refresh } = useSessionState();
  const next = useSearchParam('next');
  const { searchParams } = useLocation();
  const reason = searchParams.get('reason');
  useEffect(() => rememberReturn(searchParams), [searchParams]);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const form = useForm();
  useFocusFieldOnMount(form.formRef, 'email');
  // E1/E2: an address of a domain routed to the organization's identity provider signs in there.
  const sso = useSsoRouting(email);
  const [callbackProblem] = useState(() => ssoCallbackProblem(searchParams.get('sso_error')));

  async function handleResult(result: LoginResult) {
    switch (result.status) {
      case 'signed_in':
        // O3: back to the application that sent the person here; otherwise the app's guard
        // moves a signed-in person on to where they were going.
        if (await leaveForRememberedReturn()) return;
        await refresh();
        return;
      case 'two_factor_required':
        // The challenge lives in its own cookie; `next` travels on so the second step ends where
        // a sign-in without one would, and the offered methods (S4: texts only when allowed) ride
        // in the address so a reload keeps them. The second step names the account (issue 17).
        rememberSigningInAs(email.trim());
        navigate(withQuery('/login/two-factor', { next, methods: result.methods.join(','), remember: result.rememberBrowserDays || undefined }));
        return;
      case 'two_factor_setup_required':
        // P5: the session may only set up an authenticator app; it says so as a blocking
        // required action, and the app takes the person straight into the setup. `next` stays
        // in the address, so they land where they were going afterwards.
        await refresh();
        return;
    }
  }

  // E2/O3: back from the identity provider, signed in: on to the application that sent the person, if one did.
  const isBackFromProvider = searchParams.get('sso') === 'signed_in';
  useEffect(() => {
    if (isBackFromProvider) void handleResult({ status: 'signed_in' });
  }, [isBackFromProvider]);

  const submit = form.handleSubmit(
    async () => {
      const redirectUrl = await sso.check(email);
      if (redirectUrl !== null) return window.location.assign(redirectUrl);
      try {
        await handleResult(await logIn(email.trim(), password));
      } catch (error) {
        setPassword('');
        throw error;
      }
    },
    () => ({ email: checkEmail(email), password: sso.redirectUrl === null ? requireValue(password, 'Enter your password.') : undefined }),
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
      {peekReturn()?.interaction || searchParams.get('interaction') ? (
        <p className="muted" role="status">
          {(reason && reasonMessages[reason]) ?? 'Sign in to continue to the application.'}
        </p>
      ) : null}
      <form ref={form.formRef} onSubmit={submit} noValidate>
        <FormAlert problem={form.problem ?? callbackProblem} fields={['email', 'password']} />
        {form.problem?.code === 'sso_required' && <SsoRequiredButton email={email.trim()} />}
        <TextField
          label="E-mail"
          name="email"
          type="email"
          // W3: the browser suggests passkeys here too (conditional mediation).
          autoComplete="username webauthn"
          inputMode="email"
          spellCheck={false}
          value={email}
          onValueChange={setEmail}
          error={form.fieldErrors.email}
        />
        {sso.redirectUrl !== null ? (
          <SsoRoutedPanel redirectUrl={sso.redirectUrl} onUsePassword={sso.usePassword} />
        ) : (
          <>
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
          </>
        )}
      </form>
      <PasskeySignIn onSignedIn={() => handleResult({ status: 'signed_in' })} />
    </AuthLayout>
  );
}
