// P6: a job inside the server reminds members not set up yet, 7 days and 1 day before their
// organization's deadline. Each reminder is claimed by an atomic insert first, so with several
// instances on one database only the claiming instance sends it (at most once per member,
// deadline and kind; a crash between the claim and the send loses that one e-mail).
import { dueReminder, reminderHorizonInMs } from '../core/two-factor-reminders.js';
import { twoFactorReminderMessage } from '../mail/templates.js';
import { findOrganizationsWithDeadlineBetween } from '../store/organizations.js';
import { claimReminders, findMembersToRemind } from '../store/two-factor-reminders.js';
import { nowInMs, type AppContext } from './context.js';
import { startPeriodicJob, type PeriodicJob, type PeriodicJobLogger } from './periodic-job.js';

export interface ReminderRun {
  /** How many reminder e-mails this call sent. */
  sent: number;
}

/** One pass of the reminder job; safe to call any number of times, from any instance. */
export async function runTwoFactorReminders(context: AppContext): Promise<ReminderRun> {
  const now = nowInMs(context);
  const organizations = await findOrganizationsWithDeadlineBetween(context.db, now, now + reminderHorizonInMs);
  const link = new URL('/settings', context.config.publicUrl).toString();
  let sent = 0;
  for (const organization of organizations) {
    const deadline = organization.twoFactorRequiredFrom;
    const kind = deadline === null ? undefined : dueReminder(deadline, now);
    if (deadline === null || kind === undefined) continue;
    const candidates = await findMembersToRemind(context.db, organization.id, deadline, kind);
    if (candidates.length === 0) continue;
    const claimed = await claimReminders(
      context.db,
      candidates.map((m) => m.id),
      deadline,
      kind,
      now,
    );
    const organizationName = organization.brandName ?? organization.name;
    for (const member of candidates) {
      if (!claimed.has(member.id)) continue;
      context.mailer.send(twoFactorReminderMessage(member.email, organizationName, new Date(deadline), link));
      sent += 1;
    }
  }
  return { sent };
}

/** Five minutes: a reminder "7 days before" may go out a few minutes late, never early. */
export const reminderIntervalInMs = 5 * 60 * 1000;

/** Starts the job (started by startServer only; tests call runTwoFactorReminders themselves). */
export function startTwoFactorReminderJob(context: AppContext, logger: PeriodicJobLogger, intervalInMs = reminderIntervalInMs): PeriodicJob {
  return startPeriodicJob('two-factor reminder', () => runTwoFactorReminders(context), intervalInMs, logger);
}
