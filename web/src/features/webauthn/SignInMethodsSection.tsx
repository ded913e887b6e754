import { useState } from 'react';
import { api } from '../../api/client';
import { CheckboxField } from '../../components/CheckboxField';
import { FormAlert } from '../../components/FormAlert';
import { Modal } from '../../components/Modal';
import { useReauthentication } from '../../components/reauthentication';
import { StatusMessage } from '../../components/StatusMessage';
import { SubmitButton } from '../../components/SubmitButton';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useForm } from '../../components/use-form';
import { useResource } from '../../components/use-resource';
import { useSession, useSessionState } from '../../session/session-context';
import { fetchOrganization, updateOrganization, type PendingMembers } from '../admin/admin-api';
import { allowedAuthenticatorsOf, draftOf, problemOf, type ModelDraft, type StoredAuthenticatorModel } from './authenticator-models';
import { AuthenticatorModelsFieldset } from './AuthenticatorModelsFieldset';

type Method = 'totp' | 'sms' | 'webauthn';
const methodChoices: ReadonlyArray<{ method: Method; label: string }> = [
  { method: 'webauthn', label: 'Security keys and passkeys' },
  { method: 'totp', label: 'Authenticator app' },
  { method: 'sms', label: 'Text messages' },
];

const listMembersWithoutKey = () => api.get<PendingMembers>('/api/v1/organization/webauthn/not-set-up');

/** W5: the allowed models with their root certificates are read from GET /api/v1/organization. */
const loadModels = async (): Promise<StoredAuthenticatorModel[]> => {
  const organization = await fetchOrganization();
  return organization.twoFactor.authenticatorModels ?? [];
};

export function SignInMethodsSection() {
  const { resource } = useResource(loadModels);
  return (
    <section className="card" aria-labelledby="sign-in-methods-heading">
      <h2 id="sign-in-methods-heading">Sign-in methods</h2>
      {resource.status === 'loading' && <p>Loading…</p>}
      {resource.status === 'failed' && <ProblemAlert problem={resource.problem} />}
      {resource.status === 'ready' && <SignInMethodsForm storedModels={resource.data} />}
    </section>
  );
}

/**
 * W3 W5: which second factors count, "require phishing-resistant sign-in" (after a confirmation
 * listing who has no key yet), allowed authenticator models with their attestation root
 * certificates, and passkey sign-in without a password.
 */
function SignInMethodsForm({ storedModels }: { storedModels: StoredAuthenticatorModel[] }) {
  const { organization } = useSession();
  const { refresh } = useSessionState();
  const { withReauthentication } = useReauthentication();
  const current = organization.twoFactor;
  const [methods, setMethods] = useState<Method[]>(current.allowedMethods ?? ['totp', 'sms', 'webauthn']);
  const [isStrict, setStrict] = useState(current.requirePhishingResistant ?? false);
  const [passkeySignIn, setPasskeySignIn] = useState(organization.passkeySignIn ?? true);
  const [models, setModels] = useState<ModelDraft[]>(() => storedModels.map((model) => draftOf(model)));
  const [confirming, setConfirming] = useState<PendingMembers | null>(null);
  const [isSaved, setSaved] = useState(false);
  const form = useForm();

  async function save() {
    setSaved(false);
    const updated = await withReauthentication(() =>
      updateOrganization({
        twoFactor: { allowedMethods: methods, requirePhishingResistant: isStrict, allowedAuthenticators: allowedAuthenticatorsOf(models) },
        passkeySignIn,
      }),
    );
    // The saved models as the server read them (subjects and end dates of their roots).
    setModels((updated.twoFactor.authenticatorModels ?? []).map((model) => draftOf(model)));
    await refresh();
    setConfirming(null);
    setSaved(true);
  }

  const submit = form.handleSubmit(
    async () => {
      // Turning the requirement on: first say who will be sent into setup.
      if (isStrict && !current.requirePhishingResistant) {
        setConfirming(await listMembersWithoutKey());
        return;
      }
      await save();
    },
    () => ({
      allowedMethods: methods.length === 0 ? 'Allow at least one method.' : isStrict && !methods.includes('webauthn') ? 'Phishing-resistant sign-in needs security keys and passkeys.' : undefined,
      allowedAuthenticators: problemOf(models),
    }),
  );

  function toggle(method: Method, checked: boolean) {
    setSaved(false);
    setMethods((previous) => (checked ? [...previous, method].filter((m, i, all) => all.indexOf(m) === i) : previous.filter((m) => m !== method)));
  }

  return (
    <>
      <form ref={form.formRef} onSubmit={submit} noValidate>
        {isSaved && <StatusMessage>The sign-in methods have been saved.</StatusMessage>}
        <FormAlert problem={form.problem} fields={['allowedMethods', 'allowedAuthenticators']} />
        <fieldset>
          <legend>Second factors that count</legend>
          {methodChoices.map(({ method, label }) => (
            <CheckboxField key={method} label={label} name={`method-${method}`} checked={methods.includes(method)} onCheckedChange={(checked) => toggle(method, checked)} />
          ))}
          {form.fieldErrors.allowedMethods && <p className="field-error">{form.fieldErrors.allowedMethods}</p>}
        </fieldset>
        <CheckboxField
          label="Require phishing-resistant sign-in"
          name="requirePhishingResistant"
          checked={isStrict}
          onCheckedChange={(checked) => {
            setSaved(false);
            setStrict(checked);
          }}
          hint="Only security keys and passkeys satisfy the requirement. Members with only an app or a phone must add one at their next sign-in; remembered browsers are forgotten."
        />
        <CheckboxField
          label="Allow signing in with a passkey alone (no password)"
          name="passkeySignIn"
          checked={passkeySignIn}
          onCheckedChange={(checked) => {
            setSaved(false);
            setPasskeySignIn(checked);
          }}
        />
        <AuthenticatorModelsFieldset
          drafts={models}
          onChange={(drafts) => {
            setSaved(false);
            setModels(drafts);
          }}
          error={form.fieldErrors.allowedAuthenticators}
        />
        <div className="form-actions form-actions-compact">
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Saving…">
            Save sign-in methods
          </SubmitButton>
        </div>
      </form>
      {confirming && (
        <Modal title="Require phishing-resistant sign-in?" onClose={() => setConfirming(null)}>
          <p>
            {confirming.total === 0
              ? 'Every member already has a security key or passkey.'
              : `${confirming.total} ${confirming.total === 1 ? 'member has' : 'members have'} no security key or passkey yet. They will have to add one at their next sign-in, and until then they cannot change settings:`}
          </p>
          {confirming.users.length > 0 && (
            <ul aria-label="Members without a security key or passkey">
              {confirming.users.map((user) => (
                <li key={user.id}>
                  {user.name} ({user.email})
                </li>
              ))}
            </ul>
          )}
          <div className="modal-actions">
            <button type="button" className="button button-secondary" onClick={() => setConfirming(null)}>
              Cancel
            </button>
            <button type="button" className="button button-primary" onClick={() => void save()}>
              Require it
            </button>
          </div>
        </Modal>
      )}
    </>
  );
}
