import { useState } from 'react';
import { FormAlert } from '../../components/FormAlert';
import { RadioGroupField } from '../../components/RadioGroupField';
import { SubmitButton } from '../../components/SubmitButton';
import { TextAreaField } from '../../components/TextAreaField';
import { TextField } from '../../components/TextField';
import { useForm } from '../../components/use-form';
import { requireValue } from '../../components/validation';
import { parseUriLines, uriProblem, type Application, type ApplicationInput } from './applications-api';

const fields = ['name', 'type', 'redirectUris', 'postLogoutRedirectUris', 'backchannelLogoutUri'] as const;

interface ApplicationFormProps {
  /** Editing keeps the type: a confidential application's secret cannot become public. */
  application?: Application;
  submitLabel: string;
  onSubmit: (input: ApplicationInput & { type: Application['type'] }) => Promise<void>;
  onCancel: () => void;
}

function listProblem(text: string, isRequired: boolean): string | undefined {
  const uris = parseUriLines(text);
  if (isRequired && uris.length === 0) return 'Enter at least one address the application receives sign-ins at.';
  return uris.map(uriProblem).find((problem) => problem !== undefined);
}

/** O1: name, type and the exact addresses the application uses. */
export function ApplicationForm({ application, submitLabel, onSubmit, onCancel }: ApplicationFormProps) {
  const [name, setName] = useState(application?.name ?? '');
  const [type, setType] = useState<Application['type']>(application?.type ?? 'confidential');
  const [redirectUris, setRedirectUris] = useState(application?.redirectUris.join('\n') ?? '');
  const [postLogoutUris, setPostLogoutUris] = useState(application?.postLogoutRedirectUris.join('\n') ?? '');
  const [backchannelUri, setBackchannelUri] = useState(application?.backchannelLogoutUri ?? '');
  const form = useForm();

  const submit = form.handleSubmit(
    () =>
      onSubmit({
        name: name.trim(),
        type,
        redirectUris: parseUriLines(redirectUris),
        postLogoutRedirectUris: parseUriLines(postLogoutUris),
        backchannelLogoutUri: backchannelUri.trim() === '' ? null : backchannelUri.trim(),
      }),
    () => ({
      name: requireValue(name, 'Give the application a name people recognize.'),
      redirectUris: listProblem(redirectUris, true),
      postLogoutRedirectUris: listProblem(postLogoutUris, false),
      backchannelLogoutUri: backchannelUri.trim() === '' ? undefined : uriProblem(backchannelUri.trim()),
    }),
  );

  return (
    <form ref={form.formRef} onSubmit={submit} noValidate>
      <FormAlert problem={form.problem} fields={fields} />
      <TextField label="Name" name="name" autoComplete="off" value={name} onValueChange={setName} error={form.fieldErrors.name} />
      {!application && (
        <RadioGroupField
          legend="Kind of application"
          name="type"
          value={type}
          onValueChange={(value) => setType(value as Application['type'])}
          options={[
            { value: 'confidential', label: 'Server-side (confidential)', hint: 'Runs on a server that can keep a client secret.' },
            { value: 'public', label: 'Browser or mobile app (public)', hint: 'Cannot keep a secret; signs in with PKCE only.' },
          ]}
        />
      )}
      <TextAreaField
        label="Redirect URIs"
        name="redirectUris"
        className="monospace"
        rows={3}
        spellCheck={false}
        autoCapitalize="off"
        hint="One per line, matched exactly, such as https://wiki.example.com/oauth/callback. http:// is allowed only for localhost."
        value={redirectUris}
        onValueChange={setRedirectUris}
        error={form.fieldErrors.redirectUris}
      />
      <TextAreaField
        label="Addresses after sign-out (optional)"
        name="postLogoutRedirectUris"
        className="monospace"
        rows={2}
        spellCheck={false}
        autoCapitalize="off"
        hint="Where the application may send people after they sign out through Tessera."
        value={postLogoutUris}
        onValueChange={setPostLogoutUris}
        error={form.fieldErrors.postLogoutRedirectUris}
      />
      <TextField
        label="Back-channel logout URI (optional)"
        name="backchannelLogoutUri"
        autoComplete="off"
        spellCheck={false}
        hint="Tessera tells the application here when a member’s session ends."
        value={backchannelUri}
        onValueChange={setBackchannelUri}
        error={form.fieldErrors.backchannelLogoutUri}
      />
      <div className="modal-actions">
        <button type="button" className="button button-secondary" onClick={onCancel}>
          Cancel
        </button>
        <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Saving…">
          {submitLabel}
        </SubmitButton>
      </div>
    </form>
  );
}
