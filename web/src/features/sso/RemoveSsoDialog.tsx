import { FormAlert } from '../../components/FormAlert';
import { Modal } from '../../components/Modal';
import { useReauthentication } from '../../components/reauthentication';
import { SubmitButton } from '../../components/SubmitButton';
import { useForm } from '../../components/use-form';
import { deleteSsoConnection } from './sso-api';

/** E1: removing the connection, after saying what it changes. */
export function RemoveSsoDialog({ onClose, onRemoved }: { onClose: () => void; onRemoved: () => void }) {
  const { withReauthentication } = useReauthentication();
  const form = useForm();
  const submit = form.handleSubmit(async () => {
    await withReauthentication(deleteSsoConnection);
    onRemoved();
  });
  return (
    <Modal title="Remove single sign-on?" onClose={onClose}>
      <form ref={form.formRef} onSubmit={submit} noValidate>
        <p className="modal-description">
          The claimed domains are released and members sign in with their Tessera passwords again. Members created by single sign-on have
          no password they know: they can set one with “Forgot password?”.
        </p>
        <FormAlert problem={form.problem} />
        <div className="form-actions">
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Removing…" variant="danger">
            Remove connection
          </SubmitButton>
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
