import { useState } from 'react';
import { useReauthentication } from '../../components/reauthentication';
import { TextField } from '../../components/TextField';
import { describeCeremonyFailure } from './ceremony-problem';
import { creationOptions, registerCredential, type CredentialKind } from './webauthn-api';

const copy: Record<CredentialKind, { title: string; intro: string; placeholder: string }> = {
  passkey: {
    title: 'Add a passkey',
    intro: 'A passkey lives on your phone, computer or password manager and is unlocked with your fingerprint, face or PIN. It can also sign you in without a password.',
    placeholder: 'e.g. MacBook, Pixel phone',
  },
  security_key: {
    title: 'Add a security key',
    intro: 'A security key is a small device (USB, NFC or Bluetooth) you touch when you sign in.',
    placeholder: 'e.g. YubiKey 5',
  },
};

interface AddCredentialFormProps {
  kind: CredentialKind;
  /** `recoveryCodes` when this is the member's first factor (shown next). */
  onAdded: (result: { name: string; recoveryCodes?: string[] }) => void;
  onCancel: () => void;
}

/** W1 W4: names the new credential, then runs the browser's registration ceremony. */
export function AddCredentialForm({ kind, onAdded, onCancel }: AddCredentialFormProps) {
  const { withReauthentication } = useReauthentication();
  const [name, setName] = useState('');
  const [isWaiting, setWaiting] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  async function add(event: React.FormEvent) {
    event.preventDefault();
    setWaiting(true);
    setFailure(null);
    try {
      // A5: adding a factor needs a recent password (and a recent second factor when there is one).
      const options = await withReauthentication(() => creationOptions(kind));
      const result = await registerCredential(options, name);
      onAdded({ name: name.trim() || (kind === 'passkey' ? 'Passkey' : 'Security key'), recoveryCodes: result.recoveryCodes });
    } catch (error) {
      setFailure(describeCeremonyFailure(error, 'manage').message);
    } finally {
      setWaiting(false);
    }
  }

  return (
    <form className="add-credential" onSubmit={(event) => void add(event)} noValidate>
      <h3>{copy[kind].title}</h3>
      <p>{copy[kind].intro}</p>
      {failure && (
        <div className="alert alert-error" role="alert" tabIndex={-1}>
          <p>{failure}</p>
        </div>
      )}
      <TextField label="Name" name="credentialName" hint={`So you can tell your keys apart, ${copy[kind].placeholder}.`} maxLength={64} value={name} onValueChange={setName} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={isWaiting} aria-busy={isWaiting || undefined}>
          {isWaiting ? 'Waiting for your browser…' : 'Continue'}
        </button>
        <button type="button" className="button button-secondary" onClick={onCancel} disabled={isWaiting}>
          Cancel
        </button>
      </div>
    </form>
  );
}
