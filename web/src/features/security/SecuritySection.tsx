import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { describeProblem, toProblem, type Problem } from '../../api/client';
import { useReauthentication } from '../../components/reauthentication';
import { ResendVerificationButton } from '../../components/ResendVerificationButton';
import { StatusMessage } from '../../components/StatusMessage';
import { useFocusOnMount } from '../../components/use-focus-on-mount';
import type { Resource } from '../../components/use-resource';
import { useSession, useSessionState } from '../../session/session-context';
import { NewRecoveryCodes, RecoveryCodeActions, RecoveryCodeList } from './RecoveryCodes';
import { RegenerateCodesDialog } from './RegenerateCodesDialog';
import { RemoveSmsDialog } from './RemoveSmsDialog';
import { TotpSetup } from './TotpSetup';
import { TurnOffDialog } from './TurnOffDialog';
import {
  fetchTwoFactorStatus,
  listRecoveryCodes,
  startTotpEnrollment,
  type RecoveryCodeEntry,
  type TotpEnrollment,
  type TwoFactorStatus,
} from './two-factor-api';
import { allowedMethodsOf, alternativesTo } from './allowed-methods';
import './security.css';

// The phone-number rules (libphonenumber-js metadata) load only when someone adds a number.
const SmsSetup = lazy(async () => ({ default: (await import('./SmsSetup')).SmsSetup }));

/** What the section shows: the overview, or one step of a flow that replaces it in place. */
type Panel =
  | { kind: 'overview' }
  | { kind: 'setup'; enrollment: TotpEnrollment }
  | { kind: 'sms_setup'; isReplacing: boolean }
  | { kind: 'new_codes'; codes: string[]; reason: NewCodesReason }
  | { kind: 'codes'; codes: RecoveryCodeEntry[] };

/** Why a fresh set of recovery codes is on screen: a first factor (app or texts), or a new set. */
type NewCodesReason = 'enabled' | 'enabled_sms' | 'regenerated';

type Dialog = 'regenerate' | 'turn_off' | 'remove_sms' | null;

/** The overview buttons that wait on the server, so each shows its own busy label. */
type PendingAction = 'start' | 'show_codes' | null;

/**
 * Two-factor authentication settings: the status, its methods (an authenticator app, T1–T6; text
 * messages, S1–S4), recovery codes (R3–R5) and turning it off (D1). Sensitive steps ask for the
 * password again when the server wants it (A5).
 */
