// P6: reminder e-mails before an organization's deadline, each claimed by one atomic insert so
// that several server instances on one database send it once.
import type { Kysely } from 'kysely';
import type { ReminderKind } from '../core/two-factor-reminders.js';
import type { Database } from './schema.js';
import type { MemberContact } from './users.js';

// Well under SQLite's and PostgreSQL's bound-parameter limits (4 per row).
const claimBatchSize = 500;

/**
 * Members of the organization still without a second factor whose reminder of this kind for this
 * deadline has not been claimed yet. Members required on their own have no grace period, so a
 * reminder of the organization's deadline would mislead them.
 */
export async function findMembersToRemind(db: Kysely<Database>, organizationId: string, deadline: number, kind: ReminderKind): Promise<MemberContact[]> {
  return db
    .selectFrom('users')
    .select(['users.id', 'users.email', 'users.name'])
    .where('users.organizationId', '=', organizationId)
    .where('users.twoFactorEnabled', '=', 0)
    .where('users.twoFactorRequired', '=', 0)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('twoFactorReminders as r')
            .select('r.userId')
            .whereRef('r.userId', '=', 'users.id')
            .where('r.deadline', '=', deadline)
            .where('r.kind', '=', kind),
        ),
      ),
    )
    .orderBy('users.id')
    .execute();
}

/** Claims the reminders; returns the ids this call claimed (another instance may have won others). */
export async function claimReminders(db: Kysely<Database>, userIds: readonly string[], deadline: number, kind: ReminderKind, nowInMs: number): Promise<Set<string>> {
  const claimed = new Set<string>();
  for (let start = 0; start < userIds.length; start += claimBatchSize) {
    const rows = userIds.slice(start, start + claimBatchSize).map((userId) => ({ userId, deadline, kind, sentAt: nowInMs }));
    const inserted = await db
      .insertInto('twoFactorReminders')
      .values(rows)
      .onConflict((oc) => oc.columns(['userId', 'deadline', 'kind']).doNothing())
      .returning('userId')
      .execute();
    for (const row of inserted) claimed.add(row.userId);
  }
  return claimed;
}
