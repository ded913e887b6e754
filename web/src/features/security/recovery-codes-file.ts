import type { RecoveryCodeEntry } from './two-factor-api';

// R4: recovery codes leave the page as plain text, on the clipboard or in a .txt file.

const longDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });

export interface RecoveryCodesFileInput {
  codes: readonly RecoveryCodeEntry[];
  email: string;
  organizationName: string;
  savedAt: Date;
}

/** The file's text: a header naming the account and the date, then one code a line. */
export function formatRecoveryCodesFile({ codes, email, organizationName, savedAt }: RecoveryCodesFileInput): string {
  const lines = [
    `Tessera recovery codes for ${email} (${organizationName})`,
    `Saved on ${longDate.format(savedAt)}`,
    '',
    'Each code signs you in once when you cannot use your authenticator app.',
    'Keep them somewhere safe, such as a password manager.',
    '',
    ...codes.map(({ code, usedAt }) => (usedAt === null ? code : `${code}  (used on ${longDate.format(new Date(usedAt))})`)),
  ];
  return `${lines.join('\n')}\n`;
}

/** A name or address as a safe piece of a file name: lower case, letters, digits, `@ . _ -` only. */
export function fileNamePart(value: string): string {
  const safe = value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9@._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 60);
  return safe === '' ? 'account' : safe;
}

/** Issue 17 item 5: `tessera-acme-ada@example.com-recovery-codes.txt`, naming the organization and the account. */
export function recoveryCodesFileName(organizationName: string, email: string): string {
  return `tessera-${fileNamePart(organizationName)}-${fileNamePart(email)}-recovery-codes.txt`;
}

/** What "Copy" puts on the clipboard: the codes still usable, one a line. */
export function formatRecoveryCodesForClipboard(codes: readonly RecoveryCodeEntry[]): string {
  return codes
    .filter((entry) => entry.usedAt === null)
    .map((entry) => entry.code)
    .join('\n');
}

/** Saves text as a file through a temporary link (no server round trip; the codes never leave the page). */
export function downloadTextFile(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Some browsers start reading the blob only after click() returns.
  window.setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
