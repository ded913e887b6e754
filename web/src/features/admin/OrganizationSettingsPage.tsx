import { lazy, Suspense, useId, useRef, useState } from 'react';
import { CheckboxField } from '../../components/CheckboxField';
import { FormAlert } from '../../components/FormAlert';
import { formatDateTime } from '../../components/format';
import { PageHeading } from '../../components/PageHeading';
import { RadioGroupField } from '../../components/RadioGroupField';
import { useReauthentication } from '../../components/reauthentication';
import { StatusMessage } from '../../components/StatusMessage';
import { SubmitButton } from '../../components/SubmitButton';
import { TextField } from '../../components/TextField';
import { useForm } from '../../components/use-form';
import { requireValue } from '../../components/validation';
import { useSession, useSessionState } from '../../session/session-context';
import { RememberBrowsersSection } from '../browsers/RememberBrowsersSection';
import { SingleSignOnSection } from '../sso/SingleSignOnSection';
import { SignInMethodsSection } from '../webauthn/SignInMethodsSection';
import { isGracePeriod } from '../security/two-factor-requirement';
import { updateOrganization, type OrganizationChanges } from './admin-api';
import { MakeOptionalDialog, RequireTwoFactorDialog } from './RequirementDialogs';
import './admin.css';

// The country list (libphonenumber-js metadata) loads only when an administrator limits countries.
const AllowedCountriesField = lazy(async () => ({ default: (await import('./AllowedCountriesField')).AllowedCountriesField }));

/** P1–P3, P6, R6 and T2's issuer: the organization's security policy and names, for administrators. */
export function OrganizationSettingsPage() {
  return (
    <div className="page">
      <div className="page-header">
        <PageHeading>Organization settings</PageHeading>
      </div>
      <RequirementSection />
      <SingleSignOnSection />
      <RecoveryCodePolicySection />
      <TextMessagesSection />
      <RememberBrowsersSection />
      <SignInMethodsSection />
      <NamesSection />
    </div>
  );
}

/** Saves organization changes (asking for the password when the server wants it) and reloads the session. */
function useSaveOrganization() {
  const { refresh } = useSessionState();
  const { withReauthentication } = useReauthentication();
  return async (changes: OrganizationChanges) => {
    await withReauthentication(() => updateOrganization(changes));
    await refresh();
  };
}

