import { useEffect, useRef, useState } from 'react';
import type { Role } from '../../api/session';
import { CheckboxField } from '../../components/CheckboxField';
import { FormAlert } from '../../components/FormAlert';
import { Modal } from '../../components/Modal';
import { useReauthentication } from '../../components/reauthentication';
import { SelectField } from '../../components/SelectField';
import { SubmitButton } from '../../components/SubmitButton';
import { TextField } from '../../components/TextField';
import { useFocusOnMount } from '../../components/use-focus-on-mount';
import { useForm } from '../../components/use-form';
import { checkEmail, requireValue } from '../../components/validation';
import { inviteUser, type Invitation } from './admin-api';
import { roleOptions } from './labels';

const fields = ['name', 'email', 'role', 'twoFactorRequired'] as const;

interface InviteDialogProps {
  isRequiredByOrganization: boolean;
  onInvited: (invitation: Invitation) => void;
  onClose: () => void;
}

/**
 * A6 and P4: invite a teammate by e-mail with a role and, optionally, a two-factor requirement.
 * Requiring it asks for a confirmation first, in the same dialog, that says what the teammate meets.
 */
export function InviteDialog({ isRequiredByOrganization, onInvited, onClose }: InviteDialogProps) {
  const { withReauthentication } = useReauthentication();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [isTwoFactorRequired, setTwoFactorRequired] = useState(false);
  const [isConfirming, setConfirming] = useState(false);
  const hasConfirmed = useRef(false);
  const form = useForm();
  const confirmation = useForm();

  // Back from the confirmation: focus returns to the button that led there.
  useEffect(() => {
    if (!isConfirming && hasConfirmed.current) form.formRef.current?.querySelector<HTMLElement>('button[type="submit"]')?.focus();
  }, [isConfirming, form.formRef]);

  async function send() {
    const { invitation } = await withReauthentication(() =>
      inviteUser({ name: name.trim(), email: email.trim(), role, twoFactorRequired: isTwoFactorRequired }),
    );
    onInvited(invitation);
  }

  const submit = form.handleSubmit(
    async () => {
      if (!isTwoFactorRequired || isRequiredByOrganization) return send();
      hasConfirmed.current = true;
      setConfirming(true);
    },
    () => ({ name: requireValue(name, 'Enter their name.'), email: checkEmail(email) }),
  );

  return (
    <Modal
      title={isConfirming ? 'Require two-factor authentication?' : 'Invite a teammate'}
      onClose={onClose}
      description={isConfirming ? undefined : <p>We will e-mail them a link to choose a password and join your organization.</p>}
    >
      {isConfirming ? (
        <form ref={confirmation.formRef} onSubmit={confirmation.handleSubmit(send)} noValidate>
          <FormAlert problem={confirmation.problem} />
          <ConfirmRequirementText name={name.trim()} email={email.trim()} />
          <div className="modal-actions">
            <button type="button" className="button button-secondary" onClick={() => setConfirming(false)}>
              Back
            </button>
            <SubmitButton isSubmitting={confirmation.isSubmitting} busyLabel="Sending…">
              Require and send invitation
            </SubmitButton>
          </div>
        </form>
      ) : (
        <form ref={form.formRef} onSubmit={submit} noValidate>
          <FormAlert problem={form.problem} fields={fields} />
          <TextField label="Name" name="name" autoComplete="off" value={name} onValueChange={setName} error={form.fieldErrors.name} />
          <TextField
            label="E-mail"
            name="email"
            type="email"
            autoComplete="off"
            inputMode="email"
            spellCheck={false}
            value={email}
            onValueChange={setEmail}
            error={form.fieldErrors.email}
          />
          <SelectField label="Role" name="role" value={role} options={roleOptions} onValueChange={setRole} error={form.fieldErrors.role} />
          <CheckboxField
            label="Require two-factor authentication"
            name="twoFactorRequired"
            checked={isTwoFactorRequired || isRequiredByOrganization}
            disabled={isRequiredByOrganization}
            onCheckedChange={setTwoFactorRequired}
            hint={
              isRequiredByOrganization
                ? 'Your organization already requires it of everyone.'
                : 'They will set it up the first time they sign in.'
            }
            error={form.fieldErrors.twoFactorRequired}
          />
          <div className="modal-actions">
            <button type="button" className="button button-secondary" onClick={onClose}>
              Cancel
            </button>
            <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Sending…">
              Send invitation
            </SubmitButton>
          </div>
        </form>
      )}
    </Modal>
  );
}

/** P4: what requiring two-factor authentication means for the invitee. */
function ConfirmRequirementText({ name, email }: { name: string; email: string }) {
  const firstRef = useFocusOnMount<HTMLParagraphElement>();
  return (
    <div className="modal-description">
      <p ref={firstRef} tabIndex={-1} className="focus-quiet">
        <strong>{name}</strong> ({email}) will have to set up two-factor authentication with an authenticator app the first time
        they sign in, before they can do anything else.
      </p>
      <p>You can change this later on their page under Users.</p>
    </div>
  );
}
