import { describe, expect, it } from 'vitest';
import { agencyDate, agencyInstant, workingDaysAfter } from '#shared/working-days.ts';

describe('working days in America/New_York', () => {
  it('never counts the sending day and ends at 23:59:59 Eastern', () => {
    // Monday 09:00 EST -> Wednesday 23:59:59 EST.
    expect(workingDaysAfter(new Date('2026-03-02T14:00:00Z'), 2).toISOString()).toBe('2026-03-05T04:59:59.000Z');
    // Monday 23:30 EST is still Monday in New York, though Tuesday in UTC.
    expect(workingDaysAfter(new Date('2026-03-03T04:30:00Z'), 1).toISOString()).toBe('2026-03-04T04:59:59.000Z');
  });

  it('skips weekends', () => {
    // Friday -> Monday, Tuesday.
    expect(workingDaysAfter(new Date('2026-03-06T15:00:00Z'), 2).toISOString()).toBe('2026-03-11T03:59:59.000Z');
    // A notice sent on a Saturday counts from Monday.
    expect(agencyDate(workingDaysAfter(new Date('2026-03-07T15:00:00Z'), 1))).toBe('2026-03-09');
  });

  it('skips the extra closure days given', () => {
    const closures = new Set(['2026-03-03']);
    expect(agencyDate(workingDaysAfter(new Date('2026-03-02T14:00:00Z'), 2, closures))).toBe('2026-03-05');
  });

  it('keeps 23:59:59 local across both daylight-saving changes', () => {
    // Clocks go forward on Sunday 2026-03-08: the deadline is in EDT (UTC-4).
    expect(workingDaysAfter(new Date('2026-03-06T15:00:00Z'), 1).toISOString()).toBe('2026-03-10T03:59:59.000Z');
    // Clocks go back on Sunday 2026-11-01: the deadline is in EST (UTC-5).
    expect(workingDaysAfter(new Date('2026-10-30T14:00:00Z'), 1).toISOString()).toBe('2026-11-03T04:59:59.000Z');
    expect(agencyInstant('2026-11-01', 1, 30, 0).toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });

  it('refuses a count that is not a whole number of at least 1', () => {
    expect(() => workingDaysAfter(new Date(), 0)).toThrow(/at least 1/);
    expect(() => workingDaysAfter(new Date(), 1.5)).toThrow(/whole number/);
  });
});
