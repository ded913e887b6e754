import { useCallback, useState } from 'react';
import { describeProblem } from '../../api/client';
import { FormAlert } from '../../components/FormAlert';
import { Modal } from '../../components/Modal';
import { useReauthentication } from '../../components/reauthentication';
import { SubmitButton } from '../../components/SubmitButton';
import { useForm } from '../../components/use-form';
import { useResource } from '../../components/use-resource';
import { BrowserList } from './BrowserList';
import { forgetMemberBrowsers, listMemberBrowsers } from './known-browsers-api';

/** M2 with G1, B2: an administrator sees a member's browsers and can forget them all. */
export function MemberBrowsersSection({ userId, name }: { userId: string; name: string }) {
  const load = useCallback(async () => (await listMemberBrowsers(userId)).browsers, [userId]);
  const { resource, reload } = useResource(load);
  const [isConfirming, setConfirming] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <section className="card" aria-labelledby="member-browsers-heading">
      <h2 id="member-browsers-heading">Browsers</h2>
      <p className="muted">Browsers {name} has signed in with; remembered ones skip the second step until the date shown.</p>
      <div role="status">{notice}</div>
      {resource.status === 'loading' && <p role="status">Loading browsers…</p>}
      {resource.status === 'failed' && (
        <div className="alert alert-error" role="alert">
          <p>{describeProblem(resource.problem)}</p>
        </div>
      )}
      {resource.status === 'ready' && (
        <>
          <BrowserList browsers={resource.data} />
          {resource.data.length > 0 && (
            <div className="form-actions">
              <button type="button" className="button button-danger" onClick={() => setConfirming(true)}>
                Forget all browsers
              </button>
            </div>
          )}
        </>
      )}
      {isConfirming && (
        <ForgetBrowsersDialog
          userId={userId}
          name={name}
          onClose={() => setConfirming(false)}
          onForgotten={() => {
            setConfirming(false);
            setNotice(`Forgot every browser of ${name}.`);
            reload();
          }}
        />
      )}
    </section>
  );
}

function ForgetBrowsersDialog({ userId, name, onClose, onForgotten }: { userId: string; name: string; onClose: () => void; onForgotten: () => void }) {
  const { withReauthentication } = useReauthentication();
  const form = useForm();
  const submit = form.handleSubmit(async () => {
    await withReauthentication(() => forgetMemberBrowsers(userId));
    onForgotten();
  });
  return (
    <Modal
      title="Forget all browsers?"
      onClose={onClose}
      description={
        <p>
          Every browser of <strong>{name}</strong> is forgotten: at their next sign-in they are asked for their second factor again, and each browser counts as a new one.
        </p>
      }
    >
      <form ref={form.formRef} onSubmit={submit} noValidate>
        <FormAlert problem={form.problem} />
        <div className="modal-actions">
          <button type="button" className="button button-secondary" onClick={onClose} data-autofocus>
            Cancel
          </button>
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Forgetting…" variant="danger">
            Forget all
          </SubmitButton>
        </div>
      </form>
    </Modal>
  );
}
