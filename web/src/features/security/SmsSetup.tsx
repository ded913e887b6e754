import { useState } from 'react';
import type { CountryCode } from 'libphonenumber-js/mobile';
import { ApiError, isApiError, toProblem, type Problem } from '../../api/client';
import { FormAlert } from '../../components/FormAlert';
import { checkTextedCode, compactCode, describeTextThrottle } from '../../components/one-time-code';
import { OneTimeCodeField } from '../../components/OneTimeCodeField';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useReauthentication } from '../../components/reauthentication';
import { SelectField } from '../../components/SelectField';
import { StatusMessage } from '../../components/StatusMessage';
import { SubmitButton } from '../../components/SubmitButton';
import { TextField } from '../../components/TextField';
import { formatSeconds, useCountdown } from '../../components/use-countdown';
import { useFocusOnMount } from '../../components/use-focus-on-mount';
import { useForm } from '../../components/use-form';
import { useSession } from '../../session/session-context';
import { allowedCountryOptions, callingCodeOf, checkPhoneNumber, exampleNumberFor, guessCountry, type CountryOption } from './phone-number';
import { confirmSmsEnrollment, startSmsEnrollment, type SmsConfirmation } from './two-factor-api';

/** S2: texts may be asked for again once a minute. */
const resendIntervalInSeconds = 60;

/** Our own code for a confirmation the server no longer has (`not_found`): the number must be texted again. */
const enrollmentGoneCode = 'sms_enrollment_gone';

interface SmsSetupProps {
  /** The number now receives codes; recovery codes come when it is the first factor. */
  onConfirmed: (confirmation: SmsConfirmation) => void;
  onCancel: () => void;
  /** Replacing an active number ("Change number") rather than adding the first one. */
  isReplacing?: boolean;
  /** What leaving this setup does, when it is not simply cancelling (P5: back to the app). */
  cancelLabel?: string;
}

type Step = { kind: 'number' } | { kind: 'code'; phoneNumber: string; displayNumber: string; country: CountryCode };

/** S1: a phone number (country and number), then the code texted to it; nothing is active before that. */
export function SmsSetup({ onConfirmed, onCancel, isReplacing = false, cancelLabel = 'Cancel' }: SmsSetupProps) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const [step, setStep] = useState<Step>({ kind: 'number' });
  // Issue 10 item 6: only the countries the organization allows are offered.
  const allowedCountries = useSession().organization.twoFactor.smsAllowedCountries ?? null;
  const countries = allowedCountryOptions(allowedCountries);
  const [country, setCountry] = useState<CountryCode>(() => guessCountry(countries));
  const [typed, setTyped] = useState('');
  const { secondsLeft, startCountdown } = useCountdown();

  return (
    <div className="two-factor-panel">
      <h3 ref={headingRef} tabIndex={-1}>
        {isReplacing ? 'Change your phone number' : 'Set up text messages'}
      </h3>
      {step.kind === 'number' ? (
        <NumberStep
          countries={countries}
          allowedCountries={allowedCountries}
          country={country}
          typed={typed}
          onCountryChange={setCountry}
          onTypedChange={setTyped}
          onSent={(phoneNumber, displayNumber) => {
            startCountdown(resendIntervalInSeconds);
            setStep({ kind: 'code', phoneNumber, displayNumber, country });
          }}
          secondsUntilResend={secondsLeft}
          onRetryAfter={startCountdown}
          onCancel={onCancel}
          cancelLabel={cancelLabel}
        />
      ) : (
        <CodeStep
          key={step.phoneNumber}
          phoneNumber={step.displayNumber}
          onResend={async () => {
            await startSmsEnrollment(step.phoneNumber, step.country);
            startCountdown(resendIntervalInSeconds);
          }}
          secondsUntilResend={secondsLeft}
          onRetryAfter={startCountdown}
          onChangeNumber={() => setStep({ kind: 'number' })}
          onConfirmed={onConfirmed}
          onCancel={onCancel}
          cancelLabel={cancelLabel}
        />
      )}
    </div>
  );
}

