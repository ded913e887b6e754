// P6: members not set up yet are reminded by e-mail 7 days and 1 day before the organization's
// deadline. Which reminder is due is decided here, free of I/O; the job only claims and sends.
const day = 24 * 60 * 60 * 1000;

export type ReminderKind = '7d' | '1d';

/** How far before the deadline each reminder opens, latest first. */
export const reminderLeadTimesInMs: ReadonlyArray<{ kind: ReminderKind; leadInMs: number }> = [
  { kind: '1d', leadInMs: day },
  { kind: '7d', leadInMs: 7 * day },
];

/** The longest lead time: deadlines further away than this need no reminder yet. */
export const reminderHorizonInMs = 7 * day;

/**
 * The reminder due now for a deadline, if any. Only the latest window counts, so a job that was
 * not running 7 days before still sends the 1-day reminder, and never both at once.
 */
export function dueReminder(deadlineInMs: number, nowInMs: number): ReminderKind | undefined {
  const remainingInMs = deadlineInMs - nowInMs;
  if (remainingInMs <= 0) return undefined;
  return reminderLeadTimesInMs.find((r) => remainingInMs <= r.leadInMs)?.kind;
}
