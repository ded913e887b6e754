import { useCallback, useEffect, useRef, useState } from 'react';
import { describeProblem, toProblem, type Problem } from '../../api/client';
import { StatusMessage } from '../../components/StatusMessage';
import { useSessionState } from '../../session/session-context';
import { NewRecoveryCodes } from '../security/RecoveryCodes';
import { fetchTwoFactorStatus, type TwoFactorStatus } from '../security/two-factor-api';
import { AddCredentialForm } from './AddCredentialForm';
import { CredentialItem } from './CredentialItem';
import { RemoveCredentialDialog } from './RemoveCredentialDialog';
import { listCredentials, type Credential, type CredentialKind } from './webauthn-api';
import './webauthn.css';

type Panel = { kind: 'list' } | { kind: 'add'; credentialKind: CredentialKind } | { kind: 'codes'; codes: string[] };

type Loaded = { status: 'loading' } | { status: 'failed'; problem: Problem } | { status: 'ready'; credentials: Credential[]; twoFactor: TwoFactorStatus };

/**
 * W1: "Security keys and passkeys" on the Security page — the list, Add passkey / Add security
 * key, rename and remove. A first key also turns two-factor authentication on, with recovery codes.
 * `onChanged`: the page's other sections reload what they show.
 */
export function SecurityKeysSection({ onChanged }: { onChanged?: () => void }) {
  const { refresh: refreshSession } = useSessionState();
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' });
  const [panel, setPanel] = useState<Panel>({ kind: 'list' });
  const [removing, setRemoving] = useState<Credential | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    try {
      const [credentials, twoFactor] = await Promise.all([listCredentials(), fetchTwoFactorStatus()]);
      setLoaded({ status: 'ready', credentials, twoFactor });
    } catch (error) {
      setLoaded({ status: 'failed', problem: toProblem(error) });
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  async function backToList(message: string | null, hasChanged = true) {
    await load();
    if (hasChanged) onChanged?.();
    setPanel({ kind: 'list' });
    setRemoving(null);
    setNotice(message);
    headingRef.current?.focus();
  }

  const methods = loaded.status === 'ready' ? loaded.twoFactor.methods : [];
  const credentials = loaded.status === 'ready' ? loaded.credentials : [];

  return (
    <section className="card" aria-labelledby="security-keys-heading">
      <h2 id="security-keys-heading" ref={headingRef} tabIndex={-1}>
        Security keys and passkeys
      </h2>
      {panel.kind === 'list' && (
        <>
          <p>The safest way to sign in: a key cannot be phished, because it only answers this site.</p>
          {notice && <StatusMessage tone="success">{notice}</StatusMessage>}
          {loaded.status === 'loading' && <p role="status">Loading…</p>}
          {loaded.status === 'failed' && (
            <div className="alert alert-error" role="alert">
              <p>{describeProblem(loaded.problem)}</p>
            </div>
          )}
          {loaded.status === 'ready' && credentials.length === 0 && <p className="muted">You have no security keys or passkeys yet.</p>}
          {credentials.length > 0 && (
            <ul className="credential-list" aria-label="Your security keys and passkeys">
              {credentials.map((credential) => (
                <CredentialItem
                  key={credential.id}
                  credential={credential}
                  onRenamed={(name) => void backToList(`Renamed to “${name}”.`)}
                  onRemove={() => setRemoving(credential)}
                />
              ))}
            </ul>
          )}
          <div className="form-actions">
            <button type="button" className="button button-primary" onClick={() => setPanel({ kind: 'add', credentialKind: 'passkey' })}>
              Add passkey
            </button>
            <button type="button" className="button button-secondary" onClick={() => setPanel({ kind: 'add', credentialKind: 'security_key' })}>
              Add security key
            </button>
          </div>
        </>
      )}
      {panel.kind === 'add' && (
        <AddCredentialForm
          kind={panel.credentialKind}
          onAdded={({ name, recoveryCodes }) => {
            // A required setup (P5) may be done now: the session drops the bar and the refusals.
            void refreshSession();
            if (recoveryCodes && recoveryCodes.length > 0) setPanel({ kind: 'codes', codes: recoveryCodes });
            else void backToList(`“${name}” was added. You can use it when you sign in.`);
          }}
          onCancel={() => void backToList(null, false)}
        />
      )}
      {panel.kind === 'codes' && (
        <NewRecoveryCodes
          codes={panel.codes}
          factorName="your security key or passkey"
          onFinish={() => backToList('Two-factor authentication is on. You will be asked for your security key or passkey when you sign in.')}
        />
      )}
      {removing && (
        <RemoveCredentialDialog
          credential={removing}
          isLastMethod={credentials.length === 1 && !methods.includes('totp') && !methods.includes('sms')}
          hasAuthenticator={methods.includes('totp')}
          canTextCode={methods.includes('sms') && (loaded.status === 'ready' ? (loaded.twoFactor.sms?.allowed ?? true) : false)}
          onRemoved={() => {
            void refreshSession();
            void backToList(`“${removing.name}” was removed.`);
          }}
          onClose={() => setRemoving(null)}
        />
      )}
    </section>
  );
}
