import { useState } from 'react';
import { ApiError, isApiError } from '../../api/client';
import { CopyButton } from '../../components/CopyButton';
import { FormAlert } from '../../components/FormAlert';
import { checkAuthenticatorCode, compactCode } from '../../components/one-time-code';
import { SubmitButton } from '../../components/SubmitButton';
import { OneTimeCodeField } from '../../components/OneTimeCodeField';
import { useFocusOnMount } from '../../components/use-focus-on-mount';
import { phoneWidthQuery, useMediaQuery } from '../../components/use-media-query';
import { useForm } from '../../components/use-form';
import { useSession } from '../../session/session-context';
import { confirmTotpEnrollment, type TotpEnrollment } from './two-factor-api';

/** T2: the base32 key in groups of four, easier to read out and type. */
export function groupKey(secret: string): string {
  return (compactCode(secret).match(/.{1,4}/g) ?? []).join(' ');
}

/** A code of our own for a problem the server reports as `not_found` here: the setup is gone. */
const setupExpiredCode = 'setup_expired';

interface TotpSetupProps {
  enrollment: TotpEnrollment;
  /** T6: the code was right; two-factor authentication is on and these are the recovery codes. */
  onEnabled: (recoveryCodes: string[]) => void;
  /** Leaves the setup; without it there is no Cancel (P5: a required setup has no way around it). */
  onCancel?: () => void;
  /** T1: start a new setup (a new key) after this one expired. */
  onRestart: () => void;
  isRestarting: boolean;
  /** Where the panel sits in the page's outline: under an h2 (default) or directly under the h1. */
  headingLevel?: 2 | 3;
}

/** T2–T4: scan the QR code (or type the key), then prove it with a current code. */
export function TotpSetup({ enrollment, onEnabled, onCancel, onRestart, isRestarting, headingLevel = 3 }: TotpSetupProps) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const StepHeading = headingLevel === 2 ? 'h3' : 'h4';
  const { user, organization } = useSession();
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  // Issue 17 item 6: on a phone the QR code is on the very screen that would scan it.
  const isPhone = useMediaQuery(phoneWidthQuery);
  const [code, setCode] = useState('');
  const form = useForm();
  const issuer = organization.brandName ?? organization.name;
  // The CSP allows data: images, never inline markup: the SVG goes in as an image.
  const qrCodeSource = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrollment.qrCodeSvg)}`;

  const submit = form.handleSubmit(
    async () => {
      try {
        onEnabled(await confirmTotpEnrollment(compactCode(code)));
      } catch (error) {
        if (isApiError(error, 'not_found')) {
          throw new ApiError({ ...error.problem, code: setupExpiredCode, title: 'This setup has expired. Start again to get a new QR code.' });
        }
        throw error;
      }
    },
    () => ({ code: checkAuthenticatorCode(code) }),
  );

  const isExpired = form.problem?.code === setupExpiredCode;

  return (
    <div className="two-factor-panel">
      <Heading ref={headingRef} tabIndex={-1}>
        Set up your authenticator app
      </Heading>
      <ol className="setup-steps">
        <li>
          {isPhone ? (
            <>
              <StepHeading>Add this account to your authenticator app</StepHeading>
              <p>
                On this phone, open the account in your authenticator app (such as Google Authenticator, Microsoft Authenticator or
                1Password). It will appear as <strong>{issuer}</strong> ({user.email}).
              </p>
              <p>
                <a className="button button-primary" href={enrollment.otpauthUri}>
                  Open in your authenticator app
                </a>
              </p>
              <SetupKey secret={enrollment.secret} intro="Or, in your app, choose to enter a setup key and type this key (time-based, if the app asks):" />
              <details className="disclosure">
                <summary>Using another device? Show the QR code</summary>
                <div className="disclosure-body">
                  <img className="qr-code" src={qrCodeSource} alt="QR code to scan with your authenticator app" width={200} height={200} />
                </div>
              </details>
            </>
          ) : (
            <>
              <StepHeading>Scan this QR code with your app</StepHeading>
              <p>
                Open an authenticator app on your phone, such as Google Authenticator, Microsoft Authenticator or 1Password, and add an
                account by scanning the code. It will appear as <strong>{issuer}</strong> ({user.email}).
              </p>
              <img className="qr-code" src={qrCodeSource} alt="QR code to scan with your authenticator app" width={200} height={200} />
              <details className="disclosure">
                <summary>Can’t scan it? Type the key instead</summary>
                <div className="disclosure-body">
                  <SetupKey secret={enrollment.secret} intro="In your app, choose to enter a setup key, and type this key (time-based, if the app asks):" />
                </div>
              </details>
            </>
          )}
        </li>
        <li>
          <StepHeading>Enter the code from the app</StepHeading>
          <form ref={form.formRef} onSubmit={submit} noValidate className="narrow-form">
            <FormAlert problem={form.problem} fields={['code']} />
            {isExpired && (
              <p>
                <button type="button" className="button button-secondary" onClick={onRestart} disabled={isRestarting}>
                  {isRestarting ? 'Starting…' : 'Start again'}
                </button>
              </p>
            )}
            <OneTimeCodeField
              label="Code from the app"
              hint={`The 6-digit code the app shows for ${issuer}. It changes every 30 seconds.`}
              value={code}
              onValueChange={setCode}
              error={form.fieldErrors.code}
            />
            <div className="form-actions">
              <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Checking…">
                Turn on
              </SubmitButton>
              {onCancel && (
                <button type="button" className="button button-secondary" onClick={onCancel}>
                  Cancel
                </button>
              )}
            </div>
          </form>
        </li>
      </ol>
    </div>
  );
}

/** T2: the key to type by hand, grouped, with its Copy button. */
function SetupKey({ secret, intro }: { secret: string; intro: string }) {
  return (
    <div className="setup-key">
      <p>{intro}</p>
      <p className="totp-key">
        <code>{groupKey(secret)}</code>
      </p>
      <CopyButton text={compactCode(secret)} copiedMessage="Key copied.">
        Copy key
      </CopyButton>
    </div>
  );
}