interface NumberStepProps {
  countries: readonly CountryOption[];
  allowedCountries: readonly string[] | null;
  country: CountryCode;
  typed: string;
  onCountryChange: (country: CountryCode) => void;
  onTypedChange: (typed: string) => void;
  onSent: (phoneNumber: string, displayNumber: string) => void;
  secondsUntilResend: number;
  onRetryAfter: (seconds: number) => void;
  onCancel: () => void;
  cancelLabel: string;
}

function NumberStep({ countries, allowedCountries, country, typed, onCountryChange, onTypedChange, onSent, secondsUntilResend, onRetryAfter, onCancel, cancelLabel }: NumberStepProps) {
  const { withReauthentication } = useReauthentication();
  const form = useForm();
  const example = exampleNumberFor(country);
  const check = checkPhoneNumber(country, typed, allowedCountries);

  const submit = form.handleSubmit(
    async () => {
      if (!check.ok) return;
      try {
        const enrollment = await withReauthentication(() => startSmsEnrollment(check.e164, country));
        // Shown as people read it ("+41 79 123 45 67"); the server's E.164 is what gets texted.
        onSent(enrollment.phoneNumber, enrollment.phoneNumber === check.e164 ? check.international : enrollment.phoneNumber);
      } catch (error) {
        const explained = explainSendProblem(error);
        const problem = toProblem(explained);
        if (problem.code === resendWaitCode) onRetryAfter(problem.retryAfterSeconds ?? resendIntervalInSeconds);
        throw explained;
      }
    },
    () => ({ phoneNumber: check.ok ? undefined : check.message }),
  );

  return (
    <form ref={form.formRef} onSubmit={submit} noValidate className="narrow-form">
      <p>We will text a code to this number to check it. Standard text-message rates may apply.</p>
      <FormAlert problem={form.problem} fields={['phoneNumber', 'country']} />
      <fieldset className="phone-field">
        <legend>Mobile phone number</legend>
        <SelectField
          label="Country"
          name="country"
          value={country}
          options={countries}
          onValueChange={onCountryChange}
          error={form.fieldErrors.country}
        />
        <TextField
          label="Phone number"
          name="phoneNumber"
          type="tel"
          autoComplete="tel-national"
          inputMode="tel"
          hint={`Without the country code ${callingCodeOf(country)}${example ? `, for example ${example}` : ''}.`}
          value={typed}
          onValueChange={onTypedChange}
          error={form.fieldErrors.phoneNumber}
        />
      </fieldset>
      <p className="muted phone-preview" aria-live="polite">
        {check.ok ? `Codes will be texted to ${check.international}.` : ''}
      </p>
      <div className="form-actions">
        <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Sending…">
          Text me a code
        </SubmitButton>
        <button type="button" className="button button-secondary" onClick={onCancel}>
          {cancelLabel}
        </button>
      </div>
      {secondsUntilResend > 0 && <p className="muted">You can ask for a new code in {formatSeconds(secondsUntilResend)}.</p>}
    </form>
  );
}

interface CodeStepProps {
  phoneNumber: string;
  onResend: () => Promise<void>;
  secondsUntilResend: number;
  onRetryAfter: (seconds: number) => void;
  onChangeNumber: () => void;
  onConfirmed: (confirmation: SmsConfirmation) => void;
  onCancel: () => void;
  cancelLabel: string;
}

