/**
 * Working-day arithmetic in the agency's time zone. A working day is Monday to Friday, less
 * the closure days given (ISO dates).
 */
export const AGENCY_TIME_ZONE = 'America/New_York';

const partsFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: AGENCY_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function wallClock(instant: Date): { date: string; utcOfWall: number } {
  const p = Object.fromEntries(partsFormat.formatToParts(instant).map((x) => [x.type, x.value]));
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

function nextDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

export function isWorkingDay(date: string, closures: ReadonlySet<string>): boolean {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !closures.has(date);
}

/**
 * "N working days after a notice": 23:59:59 in the agency's time zone on the Nth working day
 * after the day the notice was sent; the sending day never counts.
 */
export function workingDaysAfter(notice: Date, n: number, closures: ReadonlySet<string> = new Set()): Date {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`working days must be a whole number of at least 1, got ${n}`);
  let date = agencyDate(notice);
  for (let counted = 0; counted < n; ) {
    date = nextDate(date);
    if (isWorkingDay(date, closures)) counted++;
  }
  return agencyInstant(date, 23, 59, 59);
}
