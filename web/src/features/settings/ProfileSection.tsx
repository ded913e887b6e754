import { useState } from 'react';
import { FormAlert } from '../../components/FormAlert';
import { useReauthentication } from '../../components/reauthentication';
import { ResendVerificationButton } from '../../components/ResendVerificationButton';
import { StatusMessage } from '../../components/StatusMessage';
import { SubmitButton } from '../../components/SubmitButton';
import { TextField } from '../../components/TextField';
import { useForm } from '../../components/use-form';
import { requireValue } from '../../components/validation';
import { useSession, useSessionState } from '../../session/session-context';
import { updateName } from './settings-api';

const roleLabels = { admin: 'Administrator', member: 'Member' } as const;

export function ProfileSection() {
  const { user, organization } = useSession();
  const { refresh } = useSessionState();
  const { withReauthentication } = useReauthentication();
  const [name, setName] = useState(user.name);
  const [isSaved, setSaved] = useState(false);
  const form = useForm();

  const submit = form.handleSubmit(
    async () => {
      setSaved(false);
      await withReauthentication(() => updateName(name.trim()));
      await refresh();
      setSaved(true);
    },
    () => ({ name: requireValue(name, 'Enter your name.') }),
  );

  return (
    <section className="card" aria-labelledby="profile-heading">
      <h2 id="profile-heading">Profile</h2>
      <form ref={form.formRef} onSubmit={submit} noValidate className="narrow-form">
        {isSaved && <StatusMessage>Your name has been saved.</StatusMessage>}
        <FormAlert problem={form.problem} fields={['name']} />
        <TextField label="Name" name="name" autoComplete="name" value={name} onValueChange={setName} error={form.fieldErrors.name} />
        <div className="form-actions form-actions-compact">
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Saving…" variant="secondary">
            Save name
          </SubmitButton>
        </div>
      </form>
      <dl className="details">
        <div>
          <dt>E-mail</dt>
          <dd>
            <span className="details-value">{user.email}</span>{' '}
            {user.emailVerified ? (
              <span className="badge badge-success">Verified</span>
            ) : (
              <span className="badge badge-warning">Not verified</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Organization</dt>
          <dd>{organization.name}</dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>{roleLabels[user.role]}</dd>
        </div>
      </dl>
      {!user.emailVerified && (
        <div className="inline-actions">
          <p className="muted">Verify your address to turn on two-factor authentication. The link is in your inbox.</p>
          <ResendVerificationButton email={user.email} />
        </div>
      )}
    </section>
  );
}
