import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface PendingEnrollment {
  userId: string;
  secretSealed: string;
  createdAt: number;
  expiresAt: number;
}

/** T1: starting again replaces the pending setup. */
export async function savePendingEnrollment(db: Kysely<Database>, enrollment: PendingEnrollment): Promise<void> {
  await db
    .insertInto('totpEnrollments')
    .values(enrollment)
    .onConflict((oc) => oc.column('userId').doUpdateSet({ secretSealed: enrollment.secretSealed, createdAt: enrollment.createdAt, expiresAt: enrollment.expiresAt }))
    .execute();
}

export async function findPendingEnrollment(db: Kysely<Database>, userId: string, nowInMs: number): Promise<PendingEnrollment | undefined> {
  return db.selectFrom('totpEnrollments').selectAll().where('userId', '=', userId).where('expiresAt', '>', nowInMs).executeTakeFirst();
}

/** Removes the pending setup only if it is still the one that was checked (a new start wins). */
export async function takePendingEnrollment(db: Kysely<Database>, userId: string, secretSealed: string): Promise<boolean> {
  const result = await db.deleteFrom('totpEnrollments').where('userId', '=', userId).where('secretSealed', '=', secretSealed).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function saveTotpCredential(db: Kysely<Database>, userId: string, secretSealed: string, nowInMs: number): Promise<void> {
  await db
    .insertInto('totpCredentials')
    .values({ userId, secretSealed, confirmedAt: nowInMs })
    .onConflict((oc) => oc.column('userId').doUpdateSet({ secretSealed, confirmedAt: nowInMs }))
    .execute();
  await refreshTwoFactorEnabled(db, userId);
}

/**
 * Keeps `users.two_factor_enabled` equal to "has a second factor". Every change of factors calls
 * it in the same transaction; later factors (text messages, security keys) join the EXISTS here.
 */
export async function refreshTwoFactorEnabled(db: Kysely<Database>, userId: string): Promise<void> {
  await db
    .updateTable('users')
    .set((eb) => ({
      twoFactorEnabled: eb
        .case()
        .when(
          eb.or([
            eb.exists(eb.selectFrom('totpCredentials').select('totpCredentials.userId').where('totpCredentials.userId', '=', userId)),
            eb.exists(eb.selectFrom('smsNumbers').select('smsNumbers.userId').where('smsNumbers.userId', '=', userId)),
            eb.exists(eb.selectFrom('webauthnCredentials').select('webauthnCredentials.userId').where('webauthnCredentials.userId', '=', userId)),
          ]),
        )
        .then(1)
        .else(0)
        .end(),
    }))
    .where('id', '=', userId)
    .execute();
}

export async function findTotpSecretSealed(db: Kysely<Database>, userId: string): Promise<string | undefined> {
  const row = await db.selectFrom('totpCredentials').select('secretSealed').where('userId', '=', userId).executeTakeFirst();
  return row?.secretSealed;
}

export async function hasTotpCredential(db: Kysely<Database>, userId: string): Promise<boolean> {
  return (await findTotpSecretSealed(db, userId)) !== undefined;
}

/**
 * T5: records an accepted time step only if it is later than every step accepted before, in one
 * conditional UPDATE. Exactly one of several simultaneous requests with the same code wins, on
 * either database and across server instances.
 */
export async function claimTotpStep(db: Kysely<Database>, userId: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ totpLastAcceptedStep: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totpLastAcceptedStep', 'is', null), eb('totpLastAcceptedStep', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** D1 / M3: every factor of a member, gone, pending setup included; reports what was removed. */
export async function deleteTotpFactors(db: Kysely<Database>, userId: string): Promise<{ credentials: number; pendingEnrollments: number }> {
  const credentials = await db.deleteFrom('totpCredentials').where('userId', '=', userId).executeTakeFirst();
  const pending = await db.deleteFrom('totpEnrollments').where('userId', '=', userId).executeTakeFirst();
  await refreshTwoFactorEnabled(db, userId);
  return { credentials: Number(credentials.numDeletedRows), pendingEnrollments: Number(pending.numDeletedRows) };
}

/** M2: when the member's authenticator was confirmed, or undefined without one. */
export async function findTotpConfirmedAt(db: Kysely<Database>, userId: string): Promise<number | undefined> {
  const row = await db.selectFrom('totpCredentials').select('confirmedAt').where('userId', '=', userId).executeTakeFirst();
  return row === undefined ? undefined : Number(row.confirmedAt);
}

/**
 * Housekeeping: deletes at most `batchSize` expired pending setups (`expiresAt <= cutoff`);
 * reports how many. The condition is repeated outside the subquery: a member who starts again at
 * the same moment upserts the same row, and PostgreSQL re-checks only the outer WHERE, so the new
 * setup is kept.
 */
export async function deleteExpiredTotpEnrollments(db: Kysely<Database>, expiresAtOrBefore: number, batchSize: number): Promise<number> {
  const result = await db
    .deleteFrom('totpEnrollments')
    .where('userId', 'in', (eb) => eb.selectFrom('totpEnrollments as e').select('e.userId').where('e.expiresAt', '<=', expiresAtOrBefore).limit(batchSize))
    .where('expiresAt', '<=', expiresAtOrBefore)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
