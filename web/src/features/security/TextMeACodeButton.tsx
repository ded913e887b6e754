import { useId, useState } from 'react';
import { describeProblem, toProblem, type Problem } from '../../api/client';
import { describeTextThrottle } from '../../components/one-time-code';
import { formatSeconds, useCountdown } from '../../components/use-countdown';
import { textConfirmationCode } from './two-factor-api';

/** S2: a new text may be asked for once a minute. */
const resendIntervalInSeconds = 60;

type SendState = { kind: 'idle' } | { kind: 'sending' } | { kind: 'sent'; to: string; count: number } | { kind: 'failed'; problem: Problem };

/**
 * For a signed-in member whose phone receives codes: texts a code on request, to confirm a change
 * (like the seed's "enter the code you receive via text … then click Delete"), then waits a minute.
 */
export function TextMeACodeButton({ onSent }: { onSent?: () => void }) {
  const [state, setState] = useState<SendState>({ kind: 'idle' });
  const [count, setCount] = useState(0);
  const { secondsLeft, startCountdown } = useCountdown();
  const countdownId = useId();

  async function send() {
    setState({ kind: 'sending' });
    try {
      const sent = await textConfirmationCode();
      setCount(count + 1);
      setState({ kind: 'sent', to: sent.phoneNumber, count: count + 1 });
      startCountdown(resendIntervalInSeconds);
      onSent?.();
    } catch (error) {
      const problem = toProblem(error);
      if (problem.code === 'rate_limited') startCountdown(problem.retryAfterSeconds ?? resendIntervalInSeconds);
      setState({ kind: 'failed', problem });
    }
  }

  return (
    <div className="text-me-a-code">
      <p className="button-row">
        <button
          type="button"
          className="button button-secondary button-small"
          onClick={send}
          disabled={state.kind === 'sending' || secondsLeft > 0}
          aria-describedby={secondsLeft > 0 ? countdownId : undefined}
        >
          {state.kind === 'sending' ? 'Sending…' : count === 0 ? 'Text me a code' : 'Send a new code'}
        </button>
        {secondsLeft > 0 && (
          <span id={countdownId} className="muted">
            You can ask for a new code in {formatSeconds(secondsLeft)}.
          </span>
        )}
      </p>
      <div role="status">
        {state.kind === 'sent' && (
          <p className="muted">
            We sent a code to {state.to}. {state.count > 1 && 'Earlier codes no longer work. '}It works for 5 minutes.
          </p>
        )}
      </div>
      {state.kind === 'failed' && (
        <p className="field-error" role="alert">
          {state.problem.code === 'rate_limited' ? describeTextThrottle(state.problem.retryAfterSeconds) : describeProblem(state.problem)}
        </p>
      )}
    </div>
  );
}
