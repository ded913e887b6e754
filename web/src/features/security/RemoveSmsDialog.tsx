import { checkAnyCurrentCode } from '../../components/one-time-code';
import { ConfirmWithCodeDialog, explainOnlyMethodRequired } from './ConfirmWithCodeDialog';
import { describeAcceptedCodes } from './CurrentCodeField';
import { removeSmsNumber } from './two-factor-api';

interface RemoveSmsDialogProps {
  /** The masked number, as the server shows it. */
  phoneNumber: string;
  /** Text messages are the member's only method: removing them turns two-factor authentication off. */
  isLastMethod: boolean;
  hasAuthenticator: boolean;
  /** S4: texts are still sent (the organization allows them), so one can confirm this. */
  canTextCode: boolean;
  onRemoved: () => void;
  onClose: () => void;
}

/** Like D1 for one method: deleting a setting needs a current code and a recent password. */
export function RemoveSmsDialog({ phoneNumber, isLastMethod, hasAuthenticator, canTextCode, onRemoved, onClose }: RemoveSmsDialogProps) {
  return (
    <ConfirmWithCodeDialog
      title="Remove your phone number?"
      description={
        <>
          <p>
            Codes will no longer be texted to <strong>{phoneNumber}</strong>.
            {isLastMethod && ' It is your only method, so two-factor authentication turns off and your recovery codes stop working.'}
          </p>
          <p>Enter a current code to confirm.</p>
        </>
      }
      codeLabel="Current code"
      codeHint={describeAcceptedCodes(hasAuthenticator, canTextCode)}
      canTextCode={canTextCode}
      checkCode={checkAnyCurrentCode}
      confirm={removeSmsNumber}
      explainFailure={explainOnlyMethodRequired('Two-factor authentication is required for you, and this is your only method. Set up an authenticator app first.')}
      submitLabel="Remove number"
      busyLabel="Removing…"
      onConfirmed={onRemoved}
      onClose={onClose}
    />
  );
}
