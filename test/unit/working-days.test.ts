import { describe, expect, it } from 'vitest';
import { agencyDate, agencyInstant, federalHolidaysObserved, WorkingCalendar } from '#shared/working-days.ts';

const calendar = new WorkingCalendar();
/** The deadline's day in New York, and the instant it ends. */
const due = (notice: string, n: number, cal = calendar) => {
  const deadline = cal.workingDaysAfter(new Date(notice), n);
  return `${agencyDate(deadline)} ${deadline.toISOString()}`;
};

describe('working days in America/New_York', () => {
  it('never counts the sending day and ends at 23:59:59 Eastern', () => {
    expect(due('2026-03-02T14:00:00Z', 2)).toBe('2026-03-04 2026-03-05T04:59:59.000Z');
    // Monday 23:30 in New York is Tuesday in UTC: the notice day is still Monday.
    expect(due('2026-03-03T04:30:00Z', 1)).toBe('2026-03-03 2026-03-04T04:59:59.000Z');
  });

  it('skips weekends', () => {
    expect(due('2026-03-06T15:00:00Z', 2)).toBe('2026-03-10 2026-03-11T03:59:59.000Z');
    expect(due('2026-03-07T15:00:00Z', 1)).toBe('2026-03-09 2026-03-10T03:59:59.000Z');
  });

  it('skips Christmas: a notice on Wednesday 2026-12-23 is due Monday 2026-12-28', () => {
    expect(due('2026-12-23T15:00:00Z', 2)).toBe('2026-12-28 2026-12-29T04:59:59.000Z');
  });

  it('observes a Saturday holiday on the Friday before', () => {
    // Independence Day 2026 is a Saturday: observed Friday July 3.
    expect(calendar.closedFor('2026-07-03')).toBe('Independence Day');
    expect(due('2026-07-02T15:00:00Z', 1)).toBe('2026-07-06 2026-07-07T03:59:59.000Z');
    // Christmas 2027 is a Saturday: observed Friday December 24.
    expect(due('2027-12-22T15:00:00Z', 2)).toBe('2027-12-27 2027-12-28T04:59:59.000Z');
  });

  it('observes a Sunday holiday on the Monday after', () => {
    // Independence Day 2027 is a Sunday: observed Monday July 5.
    expect(calendar.closedFor('2027-07-05')).toBe('Independence Day');
    expect(due('2027-07-02T15:00:00Z', 1)).toBe('2027-07-06 2027-07-07T03:59:59.000Z');
  });

  it("observes New Year's Day on a Saturday on December 31 of the year before", () => {
    // January 1, 2028 is a Saturday.
    expect(federalHolidaysObserved(2027).get('2027-12-31')).toBe("New Year's Day");
    expect(federalHolidaysObserved(2028).has('2028-01-01')).toBe(false);
    expect(due('2027-12-30T15:00:00Z', 1)).toBe('2028-01-03 2028-01-04T04:59:59.000Z');
  });

  it('knows every observed federal holiday of 2026', () => {
    expect([...federalHolidaysObserved(2026).keys()].sort()).toEqual([
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-05-25',
      '2026-06-19',
      '2026-07-03',
      '2026-09-07',
      '2026-10-12',
      '2026-11-11',
      '2026-11-26',
      '2026-12-25',
    ]);
  });

  it('skips the extra closure days given', () => {
    expect(due('2026-03-02T14:00:00Z', 2, new WorkingCalendar(['2026-03-03']))).toBe('2026-03-05 2026-03-06T04:59:59.000Z');
    expect(() => new WorkingCalendar(['March 3'])).toThrow(/closure days must be YYYY-MM-DD/);
  });

  it('keeps 23:59:59 local across both daylight-saving changes', () => {
    // Clocks go forward on Sunday 2026-03-08: the deadline is in EDT (UTC-4).
    expect(due('2026-03-06T15:00:00Z', 1)).toBe('2026-03-09 2026-03-10T03:59:59.000Z');
    // Clocks go back on Sunday 2026-11-01: the deadline is in EST (UTC-5).
    expect(due('2026-10-30T14:00:00Z', 1)).toBe('2026-11-02 2026-11-03T04:59:59.000Z');
    expect(agencyInstant('2026-11-01', 1, 30, 0).toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });

  it('counts the working days that have ended between two instants', () => {
    const deadline = calendar.workingDaysAfter(new Date('2026-12-23T15:00:00Z'), 2);
    expect(calendar.workingDaysBetween(deadline, new Date('2026-12-29T15:00:00Z'))).toBe(0);
    expect(calendar.workingDaysBetween(deadline, new Date('2026-12-30T05:00:00Z'))).toBe(1);
    expect(calendar.workingDaysBetween(deadline, new Date('2027-01-05T05:00:00Z'))).toBe(4);
  });

  it('refuses a count that is not a whole number of at least 1', () => {
    expect(() => calendar.workingDaysAfter(new Date(), 0)).toThrow(/at least 1/);
    expect(() => calendar.workingDaysAfter(new Date(), 1.5)).toThrow(/whole number/);
  });
});
