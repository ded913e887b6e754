import { checkAnyCurrentCode, checkSecondFactorCode } from '../../components/one-time-code';
import { ConfirmWithCodeDialog } from './ConfirmWithCodeDialog';
import { describeAcceptedCodes } from './CurrentCodeField';
import { turnOffTwoFactor } from './two-factor-api';

interface TurnOffDialogProps {
  hasAuthenticator: boolean;
  /** S2: the member's phone receives codes, so a texted code can confirm this. */
  canTextCode: boolean;
  onTurnedOff: () => void;
  onClose: () => void;
}

/** D1: a current code (authenticator or recovery) and a recent password turn it off. */
export function TurnOffDialog({ hasAuthenticator, canTextCode, onTurnedOff, onClose }: TurnOffDialogProps) {
  return (
    <ConfirmWithCodeDialog
      title="Turn off two-factor authentication?"
      description={<p>Signing in will need only your password, and your recovery codes will stop working. Enter a current code to confirm.</p>}
      codeLabel={hasAuthenticator ? 'Code from the app' : 'Current code'}
      codeHint={
        hasAuthenticator && !canTextCode ? 'The 6-digit code your authenticator app shows. You can use a recovery code instead.' : describeAcceptedCodes(hasAuthenticator, canTextCode)
      }
      isNumeric
      canTextCode={canTextCode}
      checkCode={(code) => (hasAuthenticator ? checkSecondFactorCode(code, 'authenticator') : checkAnyCurrentCode(code))}
      confirm={turnOffTwoFactor}
      submitLabel="Turn off"
      busyLabel="Turning off…"
      onConfirmed={onTurnedOff}
      onClose={onClose}
    />
  );
}
