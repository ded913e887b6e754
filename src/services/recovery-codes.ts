// R1–R7: making, showing, replacing and using recovery codes.
import type { Kysely } from 'kysely';
import { newId } from '../core/ids.js';
import { formatRecoveryCode, generateRecoveryCode, generateRecoveryCodes } from '../core/recovery-codes.js';
import { insertRecoveryCode, listRecoveryCodes, replaceRecoveryCodes, setRecoveryCodesRegenerationRequired } from '../store/recovery-codes.js';
import type { Database } from '../store/schema.js';
import { nowInMs, type AppContext } from './context.js';

/** R2: the look-up hash is keyed by the server key and bound to the member. */
export function recoveryCodeHash(context: AppContext, userId: string, code: string): string {
  return context.keyedHasher.hash(recoveryCodeHashInput(userId, code));
}

/** N5: under every loaded server key, the newest first, for look-ups. */
export function recoveryCodeHashes(context: Pick<AppContext, 'keyedHasher'>, userId: string, code: string): string[] {
  return context.keyedHasher.hashAll(recoveryCodeHashInput(userId, code));
}

export function recoveryCodeHashInput(userId: string, code: string): string {
  return `recovery:${userId}:${code}`;
}

/** R5: a new set replaces the old one; returns the codes formatted for display (R1). */
export async function issueRecoveryCodes(db: Kysely<Database>, context: AppContext, userId: string): Promise<string[]> {
  const now = nowInMs(context);
  const codes = generateRecoveryCodes(context.random);
  // Ids made in one millisecond differ only in their random part: sorted, they keep the codes
  // in the order the member saw them when "show recovery codes" lists them by id (R3).
  const ids = codes.map(() => newId(now, context.random)).sort();
  await replaceRecoveryCodes(
    db,
    userId,
    codes.map((code, index) => ({ id: ids[index]!, userId, codeSealed: context.secretBox.seal(code), codeHash: recoveryCodeHash(context, userId, code), createdAt: now })),
  );
  await setRecoveryCodesRegenerationRequired(db, userId, false);
  return codes.map(formatRecoveryCode);
}

/** R6 replace: a used code is followed by a fresh one, so the count stays the same. */
export async function addReplacementRecoveryCode(db: Kysely<Database>, context: AppContext, userId: string): Promise<void> {
  const now = nowInMs(context);
  let code = generateRecoveryCode(context.random);
  const existing = new Set((await listRecoveryCodes(db, userId)).map((row) => row.codeHash));
  while (recoveryCodeHashes(context, userId, code).some((hash) => existing.has(hash))) code = generateRecoveryCode(context.random);
  await insertRecoveryCode(db, { id: newId(now, context.random), userId, codeSealed: context.secretBox.seal(code), codeHash: recoveryCodeHash(context, userId, code), createdAt: now });
}

export interface DisplayedRecoveryCode {
  code: string;
  usedAt: number | null;
}

/** R3: the member's codes, readable again only through the secret box. */
export async function readRecoveryCodes(context: AppContext, userId: string): Promise<DisplayedRecoveryCode[]> {
  const rows = await listRecoveryCodes(context.db, userId);
  return rows.map((row) => ({ code: formatRecoveryCode(context.secretBox.open(row.codeSealed)), usedAt: row.usedAt }));
}
