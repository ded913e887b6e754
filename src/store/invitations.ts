import type { Kysely } from 'kysely';
import type { Database, Invitation } from './schema.js';

export async function insertInvitation(db: Kysely<Database>, invitation: Invitation): Promise<void> {
  await db.insertInto('invitations').values(invitation).execute();
}

export async function findOpenInvitationByTokenHash(db: Kysely<Database>, tokenHash: string, nowInMs: number): Promise<Invitation | undefined> {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('tokenHash', '=', tokenHash)
    .where('acceptedAt', 'is', null)
    .where('expiresAt', '>', nowInMs)
    .executeTakeFirst();
}

/** Claims an invitation atomically; false when someone else accepted it first. */
export async function markInvitationAccepted(db: Kysely<Database>, invitationId: string, userId: string, nowInMs: number): Promise<boolean> {
  const result = await db
    .updateTable('invitations')
    .set({ acceptedAt: nowInMs, acceptedUserId: userId })
    .where('id', '=', invitationId)
    .where('acceptedAt', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function listOpenInvitations(db: Kysely<Database>, organizationId: string, nowInMs: number): Promise<Invitation[]> {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('acceptedAt', 'is', null)
    .where('expiresAt', '>', nowInMs)
    .orderBy('id', 'desc')
    .execute();
}

export async function deleteOpenInvitationsForEmail(db: Kysely<Database>, organizationId: string, emailNormalized: string): Promise<void> {
  await db
    .deleteFrom('invitations')
    .where('organizationId', '=', organizationId)
    .where('emailNormalized', '=', emailNormalized)
    .where('acceptedAt', 'is', null)
    .execute();
}

export async function deleteOpenInvitation(db: Kysely<Database>, organizationId: string, invitationId: string): Promise<Invitation | undefined> {
  const row = await db
    .deleteFrom('invitations')
    .where('id', '=', invitationId)
    .where('organizationId', '=', organizationId)
    .where('acceptedAt', 'is', null)
    .returningAll()
    .executeTakeFirst();
  return row;
}

/** Issue 10 item 5: withdraws every invitation a member sent that is not accepted yet (expired ones too). */
export async function deleteOpenInvitationsSentBy(db: Kysely<Database>, userId: string): Promise<Invitation[]> {
  const rows = await db.deleteFrom('invitations').where('invitedByUserId', '=', userId).where('acceptedAt', 'is', null).returningAll().execute();
  return rows.sort((a, b) => (a.id < b.id ? -1 : 1));
}
