import { TextAreaField } from '../../components/TextAreaField';
import { TextField } from '../../components/TextField';
import { draftOf, type ModelDraft } from './authenticator-models';

interface AuthenticatorModelsFieldsetProps {
  drafts: ModelDraft[];
  onChange: (drafts: ModelDraft[]) => void;
  error?: string;
}

const dateOf = (iso: string) => new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' });

/**
 * W5: the allowed authenticator models, each an AAGUID with the attestation root certificate(s)
 * its attestation chain must lead to (from the vendor or the FIDO metadata statement).
 */
export function AuthenticatorModelsFieldset({ drafts, onChange, error }: AuthenticatorModelsFieldsetProps) {
  const update = (key: number, change: Partial<ModelDraft>) => onChange(drafts.map((draft) => (draft.key === key ? { ...draft, ...change } : draft)));
  return (
    <fieldset className="authenticator-models">
      <legend>Allowed authenticator models (optional)</legend>
      <p className="field-hint">
        {drafts.length === 0
          ? 'Any model of security key or passkey may be registered.'
          : 'Only these models may be registered: a key must show an attestation certificate chain that leads to one of its model’s root certificates. Keys that show no attestation (most synced passkeys) are refused.'}
      </p>
      {error && <p className="field-error">{error}</p>}
      {drafts.map((draft, index) => (
        <div key={draft.key} className="authenticator-model" role="group" aria-label={`Model ${index + 1}`}>
          <TextField label={`Model ${index + 1}: AAGUID`} name={`model-${draft.key}-aaguid`} value={draft.aaguid} onValueChange={(aaguid) => update(draft.key, { aaguid })} spellCheck={false} autoComplete="off" />
          <TextAreaField
            label={`Model ${index + 1}: attestation root certificates`}
            name={`model-${draft.key}-certificates`}
            value={draft.certificates}
            onValueChange={(certificates) => update(draft.key, { certificates })}
            rows={5}
            spellCheck={false}
            className="monospace"
            hint="PEM (-----BEGIN CERTIFICATE-----), or the base64 of the metadata statement’s attestationRootCertificates, one per paragraph. At most 4."
          />
          {draft.stored.length > 0 && (
            <ul className="authenticator-model-roots" aria-label={`Saved root certificates of model ${index + 1}`}>
              {draft.stored.map((certificate) => (
                <li key={certificate.sha256}>
                  {certificate.subject} — valid until {dateOf(certificate.validTo)}
                </li>
              ))}
            </ul>
          )}
          <button type="button" className="button button-secondary" onClick={() => onChange(drafts.filter((other) => other.key !== draft.key))}>
            Remove model {index + 1}
          </button>
        </div>
      ))}
      <button type="button" className="button button-secondary" onClick={() => onChange([...drafts, draftOf()])}>
        Add a model
      </button>
    </fieldset>
  );
}
