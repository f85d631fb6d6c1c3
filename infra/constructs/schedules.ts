import { Aws, Duration, TimeZone } from 'aws-cdk-lib';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { AppConfig } from '../config.ts';

/**
 * EventBridge Scheduler, in America/New_York: the daily pull (the function skips federal
 * holidays and closure days itself), the weekly wide re-scan, the sweep that starts any
 * recall's workflow whose start failed, the daily count of cases overdue too long, the staff's
 * morning digest (the function skips holidays) and the monthly scorecard.
 * Events Scheduler cannot deliver go to the target function's dead-letter queue.
 */
type ScheduledFunction = 'pullRecalls' | 'startWorkflows' | 'overdueCheck' | 'staffReports';

/** The schedules, one row each: what runs, when (a key of the `schedules` context), with what input, and how late it may still run. */
const SCHEDULES: { id: string; description: string; when: keyof AppConfig['schedules']; fn: ScheduledFunction; input: object; maxEventAge: Duration }[] = [
  {
    id: 'DailyPull',
    description: 'Pull new and changed recalls from the CPSC Recalls API on working days',
    when: 'dailyPull',
    fn: 'pullRecalls',
    input: { mode: 'daily' },
    maxEventAge: Duration.hours(6),
  },
  {
    id: 'WeeklyRescan',
    description: 'Re-scan a year of recalls by recall date: edits do not always change the publish date',
    when: 'weeklyRescan',
    fn: 'pullRecalls',
    input: { mode: 'rescan', force: true },
    maxEventAge: Duration.hours(24),
  },
  {
    id: 'StartSweep',
    description: 'Start the workflow of every stored recall whose start has not succeeded yet',
    when: 'startSweep',
    fn: 'startWorkflows',
    input: {},
    maxEventAge: Duration.minutes(15),
  },
  {
    id: 'OverdueCheck',
    description: 'Count the cases overdue beyond the configured working days (an alarm watches the count)',
    when: 'overdueCheck',
    fn: 'overdueCheck',
    input: {},
    maxEventAge: Duration.hours(6),
  },
  {
    id: 'Digest',
    description: 'Email staff the overdue and due-today cases, decisions waiting and bounced notices, every working morning',
    when: 'digest',
    fn: 'staffReports',
    input: { report: 'digest' },
    maxEventAge: Duration.hours(2),
  },
  {
    id: 'MonthlyReport',
    description: "Email staff the last month's marketplace scorecard with its chart",
    when: 'monthlyReport',
    fn: 'staffReports',
    input: { report: 'monthly' },
    maxEventAge: Duration.hours(24),
  },
];

export class Schedules extends Construct {
  constructor(scope: Construct, id: string, props: Record<ScheduledFunction, LambdaFunction> & { expressions: AppConfig['schedules'] }) {
    super(scope, id);
    // One role for the schedules: invoking these functions, and their dead-letter queues; only this
    // account's schedules may assume it (no confused deputy).
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
      description: 'recallguard schedules',
    });
    for (const schedule of SCHEDULES) {
      const fn = props[schedule.fn];
      new Schedule(this, schedule.id, {
        description: schedule.description,
        schedule: ScheduleExpression.expression(props.expressions[schedule.when], TimeZone.AMERICA_NEW_YORK),
        target: new LambdaInvoke(fn, {
          input: ScheduleTargetInput.fromObject(schedule.input),
          retryAttempts: 3,
          maxEventAge: schedule.maxEventAge,
          deadLetterQueue: fn.deadLetterQueue,
          role,
        }),
      });
    }
    // After the targets: their grants create the role's policy.
    NagSuppressions.addResourceSuppressions(
      role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: 'lambda:InvokeFunction names each scheduled function and its versions (<function arn>:*).',
          appliesTo: [{ regex: '/^Resource::<[A-Za-z0-9]+\\.Arn>:\\*$/g' }],
        },
      ],
      true,
    );
  }
}
