import { describe, expect, it } from 'vitest';
import { nextRun } from '#infra/local-cloud/scheduler.ts';

const next = (expression: string, after: string) => nextRun(expression, new Date(after)).toISOString();

describe('schedule expressions on the local clock (New York time)', () => {
  it('fires weekday crons at 08:00 New York time, on either side of a clock change', () => {
    // Friday 2026-03-06 09:00 EST -> Monday 2026-03-09 08:00 EDT (the clocks went forward on Sunday 8th).
    expect(next('cron(0 8 ? * MON-FRI *)', '2026-03-06T14:00:00Z')).toBe('2026-03-09T12:00:00.000Z');
    // Before 08:00 on a weekday: the same morning.
    expect(next('cron(0 8 ? * MON-FRI *)', '2026-11-02T12:30:00Z')).toBe('2026-11-02T13:00:00.000Z');
    // Exactly at the time: the next one.
    expect(next('cron(0 8 ? * MON-FRI *)', '2026-11-02T13:00:00Z')).toBe('2026-11-03T13:00:00.000Z');
  });

  it('reads day-of-month, named weekdays, lists, steps and rates', () => {
    expect(next('cron(0 8 1 * ? *)', '2026-12-15T00:00:00Z')).toBe('2027-01-01T13:00:00.000Z');
    expect(next('cron(0 5 ? * SAT *)', '2026-12-15T00:00:00Z')).toBe('2026-12-19T10:00:00.000Z');
    expect(next('cron(0/20 9,17 ? * 2 *)', '2026-12-14T14:30:00Z')).toBe('2026-12-14T14:40:00.000Z');
    expect(next('rate(15 minutes)', '2026-12-14T14:30:00Z')).toBe('2026-12-14T14:45:00.000Z');
  });

  it('refuses what it cannot read, naming the expression', () => {
    expect(() => next('cron(0 8 L * ? *)', '2026-12-14T14:30:00Z')).toThrow(
      'cannot read the schedule expression cron(0 8 L * ? *): "L" is not a value from 1 to 31',
    );
    expect(() => next('at(2026-12-14T10:00:00)', '2026-12-14T14:30:00Z')).toThrow('cannot read the schedule expression at(2026-12-14T10:00:00)');
  });
});