export function SecuritySection() {
  const { refresh: refreshSession } = useSessionState();
  const { withReauthentication } = useReauthentication();
  const [status, setStatus] = useState<Resource<TwoFactorStatus>>({ status: 'loading' });
  const [panel, setPanel] = useState<Panel>({ kind: 'overview' });
  const [dialog, setDialog] = useState<Dialog>(null);
  const [pending, setPending] = useState<PendingAction>(null);
  const [actionProblem, setActionProblem] = useState<Problem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const loadStatus = useCallback(async () => {
    try {
      setStatus({ status: 'ready', data: await fetchTwoFactorStatus() });
    } catch (error) {
      setStatus({ status: 'failed', problem: toProblem(error) });
    }
  }, []);

  useEffect(() => {
    void loadStatus();
  }, [loadStatus]);

  /** Back to the overview with fresh numbers, focus at the top of the section and a note of what changed. */
  async function returnToOverview(message: string | null) {
    await loadStatus();
    setPanel({ kind: 'overview' });
    setDialog(null);
    setNotice(message);
    headingRef.current?.focus();
  }

  /** Runs an overview action; its problem is shown above the buttons. */
  async function runAction(action: PendingAction, run: () => Promise<void>) {
    setPending(action);
    setActionProblem(null);
    setNotice(null);
    try {
      await run();
    } catch (error) {
      const problem = toProblem(error);
      setActionProblem(problem);
      // The session may say the address is verified when it no longer is (or the reverse).
      if (problem.code === 'email_not_verified') void refreshSession();
    } finally {
      setPending(null);
    }
  }

  const startSetup = () =>
    runAction('start', async () => {
      const enrollment = await withReauthentication(startTotpEnrollment);
      setPanel({ kind: 'setup', enrollment });
    });

  const showCodes = () =>
    runAction('show_codes', async () => {
      const codes = await withReauthentication(listRecoveryCodes);
      setPanel({ kind: 'codes', codes });
    });

  function openDialog(next: Dialog) {
    setActionProblem(null);
    setNotice(null);
    setDialog(next);
  }

  return (
    <section className="card" aria-labelledby="two-factor-heading">
      <h2 id="two-factor-heading" ref={headingRef} tabIndex={-1}>
        Two-factor authentication
      </h2>
      {panel.kind === 'overview' && (
        <Overview
          status={status}
          notice={notice}
          actionProblem={actionProblem}
          pending={pending}
          onStart={startSetup}
          onShowCodes={showCodes}
          onRegenerate={() => openDialog('regenerate')}
          onTurnOff={() => openDialog('turn_off')}
          onSetUpSms={(isReplacing) => {
            setActionProblem(null);
            setNotice(null);
            setPanel({ kind: 'sms_setup', isReplacing });
          }}
          onRemoveSms={() => openDialog('remove_sms')}
        />
      )}
      {panel.kind === 'sms_setup' && (
        <Suspense fallback={<p role="status">Loading…</p>}>
          <SmsSetup
            isReplacing={panel.isReplacing}
            onConfirmed={({ phoneNumber, recoveryCodes }) => {
              // A required setup (P5) is done: the session drops the bar and the refusals.
              void refreshSession();
              if (recoveryCodes && recoveryCodes.length > 0) setPanel({ kind: 'new_codes', codes: recoveryCodes, reason: 'enabled_sms' });
              else void returnToOverview(`Your number is confirmed. Sign-in codes will be texted to ${phoneNumber}.`);
            }}
            onCancel={() => void returnToOverview(panel.isReplacing ? 'Your phone number was not changed.' : 'Text messages were not set up.')}
          />
        </Suspense>
      )}
      {panel.kind === 'setup' && (
        <TotpSetup
          // A new setup is a new key: start its form afresh.
          key={panel.enrollment.secret}
          enrollment={panel.enrollment}
          onEnabled={(codes) => {
            // A required setup (P5) is done: the session drops the bar and the refusals.
            void refreshSession();
            // Added beside text messages, the app keeps the recovery codes the member already has.
            if (codes.length > 0) setPanel({ kind: 'new_codes', codes, reason: 'enabled' });
            else void returnToOverview('Your authenticator app is set up. You can use it or text messages when you sign in.');
          }}
          onCancel={() => void returnToOverview('Two-factor authentication was not turned on.')}
          onRestart={() =>
            void runAction('start', async () => {
              setPanel({ kind: 'setup', enrollment: await withReauthentication(startTotpEnrollment) });
            })
          }
          isRestarting={pending === 'start'}
        />
      )}
      {panel.kind === 'new_codes' && (
        <NewCodesPanel
          codes={panel.codes}
          reason={panel.reason}
          onFinish={() => returnToOverview(finishedMessages[panel.reason])}
        />
      )}
      {panel.kind === 'codes' && (
        <ShownCodesPanel codes={panel.codes} onClose={() => void returnToOverview(null)} onRegenerate={() => openDialog('regenerate')} />
      )}
      {dialog === 'regenerate' && (
        <RegenerateCodesDialog
          onRegenerated={(codes) => {
            setDialog(null);
            setPanel({ kind: 'new_codes', codes, reason: 'regenerated' });
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'remove_sms' && status.status === 'ready' && (
        <RemoveSmsDialog
          phoneNumber={status.data.sms?.phoneNumber ?? 'your phone'}
          isLastMethod={!status.data.methods.includes('totp')}
          hasAuthenticator={status.data.methods.includes('totp')}
          canTextCode={status.data.sms?.allowed ?? true}
          onRemoved={() => {
            void refreshSession();
            void returnToOverview('Your phone number was removed. Codes are no longer texted to it.');
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'turn_off' && (
        <TurnOffDialog
          hasAuthenticator={status.status === 'ready' && status.data.methods.includes('totp')}
          canTextCode={status.status === 'ready' && status.data.methods.includes('sms') && (status.data.sms?.allowed ?? true)}
          onTurnedOff={() => void returnToOverview('Two-factor authentication is off.')} onClose={() => setDialog(null)} />
      )}
    </section>
  );
}

const finishedMessages: Record<NewCodesReason, string> = {
  enabled: 'Two-factor authentication is on. You will be asked for a code from your app when you sign in.',
  enabled_sms: 'Two-factor authentication is on. We will text you a code when you sign in.',
  regenerated: 'Your new recovery codes are ready. The old ones no longer work.',
};

interface OverviewProps {
  status: Resource<TwoFactorStatus>;
  notice: string | null;
  actionProblem: Problem | null;
  pending: PendingAction;
  onStart: () => void;
  onShowCodes: () => void;
  onRegenerate: () => void;
  onTurnOff: () => void;
  onSetUpSms: (isReplacing: boolean) => void;
  onRemoveSms: () => void;
}

function Overview(props: OverviewProps) {
  const { status, notice, actionProblem, pending, onStart, onShowCodes, onRegenerate, onTurnOff, onSetUpSms, onRemoveSms } = props;
  const { user, organization } = useSession();

  if (status.status === 'loading') return <p role="status">Loading…</p>;
  if (status.status === 'failed') {
    return (
      <div className="alert alert-error" role="alert">
        <p>{describeProblem(status.problem)}</p>
      </div>
    );
  }

  const { enabled, required, recoveryCodes, methods } = status.data;
  const hasAuthenticator = methods.includes('totp');
  const hasSms = methods.includes('sms');
  // S4: an older server says nothing about texts; the session's organization then decides.
  const isSmsAllowed = status.data.sms?.allowed ?? organization.twoFactor.smsAllowed ?? true;
  // W5: methods the organization does not count cannot be set up (the server answers method_not_allowed).
  const allowedMethods = allowedMethodsOf(organization);
  const isTotpOffered = allowedMethods.includes('totp');
  const isSmsOffered = isSmsAllowed && allowedMethods.includes('sms');
  const maskedNumber = status.data.sms?.phoneNumber ?? null;
  // D1: the only method of a member who must use two-factor authentication stays.
  const canRemoveSms = hasSms && !(required && !hasAuthenticator);
  const requiredBy = organization.twoFactor.requirement === 'required' ? `${organization.name} requires it of everyone` : 'An administrator requires it for your account';

  return (
    <>
      <p className="muted">
        A second step at sign-in keeps your account safe even if someone learns your password: a code from an authenticator app,
        or one we text to your phone.
      </p>
      {notice && <StatusMessage>{notice}</StatusMessage>}
      <div className="status-card">
        <dl className="status-card-facts">
          <div>
            <dt>Status</dt>
            <dd>{enabled ? <span className="badge badge-success">On</span> : <span className="badge badge-neutral">Off</span>}</dd>
          </div>
          {enabled && (
            <div>
              <dt>Recovery codes</dt>
              <dd>
                {recoveryCodes.remaining} of {recoveryCodes.total} left
              </dd>
            </div>
          )}
        </dl>
        {required && (
          <p className="status-card-note">
            {requiredBy}
            {enabled ? ', so it cannot be turned off.' : '.'}
          </p>
        )}
      </div>
      {actionProblem && <ActionProblem problem={actionProblem} />}
      {!enabled && !user.emailVerified && (
        <div className="inline-actions">
          <p>Verify your e-mail address before you turn on two-factor authentication. The link is in your inbox.</p>
          <ResendVerificationButton email={user.email} />
        </div>
      )}
      <h3 className="methods-heading">Methods</h3>
      <ul className="method-list">
        <li className="method">
          <div className="method-text">
            <h4>Authenticator app</h4>
            <p className="muted">Recommended. Codes from an app on your phone, which work without a signal.</p>
            <p className="method-state">{hasAuthenticator ? <span className="badge badge-success">In use</span> : isTotpOffered ? 'Not set up' : 'Not allowed by your organization'}</p>
            {!isTotpOffered && (
              <p className="method-note">
                {hasAuthenticator
                  ? `${organization.name} no longer counts authenticator apps for two-factor authentication.${alternativesTo('totp', allowedMethods)}`
                  : `${organization.name} does not allow authenticator apps for two-factor authentication.${alternativesTo('totp', allowedMethods)}`}
              </p>
            )}
          </div>
          {!hasAuthenticator && isTotpOffered && user.emailVerified && (
            <div className="method-actions">
              <button type="button" className={enabled ? 'button button-secondary' : 'button button-primary'} onClick={onStart} disabled={pending !== null}>
                {pending === 'start' ? 'Starting…' : enabled ? 'Set up an authenticator app' : 'Turn on two-factor authentication'}
              </button>
            </div>
          )}
        </li>
        <li className="method">
          <div className="method-text">
            <h4>Text message</h4>
            <p className="muted">A code texted to your phone at each sign-in. Easier, but less safe: texts can be intercepted or redirected.</p>
            <p className="method-state">
              {!isSmsAllowed || (!hasSms && !isSmsOffered) ? (
                'Not allowed by your organization'
              ) : hasSms ? (
                <>
                  <span className="badge badge-success">In use</span> <span className="method-detail">Codes go to {maskedNumber ?? 'your phone'}</span>
                </>
              ) : (
                'Not set up'
              )}
            </p>
            {isSmsAllowed && !isSmsOffered && (
              <p className="method-note">
                {hasSms
                  ? `${organization.name} no longer counts text messages for two-factor authentication, so the number cannot be changed.${alternativesTo('sms', allowedMethods)}`
                  : `${organization.name} does not allow text messages for two-factor authentication.${alternativesTo('sms', allowedMethods)}`}
              </p>
            )}
            {!isSmsAllowed && (
              <p className="method-note">
                {hasSms
                  ? `${organization.name} no longer allows text messages, so codes are not texted to ${maskedNumber ?? 'your phone'} at sign-in. Use an authenticator app or a recovery code instead.`
                  : `${organization.name} does not allow text messages for two-factor authentication. Use an authenticator app instead.`}
              </p>
            )}
          </div>
          {user.emailVerified && (hasSms || isSmsOffered) && (
            <div className="method-actions">
              {!hasSms && isSmsOffered && (
                <button type="button" className="button button-secondary" onClick={() => onSetUpSms(false)} disabled={pending !== null}>
                  Set up text messages
                </button>
              )}
              {hasSms && isSmsOffered && (
                <button type="button" className="button button-secondary button-small" onClick={() => onSetUpSms(true)} disabled={pending !== null}>
                  Change number
                </button>
              )}
              {canRemoveSms && (
                <button type="button" className="button button-danger button-small" onClick={onRemoveSms} disabled={pending !== null}>
                  Remove number
                </button>
              )}
            </div>
          )}
        </li>
      </ul>
      {enabled && (
        <div className="form-actions">
          <button type="button" className="button button-secondary" onClick={onShowCodes} disabled={pending !== null}>
            {pending === 'show_codes' ? 'Loading…' : 'Show recovery codes'}
          </button>
          <button type="button" className="button button-secondary" onClick={onRegenerate} disabled={pending !== null}>
            Generate new recovery codes
          </button>
          {!required && (
            <button type="button" className="button button-danger" onClick={onTurnOff} disabled={pending !== null}>
              Turn off two-factor authentication
            </button>
          )}
        </div>
      )}
    </>
  );
}

function ActionProblem({ problem }: { problem: Problem }) {
  return (
    <div className="alert alert-error" role="alert">
      <p>
        {problem.code === 'email_not_verified'
          ? 'Verify your e-mail address before you turn on two-factor authentication. The link is in your inbox.'
          : describeProblem(problem)}
      </p>
    </div>
  );
}

const newCodesNotices: Record<NewCodesReason, string> = {
  enabled: 'Your authenticator app is set up and two-factor authentication is on.',
  enabled_sms: 'Your phone number is confirmed and two-factor authentication is on.',
  regenerated: 'New recovery codes are ready. The old ones no longer work.',
};

function NewCodesPanel({ codes, reason, onFinish }: { codes: string[]; reason: NewCodesReason; onFinish: () => Promise<void> }) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  return (
    <div className="two-factor-panel">
      <h3 ref={headingRef} tabIndex={-1}>
        Save your recovery codes
      </h3>
      <StatusMessage>{newCodesNotices[reason]}</StatusMessage>
      <NewRecoveryCodes codes={codes} onFinish={onFinish} factorName={reason === 'enabled_sms' ? 'your phone' : 'your authenticator app'} />
    </div>
  );
}

interface ShownCodesPanelProps {
  codes: RecoveryCodeEntry[];
  onClose: () => void;
  onRegenerate: () => void;
}

/** R3: the current set, used codes struck through with their date of use. */
function ShownCodesPanel({ codes, onClose, onRegenerate }: ShownCodesPanelProps) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const unused = codes.filter((entry) => entry.usedAt === null).length;
  return (
    <div className="two-factor-panel">
      <h3 ref={headingRef} tabIndex={-1}>
        Your recovery codes
      </h3>
      <p>
        {unused} of {codes.length} codes left. Each code works once; used codes are struck through, with the date they were used.
      </p>
      <div className="recovery-codes-printable">
        <RecoveryCodeList codes={codes} />
      </div>
      <RecoveryCodeActions codes={codes} />
      <div className="form-actions">
        <button type="button" className="button button-primary" onClick={onClose}>
          Done
        </button>
        <button type="button" className="button button-secondary" onClick={onRegenerate}>
          Generate new recovery codes
        </button>
      </div>
    </div>
  );
}