function RequirementSection() {
  const { organization } = useSession();
  const [dialog, setDialog] = useState<'require' | 'optional' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const switchRef = useRef<HTMLButtonElement>(null);
  const labelId = useId();
  const descriptionId = useId();
  const isRequired = organization.twoFactor.requirement === 'required';
  const requiredFrom = organization.twoFactor.requiredFrom ?? null;
  const isPending = isRequired && isGracePeriod(requiredFrom);

  function done(message: string) {
    setDialog(null);
    setNotice(message);
    switchRef.current?.focus();
  }

  return (
    <section className="card" aria-labelledby="requirement-heading">
      <h2 id="requirement-heading">Two-factor authentication</h2>
      <p className="muted">
        When it is required, everyone in {organization.name}, administrators included, must set up two-factor authentication before
        they can use their account fully.
      </p>
      {notice && <StatusMessage>{notice}</StatusMessage>}
      <div className="status-card">
        <dl className="status-card-facts">
          <div>
            <dt>Status</dt>
            <dd>
              {isRequired ? <span className="badge badge-success">Required</span> : <span className="badge badge-neutral">Optional</span>}
            </dd>
          </div>
          {isPending && (
            <div>
              <dt>In force from</dt>
              <dd>{formatDateTime(requiredFrom)}</dd>
            </div>
          )}
        </dl>
      </div>
      <div className="switch-field">
        <button
          ref={switchRef}
          type="button"
          role="switch"
          className="switch"
          aria-checked={isRequired}
          aria-labelledby={labelId}
          aria-describedby={descriptionId}
          onClick={() => {
            setNotice(null);
            setDialog(isRequired ? 'optional' : 'require');
          }}
        >
          <span className="switch-track" aria-hidden="true">
            <span className="switch-thumb" />
          </span>
          <span className="switch-state" aria-hidden="true">
            {isRequired ? 'On' : 'Off'}
          </span>
        </button>
        <div>
          <span id={labelId} className="switch-label">
            Require two-factor authentication for everyone
          </span>
          <p id={descriptionId} className="field-hint">
            {isRequired ? 'Turning it off asks for a confirmation first.' : 'Turning it on shows who has not set it up yet, and asks for a confirmation.'}
          </p>
        </div>
      </div>
      {dialog === 'require' && (
        <RequireTwoFactorDialog
          onDone={(deadline) =>
            done(
              deadline
                ? `Two-factor authentication will be required from ${formatDateTime(deadline)}. Members who have not set it up yet were e-mailed.`
                : 'Two-factor authentication is now required. Members who have not set it up yet were e-mailed.',
            )
          }
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'optional' && (
        <MakeOptionalDialog onDone={() => done('Two-factor authentication is now optional. Nobody’s own settings changed.')} onClose={() => setDialog(null)} />
      )}
    </section>
  );
}

type RecoveryCodePolicy = 'deplete' | 'replace';

const policyOptions = [
  {
    value: 'deplete',
    label: 'Use up the set',
    hint: 'Each code works once. After signing in with the last one, a member must generate a new set before doing anything else.',
  },
  { value: 'replace', label: 'Replace each used code', hint: 'A fresh code replaces each used one, so 8 always stay available.' },
] as const;

function RecoveryCodePolicySection() {
  const { organization } = useSession();
  const save = useSaveOrganization();
  const [policy, setPolicy] = useState<RecoveryCodePolicy>(organization.twoFactor.recoveryCodePolicy);
  const [isSaved, setSaved] = useState(false);
  const form = useForm();

  const submit = form.handleSubmit(async () => {
    setSaved(false);
    await save({ twoFactor: { recoveryCodePolicy: policy } });
    setSaved(true);
  });

  return (
    <section className="card" aria-labelledby="policy-heading">
      <h2 id="policy-heading">Recovery codes</h2>
      <form ref={form.formRef} onSubmit={submit} noValidate>
        {isSaved && <StatusMessage>The recovery code policy has been saved.</StatusMessage>}
        <FormAlert problem={form.problem} fields={['recoveryCodePolicy']} />
        <RadioGroupField
          legend="When a member signs in with a recovery code"
          name="recoveryCodePolicy"
          value={policy}
          options={policyOptions}
          onValueChange={(value) => {
            setPolicy(value);
            setSaved(false);
          }}
          error={form.fieldErrors.recoveryCodePolicy}
        />
        <div className="form-actions form-actions-compact">
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Saving…" variant="secondary">
            Save policy
          </SubmitButton>
        </div>
      </form>
    </section>
  );
}

type SmsCodeLength = '6' | '7';
type CountryScope = 'all' | 'listed';

const countryScopeOptions = [
  { value: 'all', label: 'Every country' },
  { value: 'listed', label: 'Only the countries listed', hint: 'Numbers from other countries cannot be added. Numbers added before keep working.' },
] as const;

const allowedCountriesField = 'twoFactor.smsAllowedCountries';

const codeLengthOptions = [
  { value: '6', label: '6 digits', hint: 'The usual length, and the default.' },
  { value: '7', label: '7 digits', hint: 'Ten times harder to guess; a little more to type.' },
] as const;

/** S2, S4: whether members may use text messages as a second factor, and how long texted codes are. */
function TextMessagesSection() {
  const { organization } = useSession();
  const save = useSaveOrganization();
  const [isAllowed, setAllowed] = useState(organization.twoFactor.smsAllowed ?? true);
  const [codeLength, setCodeLength] = useState<SmsCodeLength>(organization.twoFactor.smsCodeLength === 7 ? '7' : '6');
  const savedCountries = organization.twoFactor.smsAllowedCountries ?? null;
  const [countryScope, setCountryScope] = useState<CountryScope>(savedCountries === null ? 'all' : 'listed');
  const [countries, setCountries] = useState<string[]>(savedCountries ?? []);
  const [isSaved, setSaved] = useState(false);
  const form = useForm();

  const submit = form.handleSubmit(
    async () => {
      setSaved(false);
      const smsAllowedCountries = countryScope === 'all' ? null : countries;
      await save({ twoFactor: { smsAllowed: isAllowed, smsCodeLength: codeLength === '7' ? 7 : 6, smsAllowedCountries } });
      setSaved(true);
    },
    () => ({ [allowedCountriesField]: countryScope === 'listed' && countries.length === 0 ? 'Add at least one country, or allow every country.' : undefined }),
  );

  return (
    <section className="card" aria-labelledby="sms-heading">
      <h2 id="sms-heading">Text messages</h2>
      <p className="muted">
        Members can get their sign-in codes by text message instead of from an authenticator app. Texts are the weakest second factor:
        they can be intercepted, or a phone number taken over.
      </p>
      <form ref={form.formRef} onSubmit={submit} noValidate>
        {isSaved && <StatusMessage>The text message settings have been saved.</StatusMessage>}
        <FormAlert problem={form.problem} fields={['smsAllowed', 'smsCodeLength', allowedCountriesField]} />
        <CheckboxField
          label="Allow text messages"
          name="smsAllowed"
          checked={isAllowed}
          onCheckedChange={(checked) => {
            setAllowed(checked);
            setSaved(false);
          }}
          hint={
            isAllowed
              ? 'Turning this off stops texting codes at once. Members who use only text messages then sign in with a recovery code and should set up an authenticator app.'
              : 'Numbers members added earlier are kept, but no codes are texted to them.'
          }
          error={form.fieldErrors.smsAllowed}
        />
        <RadioGroupField
          legend="Length of texted codes"
          name="smsCodeLength"
          value={codeLength}
          options={codeLengthOptions}
          onValueChange={(value) => {
            setCodeLength(value);
            setSaved(false);
          }}
          error={form.fieldErrors.smsCodeLength}
          disabled={!isAllowed}
        />
        <RadioGroupField
          legend="Countries of phone numbers"
          name="smsCountryScope"
          value={countryScope}
          options={countryScopeOptions}
          onValueChange={(value) => {
            setCountryScope(value);
            setSaved(false);
          }}
          hint="Codes are texted to mobile numbers only, never to landlines, premium-rate or toll-free numbers. Limiting countries to where your members live also limits what a misused account can cost."
          error={countryScope === 'all' ? form.fieldErrors[allowedCountriesField] : undefined}
          disabled={!isAllowed}
        />
        {countryScope === 'listed' && (
          <Suspense fallback={<p className="muted">Loading the list of countries…</p>}>
            <AllowedCountriesField
              countries={countries}
              onCountriesChange={(next) => {
                setCountries(next);
                setSaved(false);
              }}
              error={form.fieldErrors[allowedCountriesField]}
              disabled={!isAllowed}
            />
          </Suspense>
        )}
        <div className="form-actions form-actions-compact">
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Saving…" variant="secondary">
            Save text message settings
          </SubmitButton>
        </div>
      </form>
    </section>
  );
}

function NamesSection() {
  const { organization } = useSession();
  const save = useSaveOrganization();
  const [name, setName] = useState(organization.name);
  const [brandName, setBrandName] = useState(organization.brandName ?? '');
  const [isSaved, setSaved] = useState(false);
  const form = useForm();

  const submit = form.handleSubmit(
    async () => {
      setSaved(false);
      await save({ name: name.trim(), brandName: brandName.trim() === '' ? null : brandName.trim() });
      setSaved(true);
    },
    () => ({ name: requireValue(name, 'Enter the organization’s name.') }),
  );

  return (
    <section className="card" aria-labelledby="names-heading">
      <h2 id="names-heading">Name and brand</h2>
      <form ref={form.formRef} onSubmit={submit} noValidate className="narrow-form">
        {isSaved && <StatusMessage>The names have been saved.</StatusMessage>}
        <FormAlert problem={form.problem} fields={['name', 'brandName']} />
        <TextField label="Organization name" name="name" autoComplete="organization" value={name} onValueChange={setName} error={form.fieldErrors.name} />
        <TextField
          label="Brand name in authenticator apps"
          name="brandName"
          autoComplete="off"
          hint={`Shown as the issuer of new authenticator entries, such as a company or reseller brand. Leave it empty to use “${organization.name}”. Entries already added keep their name.`}
          value={brandName}
          onValueChange={setBrandName}
          error={form.fieldErrors.brandName}
        />
        <div className="form-actions form-actions-compact">
          <SubmitButton isSubmitting={form.isSubmitting} busyLabel="Saving…" variant="secondary">
            Save names
          </SubmitButton>
        </div>
      </form>
    </section>
  );
}
