import { useState } from 'react';
import { CheckboxField } from '../../components/CheckboxField';
import { copyFailedMessage, copyToClipboard } from '../../components/CopyButton';
import { formatDate } from '../../components/format';
import { useSession } from '../../session/session-context';
import {
  downloadTextFile,
  formatRecoveryCodesFile,
  formatRecoveryCodesForClipboard,
  recoveryCodesFileName,
} from './recovery-codes-file';
import type { RecoveryCodeEntry } from './two-factor-api';

/** R1, R3: the codes as `1234-5678`; used ones struck through, with their date of use in words too. */
export function RecoveryCodeList({ codes }: { codes: readonly RecoveryCodeEntry[] }) {
  return (
    <ul className="recovery-code-list" aria-label="Recovery codes">
      {codes.map(({ code, usedAt }) => (
        <li key={code} className={usedAt === null ? 'recovery-code' : 'recovery-code recovery-code-used'}>
          {usedAt === null ? (
            <code>{code}</code>
          ) : (
            <>
              <s>
                <code>{code}</code>
              </s>{' '}
              <span className="recovery-code-note">used {formatDate(usedAt)}</span>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

type ActionOutcome =
  | { kind: 'idle' }
  | { kind: 'copied'; count: number }
  | { kind: 'downloaded'; fileName: string }
  | { kind: 'printed' }
  | { kind: 'copy_failed' };

interface RecoveryCodeActionsProps {
  codes: readonly RecoveryCodeEntry[];
  /** Called once the codes left the page (copied, downloaded or sent to the printer). */
  onSaved?: () => void;
}

/** R4 (issue 17 item 5): Download (a .txt naming the organization and the account), Print and Copy. */
export function RecoveryCodeActions({ codes, onSaved }: RecoveryCodeActionsProps) {
  const { user, organization } = useSession();
  const [outcome, setOutcome] = useState<ActionOutcome>({ kind: 'idle' });

  async function copy() {
    const text = formatRecoveryCodesForClipboard(codes);
    const count = codes.filter((entry) => entry.usedAt === null).length;
    const isCopied = await copyToClipboard(text);
    setOutcome(isCopied ? { kind: 'copied', count } : { kind: 'copy_failed' });
    if (isCopied) onSaved?.();
  }

  function download() {
    const fileName = recoveryCodesFileName(organization.name, user.email);
    downloadTextFile(fileName, formatRecoveryCodesFile({ codes, email: user.email, organizationName: organization.name, savedAt: new Date() }));
    setOutcome({ kind: 'downloaded', fileName });
    onSaved?.();
  }

  function print() {
    printRecoveryCodes();
    setOutcome({ kind: 'printed' });
    onSaved?.();
  }

  return (
    <div className="recovery-code-actions">
      <div className="button-row">
        <button type="button" className="button button-secondary button-small" onClick={download}>
          Download (.txt)
        </button>
        <button type="button" className="button button-secondary button-small" onClick={print}>
          Print
        </button>
        <button type="button" className="button button-secondary button-small" onClick={copy}>
          Copy codes
        </button>
      </div>
      <p role="status" className={outcome.kind === 'copy_failed' ? 'field-error' : 'muted'}>
        {outcome.kind === 'copied' && `Copied ${outcome.count} ${outcome.count === 1 ? 'code' : 'codes'} to the clipboard.`}
        {outcome.kind === 'downloaded' && `Saved as ${outcome.fileName} in your downloads.`}
        {outcome.kind === 'printed' && 'Sent to the printer.'}
        {outcome.kind === 'copy_failed' && copyFailedMessage}
      </p>
    </div>
  );
}

/** Prints only the codes (and whose they are): the print style sheet hides the rest of the page. */
function printRecoveryCodes(): void {
  const root = document.documentElement;
  root.classList.add('printing-recovery-codes');
  const done = () => {
    root.classList.remove('printing-recovery-codes');
    window.removeEventListener('afterprint', done);
  };
  window.addEventListener('afterprint', done);
  window.print();
  // Where print() returns before printing ends without an afterprint event, the class goes with the next frame.
  window.setTimeout(done, 1000);
}

interface NewRecoveryCodesProps {
  codes: readonly string[];
  /** Called once the person has ticked "I have saved these codes" and chosen to go on. */
  onFinish: () => void | Promise<void>;
  finishLabel?: string;
  /** What the codes stand in for: "your authenticator app", "your phone". */
  factorName?: string;
}

/** T6, R5: a fresh set, shown once, with Download, Print, Copy and "I have saved these codes" before Finish. */
export function NewRecoveryCodes({ codes, onFinish, finishLabel = 'Finish', factorName = 'your authenticator app' }: NewRecoveryCodesProps) {
  const { user, organization } = useSession();
  // Finish opens once the codes were downloaded, printed or copied, or the box is ticked.
  const [isSaved, setSaved] = useState(false);
  const [isFinishing, setFinishing] = useState(false);
  const entries = codes.map((code) => ({ code, usedAt: null }));

  async function finish() {
    setFinishing(true);
    try {
      await onFinish();
    } finally {
      setFinishing(false);
    }
  }

  return (
    <div className="new-recovery-codes">
      <p>
        If you lose access to {factorName}, a recovery code lets you sign in instead. Each code works once. Keep them
        somewhere safe, such as a password manager.
      </p>
      <div className="recovery-codes-printable">
        <p className="print-only">
          Tessera recovery codes for {user.email} ({organization.name})
        </p>
        <RecoveryCodeList codes={entries} />
      </div>
      <RecoveryCodeActions codes={entries} onSaved={() => setSaved(true)} />
      <CheckboxField label="I have saved these codes" name="codesSaved" checked={isSaved} onCheckedChange={setSaved} />
      <div className="form-actions">
        <button type="button" className="button button-primary" onClick={finish} disabled={!isSaved || isFinishing} aria-busy={isFinishing || undefined}>
          {finishLabel}
        </button>
      </div>
    </div>
  );
}
