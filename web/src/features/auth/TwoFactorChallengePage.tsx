import { useEffect, useId, useRef, useState } from 'react';
import { ApiError, describeProblem, isApiError, toProblem, withQuery, type Problem } from '../../api/client';
import { CheckboxField } from '../../components/CheckboxField';
import { FormAlert } from '../../components/FormAlert';
import { checkSecondFactorCode, checkTextedCode, compactCode, describeLockEnd, describeTextThrottle, lockEndsAt } from '../../components/one-time-code';
import { StatusMessage } from '../../components/StatusMessage';
import { SubmitButton } from '../../components/SubmitButton';
import { TextField } from '../../components/TextField';
import { formatSeconds, useCountdown } from '../../components/use-countdown';
import { useFocusFieldOnMount } from '../../components/use-focus-field-on-mount';
import { useForm } from '../../components/use-form';
import { signOut } from '../../api/session';
import { Link, navigate, useSearchParam } from '../../router/router';
import { useSessionState } from '../../session/session-context';
import { completeSecondStep, sendSignInText, type SecondStepResult } from './auth-api';
import { AuthLayout } from './AuthLayout';
import { leaveForRememberedReturn } from './return-after-sign-in';
import { forgetSigningInAs, signingInAs } from './signing-in-as';
import { SecurityKeyChallenge } from '../webauthn/SecurityKeyChallenge';

type CodeKind = 'authenticator' | 'sms' | 'recovery_code';

// L2: one field takes every kind of code (the server tells them apart); the switch only changes
// what the field asks for, so people who lost their phone are told what to type.
const fieldFor = {
  authenticator: {
    label: 'Code from the app',
    hint: 'Open your authenticator app and enter the 6-digit code it shows for this account. It is checked as soon as you type the sixth digit.',
    inputMode: 'numeric',
    autoComplete: 'one-time-code',
    switchLabel: 'Use your authenticator app',
    intro: 'Your account is protected with two-factor authentication. Enter the code from your authenticator app to finish signing in.',
  },
  sms: {
    label: 'Code from the text message',
    hint: 'The 6- or 7-digit code in the message from Tessera. It works for 5 minutes.',
    inputMode: 'numeric',
    autoComplete: 'one-time-code',
    switchLabel: 'Get a code by text message',
    intro: 'Your account is protected with two-factor authentication. We text a code to your phone to finish signing in.',
  },
  recovery_code: {
    label: 'Recovery code',
    hint: 'One of the codes you saved when you turned on two-factor authentication, like 1234-5678. Each code works once.',
    // Recovery codes are shown with a dash, which a numeric keypad may not offer.
    inputMode: 'text',
    autoComplete: 'off',
    switchLabel: 'Use a recovery code',
    intro: 'Lost access to your phone or app? Sign in with one of your recovery codes instead.',
  },
} as const;

/** S2: a new text may be asked for once a minute. */
const resendIntervalInSeconds = 60;

/** Our own code for a problem the server reports as `unauthenticated` here: no challenge to answer. */
const challengeGoneCode = 'challenge_gone';

/**
 * The kinds of code this member can give, from the methods the password step named (carried in
 * the address). Recovery codes always work; an address without methods means an authenticator.
 */
export function offeredKinds(methods: string | null): CodeKind[] {
  const named = (methods ?? '').split(',').filter(Boolean);
  const kinds: CodeKind[] = [];
  if (named.length === 0 || named.includes('totp')) kinds.push('authenticator');
  if (named.includes('sms')) kinds.push('sms');
  kinds.push('recovery_code');
  return kinds;
}

/** B2: the days the organization lets a browser skip this step (from the address; 0: not offered). */
function rememberDaysOf(value: string | null): number {
  const days = Number(value ?? 0);
  return Number.isInteger(days) && days > 0 && days <= 30 ? days : 0;
}

/** L1–L4: the second step of signing in, after a correct password. */
export function TwoFactorChallengePage() {
  const [recoveryCodesRemaining, setRecoveryCodesRemaining] = useState<number | null>(null);
  if (recoveryCodesRemaining !== null) return <RecoveryCodeUsed remaining={recoveryCodesRemaining} />;
  return <ChallengeForm onRecoveryCodeUsed={setRecoveryCodesRemaining} />;
}

