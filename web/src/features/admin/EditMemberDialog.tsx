import { useState } from 'react';
import { ApiError, isApiError } from '../../api/client';
import type { Role } from '../../api/session';
import { FormAlert } from '../../components/FormAlert';
import { Modal } from '../../components/Modal';
import { RadioGroupField } from '../../components/RadioGroupField';
import { useReauthentication } from '../../components/reauthentication';
import { SelectField } from '../../components/SelectField';
import { SubmitButton } from '../../components/SubmitButton';
import { useFocusOnMount } from '../../components/use-focus-on-mount';
import { useForm } from '../../components/use-form';
import { updateMember, type MemberChanges, type OrganizationUser } from './admin-api';
import { roleLabels, roleOptions } from './labels';

type Requirement = 'required' | 'not_required';

const requirementOptions = [
  { value: 'required', label: 'Required', hint: 'They must set it up; it cannot be turned off.' },
  { value: 'not_required', label: 'Not required', hint: 'They may set it up if they wish.' },
] as const;

interface EditMemberDialogProps {
  user: OrganizationUser;
  isSelf: boolean;
  onSaved: (message: string) => void;
  onClose: () => void;
}

/**
 * P4 and roles: change a member's role and whether two-factor authentication is required of them,
 * after a confirmation (in the same dialog) that says what the change does.
 */
export function EditMemberDialog({ user, isSelf, onSaved, onClose }: EditMemberDialogProps) {
  const { withReauthentication } = useReauthentication();
  const isRequiredByOrganization = user.twoFactor.requiredBy === 'organization';
  const initialRequirement: Requirement = user.twoFactor.required ? 'required' : 'not_required';
  const [role, setRole] = useState<Role>(user.role);
  const [requirement, setRequirement] = useState<Requirement>(initialRequirement);
  const [changes, setChanges] = useState<MemberChanges | null>(null);
  const form = useForm();
  const confirmation = useForm();

  const submit = form.handleSubmit(async () => {
    const next: MemberChanges = {};
    if (role !== user.role) next.role = role;
    if (!isRequiredByOrganization && requirement !== initialRequirement) next.twoFactorRequired = requirement === 'required';
    if (Object.keys(next).length === 0) return onClose();
    setChanges(next);
  });

  const save = confirmation.handleSubmit(async () => {
    if (changes === null) return;
    try {
      await withReauthentication(() => updateMember(user.id, changes));
    } catch (error) {
      if (isApiError(error, 'last_administrator')) {
        throw new ApiError({ ...error.problem, title: `${user.name} is the only administrator. Make someone else an administrator first.` });
      }
      throw error;
    }
    onSaved(`Saved the changes for ${user.name}.`);
  });

  return (
    <Modal title={changes ? 'Confirm the changes' : `Edit ${user.name}`} onClose={onClose}>
      {changes ? (
        <form ref={confirmation.formRef} onSubmit={save} noValidate>
          <FormAlert problem={confirmation.problem} />
          <ChangeSummary user={user} changes={changes} isSelf={isSelf} />
          <div className="modal-actions">
            <button type="button" className="button button-secondary" onClick={() => setChanges(null)}>
              Back
            </button>
            <SubmitButton isSubmitting={confirmation.isSubmitting} busyLabel="Saving…">
              Confirm
            </SubmitButton>
          </div>
        </form>
      ) : (
        <form ref={form.formRef} onSubmit={submit} noValidate>
          <FormAlert problem={form.problem} fields={['role']} />
          <SelectField label="Role" name="role" value={role} options={roleOptions} onValueChange={setRole} error={form.fieldErrors.role} />
          <RadioGroupField
            legend="Two-factor authentication"
            name="twoFactorRequired"
            value={isRequiredByOrganization ? 'required' : requirement}
            options={requirementOptions}
            onValueChange={setRequirement}
            disabled={isRequiredByOrganization}
            hint={isRequiredByOrganization ? 'Your organization requires it of everyone; change that in Organization settings.' : undefined}
          />
          <div className="modal-actions">
            <button type="button" className="button button-secondary" onClick={onClose}>
              Cancel
            </button>
            <SubmitButton isSubmitting={form.isSubmitting}>Save</SubmitButton>
          </div>
        </form>
      )}
    </Modal>
  );
}

function ChangeSummary({ user, changes, isSelf }: { user: OrganizationUser; changes: MemberChanges; isSelf: boolean }) {
  const firstRef = useFocusOnMount<HTMLDivElement>();
  const isSetUp = user.twoFactor.status === 'on';
  return (
    <div ref={firstRef} tabIndex={-1} className="modal-description focus-quiet">
      {changes.role !== undefined && (
        <p>
          <strong>{user.name}</strong> becomes {changes.role === 'admin' ? 'an administrator' : 'a member'} (was{' '}
          {roleLabels[user.role]}).{' '}
          {changes.role === 'admin'
            ? 'They can then manage users, the audit log and the organization’s security settings.'
            : `${isSelf ? 'You' : 'They'} can then no longer manage users or the organization’s settings.`}
        </p>
      )}
      {changes.twoFactorRequired === true && (
        <p>
          Two-factor authentication becomes <strong>required</strong> for {user.name}.{' '}
          {isSetUp
            ? 'It is already on for them; they can no longer turn it off.'
            : 'They have not set it up yet: while signed in they see a notice on every page and cannot make sensitive changes, and at their next sign-in they go straight into the setup.'}
        </p>
      )}
      {changes.twoFactorRequired === false && (
        <p>
          Two-factor authentication becomes <strong>not required</strong> for {user.name}. Their own settings stay as they are; they
          may turn it off if they wish.
        </p>
      )}
      {changes.twoFactorRequired !== undefined && <p>We e-mail them about the change.</p>}
    </div>
  );
}
