// M4: the adoption overview's weekly picture. Pure: the store counts members and confirmed
// authenticators before each boundary; this file decides the weeks and shapes the series.

export const adoptionWeekCount = 12;
const dayInMs = 24 * 60 * 60 * 1000;
const weekInMs = 7 * dayInMs;

export interface AdoptionWeek {
  /** Monday 00:00 UTC, as an ISO date (YYYY-MM-DD). */
  weekStart: string;
  startsAt: number;
  /** Exclusive: the Monday after. Counts are "as of the end of the week". */
  endsAt: number;
}

/** The Monday (UTC) on or before `timeInMs`. ISO 8601 weeks start on Monday. */
export function startOfWeekInMs(timeInMs: number): number {
  const startOfDay = Math.floor(timeInMs / dayInMs) * dayInMs;
  const weekday = new Date(startOfDay).getUTCDay(); // 0 = Sunday
  const daysSinceMonday = (weekday + 6) % 7;
  return startOfDay - daysSinceMonday * dayInMs;
}

/** The last `count` weeks, oldest first; the last one contains `nowInMs`. */
export function adoptionWeeks(nowInMs: number, count = adoptionWeekCount): AdoptionWeek[] {
  const currentWeek = startOfWeekInMs(nowInMs);
  const weeks: AdoptionWeek[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const startsAt = currentWeek - i * weekInMs;
    weeks.push({ weekStart: new Date(startsAt).toISOString().slice(0, 10), startsAt, endsAt: startsAt + weekInMs });
  }
  return weeks;
}

export interface WeeklyAdoption {
  weekStart: string;
  enabled: number;
  members: number;
}

/**
 * Cumulative series: `membersBefore[i]` and `enabledBefore[i]` are counts of members created and
 * authenticators confirmed before `weeks[i].endsAt`. Someone who turned it off again is not
 * counted in earlier weeks either (the store keeps current factors, not their history).
 */
export function weeklyAdoption(weeks: readonly AdoptionWeek[], membersBefore: readonly number[], enabledBefore: readonly number[]): WeeklyAdoption[] {
  if (membersBefore.length !== weeks.length || enabledBefore.length !== weeks.length) throw new Error('One count per week is expected.');
  return weeks.map((week, i) => ({ weekStart: week.weekStart, members: membersBefore[i]!, enabled: Math.min(enabledBefore[i]!, membersBefore[i]!) }));
}

export interface AdoptionCounts {
  members: number;
  enabled: number;
  /** Members not set up among those the member-level flag requires. */
  memberRequiredNotSetUp: number;
}

/** P1/P4: under an organization-wide requirement everyone without a factor is required but not set up. */
export function requiredNotSetUp(counts: AdoptionCounts, organizationRequirement: 'optional' | 'required'): number {
  return organizationRequirement === 'required' ? counts.members - counts.enabled : counts.memberRequiredNotSetUp;
}
