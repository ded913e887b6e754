import { useState } from 'react';
import { ApiError, isApiError, withQuery } from '../../api/client';
import { FormAlert } from '../../components/FormAlert';
import { checkSecondFactorCode, compactCode, describeLockEnd, lockEndsAt } from '../../components/one-time-code';
import { StatusMessage } from '../../components/StatusMessage';
import { SubmitButton } from '../../components/SubmitButton';
import { TextField } from '../../components/TextField';
import { useForm } from '../../components/use-form';
import { Link, useSearchParam } from '../../router/router';
import { useSessionState } from '../../session/session-context';
import { completeSecondStep, type SecondStepResult } from './auth-api';
import { AuthLayout } from './AuthLayout';

type CodeKind = 'authenticator' | 'recovery_code';

// L2: one field takes either kind of code (the server tells them apart); the switch only changes
// what the field asks for, so people who lost their phone are told what to type.
const fieldFor = {
  authenticator: {
    label: 'Code from the app',
    hint: 'Open your authenticator app and enter the 6-digit code it shows for this account.',
    inputMode: 'numeric',
    autoComplete: 'one-time-code',
    switchLabel: 'Use a recovery code',
  },
  recovery_code: {
    label: 'Recovery code',
    hint: 'One of the codes you saved when you turned on two-factor authentication, like 1234-5678. Each code works once.',
    // Recovery codes are shown with a dash, which a numeric keypad may not offer.
    inputMode: 'text',
    autoComplete: 'off',
    switchLabel: 'Use your authenticator app',
  },
} as const;

/** Our own code for a problem the server reports as `unauthenticated` here: no challenge to answer. */
const challengeGoneCode = 'challenge_gone';

/** L1–L4: the second step of signing in, after a correct password. */
export function TwoFactorChallengePage() {
  const [recoveryCodesRemaining, setRecoveryCodesRemaining] = useState<number | null>(null);
  if (recoveryCodesRemaining !== null) return <RecoveryCodeUsed remaining={recoveryCodesRemaining} />;
  return <ChallengeForm onRecoveryCodeUsed={setRecoveryCodesRemaining} />;
}

function ChallengeForm({ onRecoveryCodeUsed }: { onRecoveryCodeUsed: (remaining: number) => void }) {
  const { refresh } = useSessionState();
  const next = useSearchParam('next');
  const [kind, setKind] = useState<CodeKind>('authenticator');
  const [code, setCode] = useState('');
  const [lockedUntil, setLockedUntil] = useState<Date | null>(null);
  const form = useForm();
  const field = fieldFor[kind];
  const signInAgainPath = withQuery('/login', { next });

  const submit = form.handleSubmit(
    async () => {
      setLockedUntil(null);
      let result: SecondStepResult;
      try {
        result = await completeSecondStep(compactCode(code));
      } catch (error) {
        throw explain(error, kind, setLockedUntil);
      }
      const remaining = result.recoveryCodesRemaining;
      // R7: say how many recovery codes are left, unless none are: then the app shows the page
      // that asks for a new set (R6) as soon as the session is reloaded.
      if (remaining !== undefined && remaining > 0) onRecoveryCodeUsed(remaining);
      // The app's guard moves a signed-in person on to `next` (or their settings).
      else await refresh();
    },
    () => ({ code: checkSecondFactorCode(code, kind) }),
  );

  function switchKind() {
    setKind(kind === 'authenticator' ? 'recovery_code' : 'authenticator');
    setCode('');
    form.reset();
    form.formRef.current?.querySelector<HTMLInputElement>('input[name="code"]')?.focus();
  }

  return (
    <AuthLayout
      title="Two-factor authentication"
      intro={
        <p>
          {kind === 'authenticator'
            ? 'Your account is protected with two-factor authentication. Enter the code from your authenticator app to finish signing in.'
            : 'Lost access to your authenticator app? Sign in with one of your recovery codes instead.'}
        </p>
      }
      footer={
        <p>
          <Link to={signInAgainPath}>Sign in with a different account</Link>
        </p>
      }
    >
      <form ref={form.formRef} onSubmit={submit} noValidate>
        {lockedUntil ? <LockedAlert until={lockedUntil} /> : <FormAlert problem={form.problem} fields={['code']} />}
        {form.problem?.code === challengeGoneCode && (
          <p>
            <Link to={signInAgainPath}>Sign in again</Link>
          </p>
        )}
        <TextField
          label={field.label}
          name="code"
          hint={field.hint}
          autoComplete={field.autoComplete}
          inputMode={field.inputMode}
          autoCapitalize="off"
          spellCheck={false}
          value={code}
          onValueChange={setCode}
          error={form.fieldErrors.code}
        />
        <p>
          <button type="button" className="button-link" onClick={switchKind}>
            {field.switchLabel}
          </button>
        </p>
        <div className="form-actions">
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Checking…">
            Verify
          </SubmitButton>
        </div>
      </form>
    </AuthLayout>
  );
}

/** Turns the server's answer into what this page says; remembers when a lock (L3) ends. */
function explain(error: unknown, kind: CodeKind, setLockedUntil: (until: Date) => void): unknown {
  if (!isApiError(error)) return error;
  const { problem } = error;
  switch (problem.code) {
    case 'rate_limited':
      setLockedUntil(lockEndsAt(problem.retryAfterSeconds));
      return error;
    case 'invalid_code':
      if (kind === 'authenticator') return error;
      return new ApiError({ ...problem, errors: [{ field: 'code', message: 'That recovery code is not correct, or it was already used.' }] });
    case 'unauthenticated':
      return new ApiError({
        ...problem,
        code: challengeGoneCode,
        title: 'This sign-in has expired or was already completed. Sign in again with your e-mail and password.',
      });
    default:
      return error;
  }
}

/** L3: after too many wrong codes every try is refused until the lock ends, a right code included. */
function LockedAlert({ until }: { until: Date }) {
  return (
    <div className="alert alert-error" role="alert" tabIndex={-1}>
      <p>Too many wrong codes. For your security, signing in to this account is {describeLockEnd(until)}.</p>
      <p>Wait until then and try again with a current code.</p>
    </div>
  );
}

/** R7: signed in with a recovery code; say how many are left before going on. */
function RecoveryCodeUsed({ remaining }: { remaining: number }) {
  const { refresh } = useSessionState();
  const [isContinuing, setContinuing] = useState(false);

  async function continueToApp() {
    setContinuing(true);
    // Reloading the session lets the app's guard move on to where sign-in normally goes.
    await refresh();
    setContinuing(false);
  }

  return (
    <AuthLayout title="Signed in with a recovery code" isHeadingFocusedOnMount>
      <StatusMessage tone="info">
        <p>
          You have {remaining} recovery {remaining === 1 ? 'code' : 'codes'} left. The code you used no longer works.
        </p>
      </StatusMessage>
      {remaining <= 3 && <p>Generate a new set in your security settings before you run out.</p>}
      <div className="form-actions">
        <button type="button" className="button button-primary" onClick={continueToApp} disabled={isContinuing}>
          Continue
        </button>
      </div>
    </AuthLayout>
  );
}
