import { useState, type ReactNode } from 'react';

/** Puts text on the clipboard; false where the browser does not allow it (no secure context, denied). */
export async function copyToClipboard(text: string): Promise<boolean> {
  try {
    if (!navigator.clipboard) return false;
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export const copyFailedMessage = 'This browser did not allow copying. Select the text and copy it by hand.';

interface CopyButtonProps {
  text: string;
  children: ReactNode;
  /** Announced once the text is on the clipboard, e.g. "Key copied." */
  copiedMessage: string;
}

/** A Copy button with its outcome announced beside it. */
export function CopyButton({ text, children, copiedMessage }: CopyButtonProps) {
  const [outcome, setOutcome] = useState<'idle' | 'copied' | 'failed'>('idle');

  async function copy() {
    setOutcome((await copyToClipboard(text)) ? 'copied' : 'failed');
  }

  return (
    <span className="copy-button">
      <button type="button" className="button button-secondary button-small" onClick={copy}>
        {children}
      </button>
      <span role="status" className={outcome === 'failed' ? 'field-error' : 'muted'}>
        {outcome === 'copied' && copiedMessage}
        {outcome === 'failed' && copyFailedMessage}
      </span>
    </span>
  );
}
