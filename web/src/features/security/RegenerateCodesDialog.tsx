import { FormAlert } from '../../components/FormAlert';
import { Modal } from '../../components/Modal';
import { useReauthentication } from '../../components/reauthentication';
import { SubmitButton } from '../../components/SubmitButton';
import { useForm } from '../../components/use-form';
import { regenerateRecoveryCodes } from './two-factor-api';

interface RegenerateCodesDialogProps {
  onRegenerated: (codes: string[]) => void;
  onClose: () => void;
}

/** R5: says what happens to the old codes before replacing them (after A5 when needed). */
export function RegenerateCodesDialog({ onRegenerated, onClose }: RegenerateCodesDialogProps) {
  const { withReauthentication } = useReauthentication();
  const form = useForm();

  const submit = form.handleSubmit(async () => {
    onRegenerated(await withReauthentication(regenerateRecoveryCodes));
  });

  return (
    <Modal
      title="Generate new recovery codes?"
      onClose={onClose}
      description={
        <p>Your current recovery codes will stop working at once, including any you have saved or printed. Save the new set next.</p>
      }
    >
      <form ref={form.formRef} onSubmit={submit} noValidate>
        <FormAlert problem={form.problem} />
        <div className="modal-actions">
          <button type="button" className="button button-secondary" onClick={onClose} data-autofocus>
            Cancel
          </button>
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Generating…">
            Generate new codes
          </SubmitButton>
        </div>
      </form>
    </Modal>
  );
}