function ChallengeForm({ onRecoveryCodeUsed }: { onRecoveryCodeUsed: (remaining: number) => void }) {
  const { refresh } = useSessionState();
  const next = useSearchParam('next');
  const methods = useSearchParam('methods');
  const kinds = offeredKinds(methods);
  const [kind, setKind] = useState<CodeKind>(kinds[0] ?? 'authenticator');
  // W2: a security key or passkey is offered first; the codes are one click away.
  const offersKey = (methods ?? '').split(',').includes('webauthn');
  const [isUsingKey, setUsingKey] = useState(offersKey);
  const [code, setCode] = useState('');
  const rememberDays = rememberDaysOf(useSearchParam('remember'));
  const [isRemembering, setIsRemembering] = useState(false);
  const [lockedUntil, setLockedUntil] = useState<Date | null>(null);
  const form = useForm();
  const field = fieldFor[kind];
  const signInAgainPath = withQuery('/login', { next });
  const account = signingInAs();
  useFocusFieldOnMount(form.formRef, 'code');
  const lastAutoSubmitted = useRef<string | null>(null);

  const submit = form.handleSubmit(
    async () => {
      setLockedUntil(null);
      let result: SecondStepResult;
      try {
        result = await completeSecondStep(compactCode(code), isRemembering && kind !== 'recovery_code');
      } catch (error) {
        throw explain(error, kind, setLockedUntil);
      }
      const remaining = result.recoveryCodesRemaining;
      // R7: say how many recovery codes are left, unless none are: then the app shows the page
      // that asks for a new set (R6) as soon as the session is reloaded.
      if (remaining !== undefined && remaining > 0) onRecoveryCodeUsed(remaining);
      // O3: back to the application that sent the person here; otherwise the app's guard moves
      // a signed-in person on to `next` (or their settings).
      else if (!(await leaveForRememberedReturn())) await refresh();
      forgetSigningInAs();
    },
    () => ({ code: kind === 'sms' ? checkTextedCode(code) : checkSecondFactorCode(code, kind) }),
  );

  function codeInput(): HTMLInputElement | null | undefined {
    return form.formRef.current?.querySelector<HTMLInputElement>('input[name="code"]');
  }

  function focusCodeField() {
    codeInput()?.focus();
  }

  // Issue 17 item 3: an authenticator code is sent by itself once its sixth digit is typed (as
  // GitHub and GitLab do). Never for recovery codes (8 digits) or texted codes (6 or 7), and
  // only once per typed code: after a wrong one, Verify sends it again on purpose.
  useEffect(() => {
    const compact = compactCode(code);
    if (kind !== 'authenticator' || !/^\d{6}$/.test(compact) || lastAutoSubmitted.current === compact) return;
    lastAutoSubmitted.current = compact;
    form.formRef.current?.requestSubmit();
  }, [code, kind, form.formRef]);

  // A refused code is selected, so the next one typed replaces it.
  useEffect(() => {
    if (form.fieldErrors.code) codeInput()?.select();
  }, [form.fieldErrors.code]);

  function switchKind(nextKind: CodeKind) {
    setUsingKey(false);
    setKind(nextKind);
    setCode('');
    lastAutoSubmitted.current = null;
    form.reset();
    focusCodeField();
  }

  return (
    <AuthLayout
      title="Two-factor authentication"
      intro={
        <>
          {account && (
            <p className="signing-in-as">
              Signing in as <strong>{account}</strong>
            </p>
          )}
          <p>{isUsingKey ? 'Your account is protected with two-factor authentication. Finish signing in with your security key or passkey.' : field.intro}</p>
        </>
      }
      footer={
        <p>
          <Link
            to={signInAgainPath}
            onClick={(event) => {
              // The server ends this half-done sign-in first, so its cookie cannot finish it later.
              event.preventDefault();
              forgetSigningInAs();
              void signOut()
                .catch(() => undefined)
                .finally(() => navigate(signInAgainPath));
            }}
          >
            Sign in with a different account
          </Link>
        </p>
      }
    >
      {isUsingKey && (
        <>
          <SecurityKeyChallenge
            rememberDays={rememberDays}
            onSignedIn={async () => {
              if (!(await leaveForRememberedReturn())) await refresh();
            }}
          />
          <ul className="challenge-switches">
            {kinds.map((other) => (
              <li key={other}>
                <button type="button" className="button-link" onClick={() => switchKind(other)}>
                  {fieldFor[other].switchLabel}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <form ref={form.formRef} onSubmit={submit} noValidate hidden={isUsingKey}>
        {lockedUntil ? <LockedAlert until={lockedUntil} /> : <FormAlert problem={form.problem} fields={['code']} />}
        {form.problem?.code === challengeGoneCode && (
          <p>
            <Link to={signInAgainPath}>Sign in again</Link>
          </p>
        )}
        {kind === 'sms' && <TextMeACode onSent={focusCodeField} onChallengeGone={() => form.reset()} />}
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
        {kind === 'recovery_code' && (
          <p className="field-hint">
            Lost your phone and your recovery codes? Ask an administrator of your organization to reset two-factor authentication for your account;
            you then sign in with your password and set it up again.
          </p>
        )}
        {rememberDays > 0 && kind !== 'recovery_code' && (
          <CheckboxField
            label={`Don't ask again on this browser for ${rememberDays} ${rememberDays === 1 ? 'day' : 'days'}`}
            name="rememberBrowser"
            checked={isRemembering}
            onCheckedChange={setIsRemembering}
            hint="Only on a browser you alone use. Your password is still asked for; you can forget this browser under Security."
          />
        )}
        <ul className="challenge-switches">
          {offersKey && (
            <li>
              <button type="button" className="button-link" onClick={() => setUsingKey(true)}>
                Use your security key or passkey
              </button>
            </li>
          )}
          {kinds
            .filter((other) => other !== kind)
            .map((other) => (
              <li key={other}>
                <button type="button" className="button-link" onClick={() => switchKind(other)}>
                  {fieldFor[other].switchLabel}
                </button>
              </li>
            ))}
        </ul>
        <div className="form-actions">
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Checking…">
            Verify
          </SubmitButton>
        </div>
      </form>
    </AuthLayout>
  );
}

type SendState =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'sent'; phoneNumber: string | null; count: number }
  | { kind: 'failed'; message: string; isChallengeGone: boolean };

/** S1, S2: texts a sign-in code on request, then waits a minute before offering another. */
function TextMeACode({ onSent, onChallengeGone }: { onSent: () => void; onChallengeGone: () => void }) {
  const [state, setState] = useState<SendState>({ kind: 'idle' });
  const [lastSent, setLastSent] = useState<{ phoneNumber: string | null; count: number } | null>(null);
  const { secondsLeft, startCountdown } = useCountdown();
  const countdownId = useId();

  async function send() {
    setState({ kind: 'sending' });
    try {
      const answer = await sendSignInText();
      const sent = { phoneNumber: answer.phoneNumber ?? null, count: (lastSent?.count ?? 0) + 1 };
      setLastSent(sent);
      setState({ kind: 'sent', ...sent });
      startCountdown(resendIntervalInSeconds);
      onSent();
    } catch (error) {
      const problem = toProblem(error);
      if (problem.code === 'rate_limited') startCountdown(problem.retryAfterSeconds ?? resendIntervalInSeconds);
      if (problem.code === 'unauthenticated') onChallengeGone();
      setState({ kind: 'failed', message: describeSendProblem(problem), isChallengeGone: problem.code === 'unauthenticated' });
    }
  }

  const destination = lastSent?.phoneNumber ? `to ${lastSent.phoneNumber}` : 'to your phone';
  return (
    <div className="text-me-a-code">
      <div role="status">
        {state.kind === 'sent' && (
          <div className="alert alert-success">
            <p>
              {state.count === 1 ? 'We sent a code' : 'We sent a new code'} {destination}. {state.count > 1 && 'Earlier codes no longer work. '}It
              works for 5 minutes.
            </p>
          </div>
        )}
      </div>
      {state.kind === 'failed' && (
        <div className="alert alert-error" role="alert">
          <p>{state.message}</p>
        </div>
      )}
      {!(state.kind === 'failed' && state.isChallengeGone) && (
        <p className="text-me-a-code-actions">
          <button
            type="button"
            className={lastSent === null ? 'button button-primary' : 'button button-secondary button-small'}
            onClick={send}
            disabled={state.kind === 'sending' || secondsLeft > 0}
            aria-describedby={secondsLeft > 0 ? countdownId : undefined}
          >
            {state.kind === 'sending' ? 'Sending…' : lastSent === null ? 'Text me a code' : 'Send a new code'}
          </button>
          {secondsLeft > 0 && (
            <span id={countdownId} className="muted">
              You can ask for a new code in {formatSeconds(secondsLeft)}.
            </span>
          )}
        </p>
      )}
    </div>
  );
}

function describeSendProblem(problem: Problem): string {
  switch (problem.code) {
    case 'rate_limited':
      return describeTextThrottle(problem.retryAfterSeconds);
    case 'unauthenticated':
      return 'This sign-in has expired or was already completed. Sign in again with your e-mail and password.';
    case 'sms_delivery_failed':
      return 'The text message could not be sent. Try again in a moment, or use another way to sign in.';
    case 'sms_not_allowed':
      return 'Your organization no longer allows text messages. Use your authenticator app or a recovery code.';
    case 'sms_limit_reached':
      return 'No more text messages can be sent today. Use your authenticator app or a recovery code.';
    default:
      return describeProblem(problem);
  }
}

/** Turns the server's answer into what this page says; remembers when a lock (L3) ends. */
function explain(error: unknown, kind: CodeKind, setLockedUntil: (until: Date) => void): unknown {
  if (!isApiError(error)) return error;
  const { problem } = error;
  switch (problem.code) {
    case 'rate_limited':
      setLockedUntil(lockEndsAt(problem.retryAfterSeconds));
      return error;
    case 'code_already_used':
      // T5: a right code whose 30 seconds were already used (a second sign-in within the same step).
      return new ApiError({ ...problem, errors: [{ field: 'code', message: 'This code was just used — wait for the next one.' }] });
    case 'invalid_code':
      if (kind === 'authenticator') return error;
      if (kind === 'sms') {
        return new ApiError({ ...problem, errors: [{ field: 'code', message: 'That code is not correct, or it has expired. Ask for a new code if you need one.' }] });
      }
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
    if (await leaveForRememberedReturn()) return;
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
