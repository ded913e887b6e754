import { useState } from 'react';
import { CheckboxField } from '../../components/CheckboxField';
import { CopyButton } from '../../components/CopyButton';
import { FormAlert } from '../../components/FormAlert';
import { RadioGroupField } from '../../components/RadioGroupField';
import { useReauthentication } from '../../components/reauthentication';
import { SubmitButton } from '../../components/SubmitButton';
import { TextAreaField } from '../../components/TextAreaField';
import { TextField } from '../../components/TextField';
import { useForm } from '../../components/use-form';
import { requireValue } from '../../components/validation';
import { useSessionState } from '../../session/session-context';
import { saveSsoConnection, type SsoConnection, type SsoMfaRule } from './sso-api';

const mfaOptions = [
  {
    value: 'disable_with_requirement',
    label: 'Turn single sign-on off when two-factor authentication is required',
    hint: 'Members then sign in with their Tessera password and second factor.',
  },
  {
    value: 'tessera_second_factor',
    label: 'Also ask for Tessera’s second factor after single sign-on',
    hint: 'Members pass Tessera’s second step (or set one up when it is required) after the identity provider.',
  },
  {
    value: 'trust_provider_amr',
    label: 'Accept the identity provider’s multi-factor sign-in',
    hint: 'When the provider reports a second factor (amr: mfa, otp, hwk…), nothing more is asked; otherwise Tessera’s second step.',
  },
] as const;

/** "acme.com, acme.io" or one per line → ["acme.com", "acme.io"]. */
function parseDomains(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((domain) => domain.trim())
    .filter((domain) => domain !== '');
}

interface SsoConnectionFormProps {
  connection: SsoConnection | null;
  isRequirementOn: boolean;
  onSaved: () => void;
}

/** E1, E3–E5: the connection's settings; the client secret is write-only. */
export function SsoConnectionForm({ connection, isRequirementOn, onSaved }: SsoConnectionFormProps) {
  const { refresh } = useSessionState();
  const { withReauthentication } = useReauthentication();
  const [issuer, setIssuer] = useState(connection?.issuer ?? '');
  const [clientId, setClientId] = useState(connection?.clientId ?? '');
  const [clientSecret, setClientSecret] = useState('');
  const [domains, setDomains] = useState(connection?.domains.join('\n') ?? '');
  const [enabled, setEnabled] = useState(connection?.enabled ?? true);
  const [mfa, setMfa] = useState<SsoMfaRule>(connection?.mfa ?? 'disable_with_requirement');
  const [createMembers, setCreateMembers] = useState(connection?.createMembers ?? false);
  const [passwordForRoutedMembers, setPasswordForRoutedMembers] = useState(connection?.passwordForRoutedMembers ?? false);
  const form = useForm();

  const submit = form.handleSubmit(
    async () => {
      await withReauthentication(() =>
        saveSsoConnection({
          issuer: issuer.trim(),
          clientId: clientId.trim(),
          ...(clientSecret === '' ? {} : { clientSecret }),
          domains: parseDomains(domains),
          enabled,
          mfa,
          createMembers,
          passwordForRoutedMembers,
        }),
      );
      // Write-only: once stored, the secret leaves the page.
      setClientSecret('');
      await refresh();
      onSaved();
    },
    () => ({
      issuer: requireValue(issuer, 'Enter the issuer’s address.'),
      clientId: requireValue(clientId, 'Enter the client id.'),
      clientSecret: connection === null ? requireValue(clientSecret, 'Enter the client secret.') : undefined,
      domains: parseDomains(domains).length === 0 ? 'Claim at least one e-mail domain.' : undefined,
    }),
  );

  const conflict = isRequirementOn && enabled && mfa === 'disable_with_requirement';
  return (
    <form ref={form.formRef} onSubmit={submit} noValidate className="narrow-form">
      <FormAlert problem={form.problem} fields={['issuer', 'clientId', 'clientSecret', 'domains']} />
      {connection && (
        <p className="field-hint">
          Redirect URI to register at the provider: <code>{connection.redirectUri}</code> <CopyButton text={connection.redirectUri} copiedMessage="Redirect URI copied.">Copy</CopyButton>
        </p>
      )}
      <TextField
        label="Issuer URL"
        name="issuer"
        type="url"
        autoComplete="off"
        spellCheck={false}
        hint="The provider’s address; its settings are read from /.well-known/openid-configuration. Must start with https://."
        value={issuer}
        onValueChange={setIssuer}
        error={form.fieldErrors.issuer}
      />
      <TextField label="Client id" name="clientId" autoComplete="off" spellCheck={false} value={clientId} onValueChange={setClientId} error={form.fieldErrors.clientId} />
      <TextField
        label="Client secret"
        name="clientSecret"
        type="password"
        autoComplete="new-password"
        hint={connection ? 'Stored encrypted and never shown again. Leave empty to keep it.' : 'Stored encrypted and never shown again.'}
        value={clientSecret}
        onValueChange={setClientSecret}
        error={form.fieldErrors.clientSecret}
      />
      <TextAreaField
        label="E-mail domains"
        name="domains"
        rows={3}
        spellCheck={false}
        hint="One per line, such as acme.com. Addresses of these domains sign in through the provider. A domain can belong to one organization only."
        value={domains}
        onValueChange={setDomains}
        error={form.fieldErrors.domains}
      />
      <RadioGroupField legend="When two-factor authentication is required" name="mfa" value={mfa} options={mfaOptions} onValueChange={setMfa} />
      <CheckboxField label="Create members on first sign-in" name="createMembers" checked={createMembers} onCheckedChange={setCreateMembers} hint="Otherwise only people already in the organization can sign in." />
      <CheckboxField
        label="Members may also use a password"
        name="passwordForRoutedMembers"
        checked={passwordForRoutedMembers}
        onCheckedChange={setPasswordForRoutedMembers}
        hint="Administrators always keep their password, for when the provider is down."
      />
      <CheckboxField
        label="Enabled"
        name="enabled"
        checked={enabled}
        onCheckedChange={setEnabled}
        hint={conflict ? 'Two-factor authentication is required: with the first rule above the connection cannot be enabled.' : undefined}
      />
      <div className="form-actions form-actions-compact">
        <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Saving…" variant="secondary">
          Save single sign-on
        </SubmitButton>
      </div>
    </form>
  );
}
