import { useId, useState } from 'react';
import { CheckboxField } from '../../components/CheckboxField';
import { CopyButton } from '../../components/CopyButton';
import { FormAlert } from '../../components/FormAlert';
import { Modal } from '../../components/Modal';
import { useReauthentication } from '../../components/reauthentication';
import { SubmitButton } from '../../components/SubmitButton';
import { TextAreaField } from '../../components/TextAreaField';
import { TextField } from '../../components/TextField';
import { useForm } from '../../components/use-form';
import { requireValue } from '../../components/validation';
import { apiGrantRequires, apiGrants, createApiKey, grantDescriptions, parseAllowedIps, type ApiGrant } from './api-keys-api';

const fields = ['name', 'grants', 'allowedIps'] as const;

interface CreateApiKeyDialogProps {
  /** The key exists now (the list can show it), though the dialog stays open to show its secret. */
  onCreated: () => void;
  /** Closed; with the new key's name when one was created. */
  onClose: (createdName: string | null) => void;
}

/** K1: name, grants (least privilege: none are ticked at first) and an optional address allow-list. */
export function CreateApiKeyDialog({ onCreated, onClose }: CreateApiKeyDialogProps) {
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  if (created) {
    return (
      <Modal title="Copy your new API key" onClose={() => onClose(created.name)}>
        <NewKey name={created.name} secret={created.key} onDone={() => onClose(created.name)} />
      </Modal>
    );
  }
  return (
    <Modal title="Create an API key" onClose={() => onClose(null)}>
      <CreateForm
        onCreated={(name, key) => {
          setCreated({ name, key });
          onCreated();
        }}
        onCancel={() => onClose(null)}
      />
    </Modal>
  );
}

function CreateForm({ onCreated, onCancel }: { onCreated: (name: string, key: string) => void; onCancel: () => void }) {
  const { withReauthentication } = useReauthentication();
  const [name, setName] = useState('');
  const [grants, setGrants] = useState<ReadonlySet<ApiGrant>>(new Set());
  const [allowedIps, setAllowedIps] = useState('');
  const form = useForm();
  const grantsHintId = useId();
  const grantsErrorId = useId();

  const submit = form.handleSubmit(
    async () => {
      const { ranges } = parseAllowedIps(allowedIps);
      const chosen = apiGrants.filter((grant) => grants.has(grant));
      const { key } = await withReauthentication(() =>
        createApiKey({ name: name.trim(), grants: chosen, ...(ranges.length > 0 ? { allowedIps: ranges } : {}) }),
      );
      onCreated(name.trim(), key);
    },
    () => {
      const { invalid } = parseAllowedIps(allowedIps);
      return {
        name: requireValue(name, 'Give the key a name, such as the program that uses it.'),
        grants: grants.size === 0 ? 'Choose at least one kind of access.' : undefined,
        allowedIps:
          invalid.length === 0
            ? undefined
            : `${invalid.map((range) => `“${range}”`).join(', ')} ${invalid.length === 1 ? 'is' : 'are'} not an address range. Write one per line, like 203.0.113.0/24 or 2001:db8::/32.`,
      };
    },
  );

  /** A grant that widens another (users:roles widens users:write) brings it along, and goes with it. */
  function toggle(grant: ApiGrant, isChecked: boolean) {
    const next = new Set(grants);
    if (isChecked) {
      next.add(grant);
      const companion = apiGrantRequires[grant];
      if (companion) next.add(companion);
    } else {
      next.delete(grant);
      for (const other of apiGrants) if (apiGrantRequires[other] === grant) next.delete(other);
    }
    setGrants(next);
  }

  const grantsError = form.fieldErrors.grants;
  return (
    <form ref={form.formRef} onSubmit={submit} noValidate>
      <FormAlert problem={form.problem} fields={fields} />
      <TextField
        label="Name"
        name="name"
        autoComplete="off"
        hint="What the key is for, so you can recognize it later."
        value={name}
        onValueChange={setName}
        error={form.fieldErrors.name}
      />
      <fieldset
        className="grant-group"
        aria-describedby={[grantsHintId, grantsError ? grantsErrorId : null].filter(Boolean).join(' ')}
        aria-invalid={grantsError ? true : undefined}
      >
        <legend>Access</legend>
        <p id={grantsHintId} className="field-hint">
          Choose only what the program needs.
        </p>
        {apiGrants.map((grant) => (
          <CheckboxField
            key={grant}
            label={`${grantDescriptions[grant].label} (${grant})`}
            name="grants"
            hint={grantDescriptions[grant].hint}
            checked={grants.has(grant)}
            onCheckedChange={(isChecked) => toggle(grant, isChecked)}
          />
        ))}
        {grantsError && (
          <p id={grantsErrorId} className="field-error">
            {grantsError}
          </p>
        )}
      </fieldset>
      <TextAreaField
        label="Allowed addresses (optional)"
        name="allowedIps"
        className="monospace"
        rows={3}
        spellCheck={false}
        autoCapitalize="off"
        hint="One address or range per line, like 203.0.113.0/24. Requests from anywhere else are refused. Leave it empty to allow any address."
        value={allowedIps}
        onValueChange={setAllowedIps}
        error={form.fieldErrors.allowedIps}
      />
      <div className="modal-actions">
        <button type="button" className="button button-secondary" onClick={onCancel}>
          Cancel
        </button>
        <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Creating…">
          Create key
        </SubmitButton>
      </div>
    </form>
  );
}

/** K1: the key is shown this once; it is stored hashed and cannot be shown again. */
function NewKey({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  const [isSaved, setSaved] = useState(false);
  const keyId = useId();
  return (
    <div>
      <div className="alert alert-info">
        <p>
          <strong>This is the only time the key for “{name}” is shown.</strong> Copy it now and keep it somewhere safe, such as a
          secret manager. If it is lost, revoke it and create a new one.
        </p>
      </div>
      <div className="field new-key">
        <label htmlFor={keyId}>Your new API key</label>
        <input
          data-autofocus
          id={keyId}
          type="text"
          readOnly
          value={secret}
          spellCheck={false}
          autoComplete="off"
          onFocus={(event) => event.currentTarget.select()}
        />
        <CopyButton text={secret} copiedMessage="Key copied.">
          Copy key
        </CopyButton>
      </div>
      <CheckboxField label="I have copied the key" name="keySaved" checked={isSaved} onCheckedChange={setSaved} />
      <div className="modal-actions">
        <button type="button" className="button button-primary" onClick={onDone} disabled={!isSaved}>
          Done
        </button>
      </div>
    </div>
  );
}
