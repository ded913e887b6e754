import { describe, expect, it } from 'vitest';
import { adoptionWeeks, requiredNotSetUp, startOfWeekInMs, weeklyAdoption } from './adoption.js';

describe('M4 adoption weeks', () => {
  it('M4 weeks start on Monday 00:00 UTC', () => {
    // 2026-11-23 is a Monday.
    expect(new Date(startOfWeekInMs(Date.UTC(2026, 10, 23, 0, 0, 0))).toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(new Date(startOfWeekInMs(Date.UTC(2026, 10, 29, 23, 59, 59))).toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(new Date(startOfWeekInMs(Date.UTC(2026, 10, 22, 23, 59, 59))).toISOString()).toBe('2026-11-16T00:00:00.000Z');
    expect(new Date(startOfWeekInMs(Date.UTC(2027, 0, 1, 12))).toISOString()).toBe('2026-12-28T00:00:00.000Z');
  });

  it('M4 the last 12 weeks, oldest first, the last containing now', () => {
    const now = Date.UTC(2026, 10, 25, 15);
    const weeks = adoptionWeeks(now);
    expect(weeks).toHaveLength(12);
    expect(weeks[11]!.weekStart).toBe('2026-11-23');
    expect(weeks[0]!.weekStart).toBe('2026-09-07');
    expect(weeks[11]!.startsAt <= now && now < weeks[11]!.endsAt).toBe(true);
    for (let i = 1; i < weeks.length; i++) expect(weeks[i]!.startsAt).toBe(weeks[i - 1]!.endsAt);
  });

  it('M4 the series pairs counts with weeks and never shows more enabled than members', () => {
    const weeks = adoptionWeeks(Date.UTC(2026, 10, 25), 3);
    expect(weeklyAdoption(weeks, [1, 2, 5], [0, 3, 4])).toEqual([
      { weekStart: '2026-11-09', members: 1, enabled: 0 },
      { weekStart: '2026-11-16', members: 2, enabled: 2 },
      { weekStart: '2026-11-23', members: 5, enabled: 4 },
    ]);
    expect(() => weeklyAdoption(weeks, [1], [1])).toThrow();
  });

  it('M4 P1 required but not set up: everyone without a factor under the organization requirement', () => {
    const counts = { members: 10, enabled: 4, memberRequiredNotSetUp: 2 };
    expect(requiredNotSetUp(counts, 'required')).toBe(6);
    expect(requiredNotSetUp(counts, 'optional')).toBe(2);
  });
});
