import { useState } from 'react';
import { describeProblem, toProblem } from '../../api/client';
import { formatDate, formatDateTime } from '../../components/format';
import { TextField } from '../../components/TextField';
import { kindLabels, renameCredential, storageLabels, type Credential } from './webauthn-api';

interface CredentialItemProps {
  credential: Credential;
  onRenamed: (name: string) => void;
  onRemove: () => void;
}

/** W1: one key with its kind, where it lives, when it was added and last used; rename in place. */
export function CredentialItem({ credential, onRenamed, onRemove }: CredentialItemProps) {
  const [isRenaming, setRenaming] = useState(false);
  const [name, setName] = useState(credential.name);
  const [error, setError] = useState<string | undefined>(undefined);
  const [isSaving, setSaving] = useState(false);

  async function save(event: React.FormEvent) {
    event.preventDefault();
    if (name.trim() === '') {
      setError('Enter a name.');
      return;
    }
    setSaving(true);
    try {
      await renameCredential(credential.id, name.trim());
      setRenaming(false);
      setError(undefined);
      onRenamed(name.trim());
    } catch (failure) {
      setError(describeProblem(toProblem(failure)));
    } finally {
      setSaving(false);
    }
  }

  if (isRenaming) {
    return (
      <li className="credential-item">
        <form onSubmit={(event) => void save(event)} noValidate>
          <TextField label={`New name for “${credential.name}”`} name="credentialName" maxLength={64} value={name} onValueChange={setName} error={error} />
          <div className="form-actions">
            <button type="submit" className="button button-primary button-small" disabled={isSaving}>
              Save
            </button>
            <button type="button" className="button button-secondary button-small" onClick={() => setRenaming(false)}>
              Cancel
            </button>
          </div>
        </form>
      </li>
    );
  }

  return (
    <li className="credential-item">
      <div>
        <strong>{credential.name}</strong>
        <div className="muted">
          {kindLabels[credential.kind]}, {storageLabels[credential.storage]}. Added {formatDate(credential.createdAt)}; {credential.lastUsedAt ? `last used ${formatDateTime(credential.lastUsedAt)}` : 'not used yet'}.
        </div>
      </div>
      <div className="credential-actions">
        <button type="button" className="button button-secondary button-small" onClick={() => setRenaming(true)} aria-label={`Rename ${credential.name}`}>
          Rename
        </button>
        <button type="button" className="button button-danger button-small" onClick={onRemove} aria-label={`Remove ${credential.name}`}>
          Remove
        </button>
      </div>
    </li>
  );
}