function CodeStep({ phoneNumber, onResend, secondsUntilResend, onRetryAfter, onChangeNumber, onConfirmed, onCancel, cancelLabel }: CodeStepProps) {
  const { organization } = useSession();
  const { withReauthentication } = useReauthentication();
  const codeLength = organization.twoFactor.smsCodeLength;
  const [code, setCode] = useState('');
  const [resendState, setResendState] = useState<{ kind: 'idle' } | { kind: 'sending' } | { kind: 'sent' } | { kind: 'failed'; problem: Problem }>({
    kind: 'idle',
  });
  const form = useForm();

  const submit = form.handleSubmit(
    async () => {
      try {
        onConfirmed(await confirmSmsEnrollment(compactCode(code)));
      } catch (error) {
        if (isApiError(error, 'not_found')) {
          throw new ApiError({ ...error.problem, code: enrollmentGoneCode, title: 'This code has expired. Send a new code, or check the number again.' });
        }
        throw error;
      }
    },
    () => ({ code: checkTextedCode(code, codeLength) }),
  );

  async function resend() {
    setResendState({ kind: 'sending' });
    try {
      await withReauthentication(onResend);
      setResendState({ kind: 'sent' });
    } catch (error) {
      const problem = toProblem(explainSendProblem(error));
      if (problem.code === resendWaitCode) onRetryAfter(problem.retryAfterSeconds ?? 60);
      setResendState({ kind: 'failed', problem });
    }
  }

  return (
    <>
      <StatusMessage tone="info">
        <p>
          We texted a {codeLength ? `${codeLength}-digit ` : ''}code to <strong>{phoneNumber}</strong>. It works for 5 minutes.
        </p>
      </StatusMessage>
      <form ref={form.formRef} onSubmit={submit} noValidate className="narrow-form">
        <FormAlert problem={form.problem} fields={['code']} />
        <OneTimeCodeField
          label="Code from the text message"
          hint={`The ${codeLength ?? '6- or 7'}-digit code in the message from Tessera.`}
          value={code}
          onValueChange={setCode}
          error={form.fieldErrors.code}
        />
        <div className="form-actions">
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Checking…">
            Confirm number
          </SubmitButton>
          <button type="button" className="button button-secondary" onClick={onCancel}>
            {cancelLabel}
          </button>
        </div>
      </form>
      <div className="resend-row">
        <p className="muted">No message?</p>
        <div className="button-row">
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={resend}
            disabled={secondsUntilResend > 0 || resendState.kind === 'sending'}
          >
            {resendState.kind === 'sending' ? 'Sending…' : 'Send a new code'}
          </button>
          <button type="button" className="button-link" onClick={onChangeNumber}>
            Use a different number
          </button>
        </div>
        {/* The countdown is not announced every second; the outcome of a resend is. */}
        {secondsUntilResend > 0 && <p className="muted">You can ask for a new code in {formatSeconds(secondsUntilResend)}.</p>}
        <div role="status">{resendState.kind === 'sent' && <p>A new code is on its way. The previous one no longer works.</p>}</div>
        {resendState.kind === 'failed' && <ProblemAlert problem={resendState.problem} />}
      </div>
    </>
  );
}

/** Our own codes for answers this page words itself (the shared catalogue would say it more vaguely). */
const resendWaitCode = 'text_resend_wait';
const deliveryFailedCode = 'text_delivery_failed';
const limitReachedCode = 'text_limit_reached';

/** S2–S4: the answers a texted code can meet, in words for this page. */
export function explainSendProblem(error: unknown): unknown {
  if (!isApiError(error)) return error;
  const { problem } = error;
  switch (problem.code) {
    case 'sms_delivery_failed':
      return new ApiError({ ...problem, code: deliveryFailedCode, title: 'The text message could not be sent. Check the number, or try again in a moment.' });
    case 'rate_limited':
      return new ApiError({ ...problem, code: resendWaitCode, title: describeTextThrottle(problem.retryAfterSeconds) });
    case 'sms_limit_reached': {
      // Issue 10 item 6: a daily cap of the organization or of the service, not this member's doing.
      const hours = Math.max(1, Math.ceil((problem.retryAfterSeconds ?? 0) / 3600));
      return new ApiError({ ...problem, code: limitReachedCode, title: `No more text messages can be sent today. Try again in ${hours} ${hours === 1 ? 'hour' : 'hours'}, or use an authenticator app or a recovery code.` });
    }
    default:
      return error;
  }
}
