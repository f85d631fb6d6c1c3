import { addDays, agencyDate, agencyInstant, AGENCY_TIME_ZONE } from '#shared/working-days.ts';
import type { TemplateResolver } from './template.ts';
import type { TimerHandle, VirtualClock } from './virtual-clock.ts';

/** An EventBridge Scheduler schedule of the template, with the function it invokes. */
export interface LocalSchedule {
  id: string;
  /** The schedule's ARN, and the role it invokes its target with. */
  arn: string;
  roleArn: string;
  description: string;
  expression: string;
  functionName: string;
  functionArn: string;
  input: unknown;
}

export function schedulesOf(resolver: TemplateResolver): LocalSchedule[] {
  return resolver.ofType('AWS::Scheduler::Schedule').map(([id, resource]) => {
    const p = resource.Properties as {
      Description?: string;
      ScheduleExpression: string;
      ScheduleExpressionTimezone?: string;
      Target: { Arn: { 'Fn::GetAtt'?: [string, string] }; Input?: string; RoleArn: unknown };
    };
    if ((p.ScheduleExpressionTimezone ?? 'UTC') !== AGENCY_TIME_ZONE)
      throw new Error(`schedule ${id}: the local cloud runs schedules in ${AGENCY_TIME_ZONE} only`);
    const target = p.Target.Arn['Fn::GetAtt']?.[0];
    if (!target) throw new Error(`schedule ${id}: the local cloud runs schedules that invoke a function of the stack only`);
    return {
      id,
      arn: resolver.arn(id),
      roleArn: String(resolver.resolve(p.Target.RoleArn)),
      description: p.Description ?? id,
      expression: p.ScheduleExpression,
      functionName: resolver.ref(target),
      functionArn: resolver.arn(target),
      input: JSON.parse(p.Target.Input ?? '{}'),
    };
  });
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** The values a cron field allows: `*`, `?`, numbers, names, ranges, lists and steps (no L, W or #). */
function field(text: string, min: number, max: number, names: string[] = [], nameBase = min): Set<number> {
  const value = (token: string) => {
    const named = names.indexOf(token.toUpperCase());
    const n = named >= 0 ? named + nameBase : Number(token);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`"${token}" is not a value from ${min} to ${max}`);
    return n;
  };
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`"${part}" has no valid step`);
    const [from, to] =
      range === '*' || range === '?'
        ? [min, max]
        : range.includes('-')
          ? (range.split('-').map(value) as [number, number])
          : [value(range), stepText === undefined ? value(range) : max];
    for (let n = from; n <= to; n += step) values.add(n);
  }
  return values;
}

/** When a `cron(...)` or `rate(...)` expression (New York time) fires next after `after`. */
export function nextRun(expression: string, after: Date): Date {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const unit = rate[2]!.startsWith('minute') ? 60_000 : rate[2]!.startsWith('hour') ? 3_600_000 : 86_400_000;
    return new Date(after.getTime() + Number(rate[1]) * unit);
  }
  const cron = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(expression);
  if (!cron) throw new Error(`cannot read the schedule expression ${expression}`);
  try {
    const [minutes, hours, days, months, weekdays, years] = [
      field(cron[1]!, 0, 59),
      field(cron[2]!, 0, 23),
      field(cron[3]!, 1, 31),
      field(cron[4]!, 1, 12, MONTHS, 1),
      // EventBridge numbers weekdays 1 (Sunday) to 7 (Saturday).
      field(cron[5]!, 1, 7, DAYS, 1),
      field(cron[6]!, 1970, 2199),
    ];
    const times = [...hours].sort((a, b) => a - b).flatMap((h) => [...minutes].sort((a, b) => a - b).map((m) => [h, m] as const));
    let date = agencyDate(after);
    for (let i = 0; i < 366 * 8; i++, date = addDays(date, 1)) {
      const [y, m, d] = date.split('-').map(Number) as [number, number, number];
      const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 1;
      if (!years.has(y) || !months.has(m) || !days.has(d) || !weekdays.has(weekday)) continue;
      for (const [hh, mm] of times) {
        const at = agencyInstant(date, hh, mm, 0);
        if (at > after) return at;
      }
    }
  } catch (error) {
    throw new Error(`cannot read the schedule expression ${expression}: ${(error as Error).message}`);
  }
  throw new Error(`the schedule expression ${expression} never fires`);
}

/**
 * EventBridge Scheduler on the local cloud's clock: each schedule invokes its function with its
 * input at the times its expression names, in New York time, one run after another.
 */
export class LocalScheduler {
  private readonly timers = new Map<string, TimerHandle>();

  constructor(
    private readonly clock: VirtualClock,
    private readonly invoke: (functionName: string, input: unknown, schedule: LocalSchedule) => Promise<unknown>,
    private readonly onError: (schedule: LocalSchedule, error: Error) => void,
  ) {}

  start(schedules: LocalSchedule[]): void {
    for (const schedule of schedules) this.arm(schedule);
  }

  private arm(schedule: LocalSchedule): void {
    const at = nextRun(schedule.expression, this.clock.date());
    this.timers.set(
      schedule.id,
      this.clock.setTimeout(() => {
        const run = this.invoke(schedule.functionName, schedule.input, schedule).catch((error: Error) => this.onError(schedule, error));
        void this.clock.track(run.then(() => this.arm(schedule)));
      }, at.getTime() - this.clock.now()),
    );
  }

  stop(): void {
    for (const timer of this.timers.values()) this.clock.clearTimeout(timer);
    this.timers.clear();
  }
}
