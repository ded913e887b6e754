import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { describeProblem, toProblem, type Problem } from '../../api/client';
import { PageHeading } from '../../components/PageHeading';
import { useReauthentication } from '../../components/reauthentication';
import { ResendVerificationButton } from '../../components/ResendVerificationButton';
import { StatusMessage } from '../../components/StatusMessage';
import { useSession, useSessionState } from '../../session/session-context';
import { NewRecoveryCodes } from './RecoveryCodes';
import { TotpSetup } from './TotpSetup';
import { startTotpEnrollment, type TotpEnrollment } from './two-factor-api';
import { describeRequirer } from './two-factor-requirement';
import { RequiredKeySetup } from '../webauthn/RequiredKeySetup';
import { allowedMethodsOf } from './allowed-methods';
import './security.css';

// The phone-number metadata is large: loaded only when texts are chosen.
const SmsSetup = lazy(async () => ({ default: (await import('./SmsSetup')).SmsSetup }));

type Step =
  | { kind: 'starting' }
  | { kind: 'failed'; problem: Problem }
  | { kind: 'setup'; enrollment: TotpEnrollment }
  | { kind: 'sms_setup' }
  | { kind: 'key_setup' }
  | { kind: 'codes'; codes: string[]; method: 'totp' | 'sms' | 'webauthn' };

/**
 * P5: the member must use two-factor authentication and has not set it up, and this session may
 * do nothing else (it comes straight from the password). Replaces every page (see
 * required-action-views.tsx): the authenticator setup starts at once, text messages are the
 * alternative while the organization allows them (S4), there is no Cancel, and once the recovery
 * codes are saved the session is reloaded and the app goes on to the page that was asked for.
 */
export function TwoFactorSetupRequiredPage() {
  const session = useSession();
  const { refresh } = useSessionState();
  const { withReauthentication } = useReauthentication();
  const [step, setStep] = useState<Step>({ kind: 'starting' });
  const [isRestarting, setRestarting] = useState(false);
  const hasStarted = useRef(false);
  // W5: only the methods the organization counts are offered (the others are refused).
  const allowedMethods = allowedMethodsOf(session.organization);
  const isTotpOffered = allowedMethods.includes('totp');
  const isSmsAllowed = allowedMethods.includes('sms');
  // W5: only a security key or passkey counts; no authenticator setup is started.
  const needsKey = session.organization.twoFactor.requirePhishingResistant === true || (!isTotpOffered && !isSmsAllowed);
  const whatIsNeeded = needsKey ? 'a passkey or a security key' : isTotpOffered ? `an authenticator app on your phone${isSmsAllowed ? ', or a phone that receives text messages' : ''}` : isSmsAllowed ? 'a phone that receives text messages' : 'a passkey or a security key';

  const start = useCallback(async () => {
    try {
      setStep({ kind: 'setup', enrollment: await withReauthentication(startTotpEnrollment) });
    } catch (error) {
      setStep({ kind: 'failed', problem: toProblem(error) });
    }
  }, [withReauthentication]);

  useEffect(() => {
    // Once per page, also when development mode mounts effects twice: a second setup would
    // replace the key on screen (T1).
    if (hasStarted.current) return;
    hasStarted.current = true;
    if (needsKey) setStep({ kind: 'key_setup' });
    else if (isTotpOffered) void start();
    else setStep({ kind: 'sms_setup' });
  }, [start, needsKey, isTotpOffered]);

  async function restart() {
    setRestarting(true);
    await start();
    setRestarting(false);
  }

  return (
    <div className="page page-narrow">
      <PageHeading isFocusedOnMount>Set up two-factor authentication</PageHeading>
      {step.kind !== 'codes' && (
        <p>
          {describeRequirer(session)} requires two-factor authentication for your account. Set it up now to continue: you need {whatIsNeeded}, and it
          takes about a minute.
        </p>
      )}
      <div className="card">
        {step.kind === 'starting' && <p role="status">Preparing your setup…</p>}
        {step.kind === 'failed' && <StartProblem problem={step.problem} email={session.user.email} onRetry={() => void restart()} isRetrying={isRestarting} />}
        {step.kind === 'setup' && (
          <TotpSetup
            key={step.enrollment.secret}
            enrollment={step.enrollment}
            headingLevel={2}
            onEnabled={(codes) => setStep({ kind: 'codes', codes, method: 'totp' })}
            onRestart={() => void restart()}
            isRestarting={isRestarting}
          />
        )}
        {step.kind === 'setup' && isSmsAllowed && !needsKey && (
          <p className="setup-alternative">
            No authenticator app?{' '}
            <button type="button" className="button-link" onClick={() => setStep({ kind: 'sms_setup' })}>
              Use text messages instead
            </button>
          </p>
        )}
        {step.kind === 'key_setup' && !needsKey && isSmsAllowed && (
          <p className="setup-alternative">
            <button type="button" className="button-link" onClick={() => setStep({ kind: 'sms_setup' })}>
              Use text messages instead
            </button>
          </p>
        )}
        {(step.kind === 'key_setup' || step.kind === 'setup') && (
          <RequiredKeySetup
            isOnlyOption={needsKey}
            onAdded={(codes) => {
              if (codes.length > 0) setStep({ kind: 'codes', codes, method: 'webauthn' });
              else void refresh();
            }}
          />
        )}
        {step.kind === 'sms_setup' && (
          <Suspense fallback={<p role="status">Loading…</p>}>
            <SmsSetup
              cancelLabel={isTotpOffered ? 'Use an authenticator app instead' : 'Use a passkey or security key instead'}
              onCancel={() => (isTotpOffered ? void restart() : setStep({ kind: 'key_setup' }))}
              onConfirmed={({ recoveryCodes }) => setStep({ kind: 'codes', codes: recoveryCodes ?? [], method: 'sms' })}
            />
          </Suspense>
        )}
        {step.kind === 'codes' && (
          <div className="two-factor-panel">
            <StatusMessage>
              Two-factor authentication is on. From now on you will be asked for{' '}
              {step.method === 'sms' ? 'a code texted to your phone' : step.method === 'webauthn' ? 'your security key or passkey' : 'a code from your app'} when you sign in.
            </StatusMessage>
            <h2>Save your recovery codes</h2>
            {/* The session still lists the action until it is reloaded, on Continue. */}
            <NewRecoveryCodes codes={step.codes} onFinish={async () => void (await refresh())} finishLabel="Continue" />
          </div>
        )}
      </div>
    </div>
  );
}

interface StartProblemProps {
  problem: Problem;
  email: string;
  onRetry: () => void;
  isRetrying: boolean;
}

function StartProblem({ problem, email, onRetry, isRetrying }: StartProblemProps) {
  if (problem.code === 'email_not_verified') {
    return (
      <div className="alert alert-error" role="alert">
        <p>
          Verify your e-mail address first: open the link we sent to <strong>{email}</strong>, then come back to this page and
          reload it.
        </p>
        <ResendVerificationButton email={email} />
      </div>
    );
  }
  return (
    <>
      <div className="alert alert-error" role="alert">
        <p>{describeProblem(problem)}</p>
      </div>
      <button type="button" className="button button-primary" onClick={onRetry} disabled={isRetrying}>
        {isRetrying ? 'Starting…' : 'Try again'}
      </button>
    </>
  );
}
