import { useState } from 'react';
import { FormAlert } from '../../components/FormAlert';
import { PageHeading } from '../../components/PageHeading';
import { useReauthentication } from '../../components/reauthentication';
import { SubmitButton } from '../../components/SubmitButton';
import { useForm } from '../../components/use-form';
import { useSessionState } from '../../session/session-context';
import { NewRecoveryCodes } from './RecoveryCodes';
import { regenerateRecoveryCodes } from './two-factor-api';
import './security.css';

/**
 * R6 deplete: the member signed in with their last recovery code, and must generate a new set
 * before anything else. Replaces every page (see required-action-views.tsx) until it is done.
 */
export function RegenerateRecoveryCodesPage() {
  const { refresh } = useSessionState();
  const { withReauthentication } = useReauthentication();
  const [codes, setCodes] = useState<string[] | null>(null);
  const form = useForm();

  const submit = form.handleSubmit(async () => {
    setCodes(await withReauthentication(regenerateRecoveryCodes));
  });

  if (codes !== null) {
    return (
      <div className="page page-narrow">
        <PageHeading isFocusedOnMount>Save your new recovery codes</PageHeading>
        <div className="card">
          {/* The session still lists the action until it is reloaded, on Continue. */}
          <NewRecoveryCodes codes={codes} onFinish={async () => void (await refresh())} finishLabel="Continue" />
        </div>
      </div>
    );
  }

  return (
    <div className="page page-narrow">
      <PageHeading isFocusedOnMount>Generate new recovery codes</PageHeading>
      <div className="card">
        <p>You have used all of your recovery codes.</p>
        <p>
          Before you continue, generate a new set and keep it somewhere safe. If you ever lose access to your authenticator app,
          a recovery code is how you sign in. The codes you used no longer work.
        </p>
        <form ref={form.formRef} onSubmit={submit} noValidate>
          <FormAlert problem={form.problem} />
          <div className="form-actions">
            <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Generating…">
              Generate new recovery codes
            </SubmitButton>
          </div>
        </form>
      </div>
    </div>
  );
}
