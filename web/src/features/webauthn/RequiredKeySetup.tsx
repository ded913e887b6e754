import { useState } from 'react';
import { AddCredentialForm } from './AddCredentialForm';
import type { CredentialKind } from './webauthn-api';

interface RequiredKeySetupProps {
  /** W5: only a key counts, so there is nothing else to offer. */
  isOnlyOption: boolean;
  /** The key was added: its recovery codes when it is the member's first factor (else empty). */
  onAdded: (recoveryCodes: string[]) => void;
}

/** P5 W1 W5: a security key or passkey as the factor that a required setup asks for. */
export function RequiredKeySetup({ isOnlyOption, onAdded }: RequiredKeySetupProps) {
  const [kind, setKind] = useState<CredentialKind | null>(null);
  if (kind !== null) return <AddCredentialForm kind={kind} onAdded={({ recoveryCodes }) => onAdded(recoveryCodes ?? [])} onCancel={() => setKind(null)} />;
  return (
    <div className="required-key-setup">
      {isOnlyOption ? (
        <p>Your organization requires phishing-resistant sign-in: add a passkey (on this device or your phone) or a security key.</p>
      ) : (
        <p className="setup-alternative">Or use a passkey or a security key, the safest way to sign in:</p>
      )}
      <div className="form-actions">
        <button type="button" className={isOnlyOption ? 'button button-primary' : 'button button-secondary'} onClick={() => setKind('passkey')}>
          Add passkey
        </button>
        <button type="button" className="button button-secondary" onClick={() => setKind('security_key')}>
          Add security key
        </button>
      </div>
    </div>
  );
}
