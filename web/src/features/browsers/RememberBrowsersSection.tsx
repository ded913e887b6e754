import { useState } from 'react';
import { FormAlert } from '../../components/FormAlert';
import { useReauthentication } from '../../components/reauthentication';
import { StatusMessage } from '../../components/StatusMessage';
import { SubmitButton } from '../../components/SubmitButton';
import { TextField } from '../../components/TextField';
import { useForm } from '../../components/use-form';
import { useSession, useSessionState } from '../../session/session-context';
import { updateOrganization } from '../admin/admin-api';

const maxDays = 30;

/** B2: "Don't ask for the second factor again on a browser for N days" (0 = off, at most 30). */
export function RememberBrowsersSection() {
  const { organization } = useSession();
  const { refresh } = useSessionState();
  const { withReauthentication } = useReauthentication();
  const current = organization.twoFactor.rememberBrowserDays ?? 0;
  const [days, setDays] = useState(String(current));
  const [isSaved, setSaved] = useState(false);
  const form = useForm();

  const submit = form.handleSubmit(
    async () => {
      setSaved(false);
      await withReauthentication(() => updateOrganization({ twoFactor: { rememberBrowserDays: Number(days) } }));
      await refresh();
      setSaved(true);
    },
    () => {
      const value = Number(days);
      return { rememberBrowserDays: days.trim() !== '' && Number.isInteger(value) && value >= 0 && value <= maxDays ? undefined : `Enter a whole number of days from 0 to ${maxDays}.` };
    },
  );
  const next = Number(days);
  const isLowering = Number.isInteger(next) && next < current;

  return (
    <section className="card" aria-labelledby="remember-heading">
      <h2 id="remember-heading">Remembered browsers</h2>
      <p className="muted">
        Let members tick “Don’t ask again on this browser” when they enter their second factor, so that browser skips the second step (never the password) for this many days. 0
        turns it off.
      </p>
      <form ref={form.formRef} onSubmit={submit} noValidate className="narrow-form">
        {isSaved && <StatusMessage>The remembered-browser setting has been saved.</StatusMessage>}
        <FormAlert problem={form.problem} fields={['rememberBrowserDays', 'twoFactor.rememberBrowserDays']} />
        <TextField
          label="Don't ask for the second factor again on a browser for (days)"
          name="rememberBrowserDays"
          inputMode="numeric"
          value={days}
          onValueChange={(value) => {
            setDays(value);
            setSaved(false);
          }}
          hint={isLowering ? 'Lowering it or turning it off forgets every remembered browser: members are asked for their second factor at their next sign-in.' : `From 0 (off) to ${maxDays}.`}
          error={form.fieldErrors.rememberBrowserDays ?? form.fieldErrors['twoFactor.rememberBrowserDays']}
        />
        <div className="form-actions form-actions-compact">
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Saving…" variant="secondary">
            Save remembered-browser setting
          </SubmitButton>
        </div>
      </form>
    </section>
  );
}
