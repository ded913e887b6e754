import { FormAlert } from '../../components/FormAlert';
import { Modal } from '../../components/Modal';
import { useReauthentication } from '../../components/reauthentication';
import { SubmitButton } from '../../components/SubmitButton';
import { useForm } from '../../components/use-form';
import { resetMemberTwoFactor, type OrganizationUser } from './admin-api';

interface ResetTwoFactorDialogProps {
  user: OrganizationUser;
  onReset: () => void;
  onClose: () => void;
}

/** M3: removes every factor and recovery code of a member, after saying exactly that. */
export function ResetTwoFactorDialog({ user, onReset, onClose }: ResetTwoFactorDialogProps) {
  const { withReauthentication } = useReauthentication();
  const form = useForm();

  const submit = form.handleSubmit(async () => {
    await withReauthentication(() => resetMemberTwoFactor(user.id));
    onReset();
  });

  return (
    <Modal
      title="Reset two-factor authentication?"
      onClose={onClose}
      description={
        <>
          <p>
            This removes the authenticator app and all recovery codes of <strong>{user.name}</strong> ({user.email}). Their
            two-factor status becomes Off. They stay signed in, and we e-mail them about the reset.
          </p>
          <p>
            {user.twoFactor.required
              ? 'Two-factor authentication stays required for them: at their next sign-in they set it up again before they can continue.'
              : 'They can set it up again from their security settings whenever they like.'}
          </p>
        </>
      }
    >
      <form ref={form.formRef} onSubmit={submit} noValidate>
        <FormAlert problem={form.problem} />
        <div className="modal-actions">
          <button type="button" className="button button-secondary" onClick={onClose} data-autofocus>
            Cancel
          </button>
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Resetting…" variant="danger">
            Reset
          </SubmitButton>
        </div>
      </form>
    </Modal>
  );
}
