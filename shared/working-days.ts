import federalHolidays from '@18f/us-federal-holidays';
import { once } from './once.ts';

/**
 * Working-day arithmetic in the agency's time zone. A working day is Monday to Friday, less US
 * federal holidays as OPM observes them (Saturday -> Friday before, Sunday -> Monday after,
 * New Year's Day on a Saturday -> December 31 of the year before), less the agency's extra
 * closure days.
 */
export const AGENCY_TIME_ZONE = 'America/New_York';

const partsFormat = once(
  () =>
    new Intl.DateTimeFormat('en-US', {
      timeZone: AGENCY_TIME_ZONE,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }),
);

function wallClock(instant: Date): { date: string; utcOfWall: number } {
  const p = Object.fromEntries(
    partsFormat()
      .formatToParts(instant)
      .map((x) => [x.type, x.value]),
  );
  const date = `${p.year}-${p.month}-${p.day}`;
  return { date, utcOfWall: Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) };
}

/** The calendar date (YYYY-MM-DD) of an instant in the agency's time zone. */
export function agencyDate(instant: Date): string {
  return wallClock(instant).date;
}

/** The instant at which the agency's wall clock reads `date` `hh:mm:ss`. */
export function agencyInstant(date: string, hh: number, mm: number, ss: number): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm, ss);
  // Two passes settle the offset even on the days the clocks change.
  let guess = wall;
  for (let i = 0; i < 2; i++) guess = wall - (wallClock(new Date(guess)).utcOfWall - guess);
  return new Date(guess);
}

/** 23:59:59 on `date` in the agency's time zone: when a deadline on that day ends. */
export function endOfAgencyDay(date: string): Date {
  return agencyInstant(date, 23, 59, 59);
}

/** The calendar date `days` after `date` (both YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

const observedByYear = new Map<number, Map<string, string>>();

/** Federal holidays observed in a calendar year, by date; includes a New Year's Day observed on December 31. */
export function federalHolidaysObserved(year: number): Map<string, string> {
  let observed = observedByYear.get(year);
  if (!observed) {
    observed = new Map(
      [...federalHolidays.allForYear(year), ...federalHolidays.allForYear(year + 1)]
        .filter((h) => h.dateString.startsWith(`${year}-`))
        .map((h) => [h.dateString, h.name]),
    );
    observedByYear.set(year, observed);
  }
  return observed;
}

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export class WorkingCalendar {
  private readonly closures: ReadonlySet<string>;

  /** `extraClosures`: the agency's own closure days (YYYY-MM-DD), e.g. Inauguration Day in the DC area. */
  constructor(extraClosures: Iterable<string> = []) {
    const closures = [...extraClosures];
    const bad = closures.find((d) => !ISO_DATE.test(d));
    if (bad !== undefined) throw new Error(`closure days must be YYYY-MM-DD, got ${JSON.stringify(bad)}`);
    this.closures = new Set(closures);
  }

  /** Why a date is not a working day, or undefined when it is one. */
  closedFor(date: string): string | undefined {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
    if (weekday === 0 || weekday === 6) return 'weekend';
    if (this.closures.has(date)) return 'agency closure';
    return federalHolidaysObserved(y).get(date);
  }

  isWorkingDay(date: string): boolean {
    return this.closedFor(date) === undefined;
  }

  /**
   * "N working days after a notice": 23:59:59 in the agency's time zone on the Nth working day
   * after the day the notice was sent; the sending day never counts.
   */
  workingDaysAfter(notice: Date, n: number): Date {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`working days must be a whole number of at least 1, got ${n}`);
    let date = agencyDate(notice);
    for (let counted = 0; counted < n;) {
      date = addDays(date, 1);
      if (this.isWorkingDay(date)) counted++;
    }
    return endOfAgencyDay(date);
  }

  /** Working days that ended after `from` and by `to` (0 when `to` is not later): e.g. days overdue. */
  workingDaysBetween(from: Date, to: Date): number {
    let count = 0;
    let date = agencyDate(from);
    const last = agencyDate(to);
    while (date < last) {
      date = addDays(date, 1);
      if (this.isWorkingDay(date) && endOfAgencyDay(date) <= to) count++;
    }
    return count;
  }
}
