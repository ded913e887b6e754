// N5 `tessera keys rotate`: every sealed value not under the newest server key is re-sealed under
// it, in batches (one transaction each) while the servers keep serving; the keyed hash kept beside
// a value (recovery codes, phone numbers) is recomputed from the opened plaintext. Each row is
// written only if it still holds what was read, so a concurrent sign-in or change wins. Running it
// again finds nothing to do.
import type { AppContext } from './context.js';
import { countApplicationSecrets, countSealedNotUnder, listSealedNotUnder, replaceSealedValue, type SealedColumn, type SealedRow } from '../store/key-rotation.js';
import { recoveryCodeHashInput } from './recovery-codes.js';

interface RotatedColumn extends SealedColumn {
  label: string;
  /** The new keyed hash from the opened plaintext. */
  rehash?(context: Pick<AppContext, 'keyedHasher'>, row: SealedRow, plaintext: string): string;
}

const phoneRehash = (context: Pick<AppContext, 'keyedHasher'>, _row: SealedRow, e164: string) => context.keyedHasher.hash(`phone:${e164}`);

export const sealedColumns: readonly RotatedColumn[] = [
  { label: 'authenticator secrets', table: 'totpCredentials', key: 'userId', sealed: 'secretSealed' },
  { label: 'authenticator enrolments', table: 'totpEnrollments', key: 'userId', sealed: 'secretSealed' },
  { label: 'recovery codes', table: 'recoveryCodes', key: 'id', sealed: 'codeSealed', hash: 'codeHash', rehash: (context, row, code) => context.keyedHasher.hash(recoveryCodeHashInput(row.userId!, code)) },
  { label: 'phone numbers', table: 'smsNumbers', key: 'userId', sealed: 'phoneSealed', hash: 'phoneHash', rehash: phoneRehash },
  { label: 'phone enrolments', table: 'smsEnrollments', key: 'userId', sealed: 'phoneSealed', hash: 'phoneHash', rehash: phoneRehash },
  { label: 'OpenID Connect signing keys', table: 'oidcSigningKeys', key: 'id', sealed: 'keySealed' },
  { label: 'single-sign-on client secrets', table: 'ssoConnections', key: 'id', sealed: 'clientSecretSealed' },
];

export interface TableRotation {
  table: string;
  /** Re-sealed under the newest key. */
  resealed: number;
  /** Changed by a serving instance between the read and the write: left to it (a new value is sealed under the newest key). */
  changedMeanwhile: number;
  /** Sealed under a key not loaded: cannot be opened, left as it is. */
  unreadable: number;
  /** Still under an older key after the run. */
  remaining: number;
}

export interface KeyRotationReport {
  keyId: string;
  tables: TableRotation[];
  /** Nothing is left under an older key: the older keys can be removed. */
  complete: boolean;
  /** Confidential applications: their secrets' keyed hashes cannot be recomputed (the secret is not kept). */
  applicationSecrets: number;
}

export async function rotateServerKey(context: Pick<AppContext, 'db' | 'secretBox' | 'keyedHasher'>, options: { batchSize?: number } = {}): Promise<KeyRotationReport> {
  const batchSize = options.batchSize ?? 500;
  const probe = context.secretBox.seal('');
  const prefix = probe.slice(0, probe.indexOf('.', 3) + 1); // "v1.<newest key id>."
  const tables: TableRotation[] = [];
  for (const column of sealedColumns) {
    const counts = { resealed: 0, changedMeanwhile: 0, unreadable: 0 };
    let after: string | undefined;
    for (;;) {
      const rows = await listSealedNotUnder(context.db, column, prefix, after, batchSize);
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.key;
      const updates: Array<{ row: SealedRow; sealed: string; hash: string | undefined }> = [];
      for (const row of rows) {
        let plaintext: string;
        try {
          plaintext = context.secretBox.open(row.sealed);
        } catch {
          counts.unreadable++;
          continue;
        }
        updates.push({ row, sealed: context.secretBox.seal(plaintext), hash: column.rehash?.(context, row, plaintext) });
      }
      await context.db.transaction().execute(async (trx) => {
        for (const update of updates) {
          if (await replaceSealedValue(trx, column, update.row, update.sealed, update.hash)) counts.resealed++;
          else counts.changedMeanwhile++;
        }
      });
      if (rows.length < batchSize) break;
    }
    tables.push({ table: column.label, ...counts, remaining: await countSealedNotUnder(context.db, column, prefix) });
  }
  return {
    keyId: prefix.slice(3, -1),
    tables,
    complete: tables.every((table) => table.remaining === 0),
    applicationSecrets: await countApplicationSecrets(context.db),
  };
}
