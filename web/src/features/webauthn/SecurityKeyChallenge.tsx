import { useState } from 'react';
import { CheckboxField } from '../../components/CheckboxField';
import { describeCeremonyFailure } from './ceremony-problem';
import { completeSecondStepWithKey } from './webauthn-api';

interface SecurityKeyChallengeProps {
  /** B2: days "don't ask again" would last; 0: not offered. */
  rememberDays: number;
  onSignedIn: () => Promise<void>;
  onChallengeGone?: () => void;
}

/**
 * W2: the second step with a security key or passkey, offered first on the challenge page; the
 * page keeps the other methods one click away.
 */
export function SecurityKeyChallenge({ rememberDays, onSignedIn, onChallengeGone }: SecurityKeyChallengeProps) {
  const [isWaiting, setWaiting] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [isRemembering, setRemembering] = useState(false);

  async function useKey() {
    setWaiting(true);
    setFailure(null);
    try {
      await completeSecondStepWithKey(isRemembering);
      await onSignedIn();
    } catch (error) {
      const described = describeCeremonyFailure(error, 'second_step');
      setFailure(described.message);
      if (described.isChallengeGone) onChallengeGone?.();
    } finally {
      setWaiting(false);
    }
  }

  return (
    <div className="security-key-challenge">
      <p>Use the security key or passkey you added to your account. Your browser will ask you to touch the key or confirm it’s you.</p>
      {failure && (
        <div className="alert alert-error" role="alert" tabIndex={-1}>
          <p>{failure}</p>
        </div>
      )}
      {rememberDays > 0 && (
        <CheckboxField
          label={`Don't ask again on this browser for ${rememberDays} ${rememberDays === 1 ? 'day' : 'days'}`}
          name="rememberBrowser"
          checked={isRemembering}
          onCheckedChange={setRemembering}
          hint="Only on a browser you alone use. Your password is still asked for; you can forget this browser under Security."
        />
      )}
      <div className="form-actions">
        <button type="button" className="button button-primary" onClick={() => void useKey()} disabled={isWaiting} aria-busy={isWaiting || undefined}>
          {isWaiting ? 'Waiting for your key…' : 'Use your security key or passkey'}
        </button>
      </div>
    </div>
  );
}
