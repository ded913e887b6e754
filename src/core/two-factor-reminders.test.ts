import { describe, expect, it } from 'vitest';
import { dueReminder } from './two-factor-reminders.js';

const hour = 60 * 60 * 1000;
const day = 24 * hour;
const deadline = Date.UTC(2026, 11, 1);

describe('P6 which reminder is due', () => {
  it('none more than 7 days before, the 7-day one within 7 days, the 1-day one within 1 day, none after', () => {
    expect(dueReminder(deadline, deadline - 8 * day)).toBeUndefined();
    expect(dueReminder(deadline, deadline - 7 * day - 1)).toBeUndefined();
    expect(dueReminder(deadline, deadline - 7 * day)).toBe('7d');
    expect(dueReminder(deadline, deadline - 2 * day)).toBe('7d');
    expect(dueReminder(deadline, deadline - day - 1)).toBe('7d');
    expect(dueReminder(deadline, deadline - day)).toBe('1d');
    expect(dueReminder(deadline, deadline - hour)).toBe('1d');
    expect(dueReminder(deadline, deadline)).toBeUndefined();
    expect(dueReminder(deadline, deadline + day)).toBeUndefined();
  });
});
