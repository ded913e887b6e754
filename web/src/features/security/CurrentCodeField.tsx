import type { RefObject } from 'react';
import { ApiError, isApiError } from '../../api/client';
import { describeLockEnd, lockEndsAt } from '../../components/one-time-code';
import { OneTimeCodeField } from '../../components/OneTimeCodeField';
import { TextMeACodeButton } from './TextMeACodeButton';

interface CurrentCodeFieldProps {
  label: string;
  hint: string;
  /** Only digits (the authenticator's code) are expected: the numeric keyboard. */
  isNumeric?: boolean;
  code: string;
  onCodeChange: (code: string) => void;
  error: string | undefined;
  /** S2: the member's phone receives codes, so "Text me a code" is offered beside the field. */
  canTextCode: boolean;
  formRef: RefObject<HTMLFormElement | null>;
}

/** D1: the current code that confirms a change to two-factor settings, with "Text me a code" when texts are on. */
export function CurrentCodeField({ label, hint, isNumeric = false, code, onCodeChange, error, canTextCode, formRef }: CurrentCodeFieldProps) {
  return (
    <>
      <OneTimeCodeField label={label} hint={hint} isNumeric={isNumeric} value={code} onValueChange={onCodeChange} error={error} />
      {canTextCode && <TextMeACodeButton onSent={() => formRef.current?.querySelector<HTMLInputElement>('input[name="code"]')?.focus()} />}
    </>
  );
}

/** The kinds of code a member can give to confirm a change, in one sentence. */
export function describeAcceptedCodes(hasAuthenticator: boolean, canTextCode: boolean): string {
  const kinds = [hasAuthenticator ? 'the 6-digit code from your authenticator app' : null, canTextCode ? 'a code we text you' : null, 'one of your recovery codes'].filter(
    (kind): kind is string => kind !== null,
  );
  const sentence = kinds.length === 1 ? kinds[0]! : `${kinds.slice(0, -1).join(', ')} or ${kinds.at(-1)!}`;
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}

/** L3: wrong codes here count towards the same lock as at sign-in; the refusal says when it ends. */
export function explainSecondFactorLock(error: unknown): unknown {
  if (!isApiError(error, 'rate_limited')) return error;
  const until = lockEndsAt(error.problem.retryAfterSeconds);
  return new ApiError({ ...error.problem, code: 'second_factor_locked', title: `Too many wrong codes: two-factor authentication is ${describeLockEnd(until)}.` });
}
