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

type ActionOutcome = { kind: 'idle' } | { kind: 'copied'; count: number } | { kind: 'downloaded'; fileName: string } | { kind: 'copy_failed' };

/** R4: Copy (the unused codes) and Download (a .txt naming the account and the date). */
export function RecoveryCodeActions({ codes }: { codes: readonly RecoveryCodeEntry[] }) {
  const { user, organization } = useSession();
  const [outcome, setOutcome] = useState<ActionOutcome>({ kind: 'idle' });

  async function copy() {
    const text = formatRecoveryCodesForClipboard(codes);
    const count = codes.filter((entry) => entry.usedAt === null).length;
    setOutcome((await copyToClipboard(text)) ? { kind: 'copied', count } : { kind: 'copy_failed' });
  }

  function download() {
    const savedAt = new Date();
    const fileName = recoveryCodesFileName(savedAt);
    downloadTextFile(fileName, formatRecoveryCodesFile({ codes, email: user.email, organizationName: organization.name, savedAt }));
    setOutcome({ kind: 'downloaded', fileName });
  }

  return (
    <div className="recovery-code-actions">
      <div className="button-row">
        <button type="button" className="button button-secondary button-small" onClick={copy}>
          Copy codes
        </button>
        <button type="button" className="button button-secondary button-small" onClick={download}>
          Download (.txt)
        </button>
      </div>
      <p role="status" className={outcome.kind === 'copy_failed' ? 'field-error' : 'muted'}>
        {outcome.kind === 'copied' && `Copied ${outcome.count} ${outcome.count === 1 ? 'code' : 'codes'} to the clipboard.`}
        {outcome.kind === 'downloaded' && `Saved as ${outcome.fileName} in your downloads.`}
        {outcome.kind === 'copy_failed' && copyFailedMessage}
      </p>
    </div>
  );
}

interface NewRecoveryCodesProps {
  codes: readonly string[];
  /** Called once the person has ticked "I have saved these codes" and chosen to go on. */
  onFinish: () => void | Promise<void>;
  finishLabel?: string;
  /** What the codes stand in for: "your authenticator app", "your phone". */
  factorName?: string;
}

/** T6, R5: a fresh set, shown once, with Copy, Download and "I have saved these codes" before Finish. */
export function NewRecoveryCodes({ codes, onFinish, finishLabel = 'Finish', factorName = 'your authenticator app' }: NewRecoveryCodesProps) {
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
      <RecoveryCodeList codes={entries} />
      <RecoveryCodeActions codes={entries} />
      <CheckboxField label="I have saved these codes" name="codesSaved" checked={isSaved} onCheckedChange={setSaved} />
      <div className="form-actions">
        <button type="button" className="button button-primary" onClick={finish} disabled={!isSaved || isFinishing} aria-busy={isFinishing || undefined}>
          {finishLabel}
        </button>
      </div>
    </div>
  );
}
