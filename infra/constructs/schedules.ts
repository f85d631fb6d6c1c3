import { Duration, TimeZone } from 'aws-cdk-lib';
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
export class Schedules extends Construct {
  constructor(
    scope: Construct,
    id: string,
    props: {
      pullRecalls: LambdaFunction;
      startWorkflows: LambdaFunction;
      overdueCheck: LambdaFunction;
      staffReports: LambdaFunction;
      expressions: AppConfig['schedules'];
    },
  ) {
    super(scope, id);
    const newYork = TimeZone.AMERICA_NEW_YORK;
    // One role for the schedules: invoking these functions, and their dead-letter queues.
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('scheduler.amazonaws.com'), description: 'recallguard schedules' });
    const e = props.expressions;
    const schedules: [id: string, description: string, expression: string, fn: LambdaFunction, input: Record<string, unknown>, maxEventAge: Duration][] = [
      [
        'DailyPull',
        'Pull new and changed recalls from the CPSC Recalls API on working days',
        e.dailyPull,
        props.pullRecalls,
        { mode: 'daily' },
        Duration.hours(6),
      ],
      [
        'WeeklyRescan',
        'Re-scan a year of recalls by recall date: edits do not always change the publish date',
        e.weeklyRescan,
        props.pullRecalls,
        { mode: 'rescan', force: true },
        Duration.hours(24),
      ],
      [
        'StartSweep',
        'Start the workflow of every stored recall whose start has not succeeded yet',
        e.startSweep,
        props.startWorkflows,
        {},
        Duration.minutes(15),
      ],
      [
        'OverdueCheck',
        'Count the cases overdue beyond the configured working days (an alarm watches the count)',
        e.overdueCheck,
        props.overdueCheck,
        {},
        Duration.hours(6),
      ],
      [
        'Digest',
        'Email staff the overdue and due-today cases, decisions waiting and bounced notices, every working morning',
        e.digest,
        props.staffReports,
        { report: 'digest' },
        Duration.hours(2),
      ],
      [
        'MonthlyReport',
        "Email staff the last month's marketplace scorecard with its chart",
        e.monthlyReport,
        props.staffReports,
        { report: 'monthly' },
        Duration.hours(24),
      ],
    ];
    for (const [id, description, expression, fn, input, maxEventAge] of schedules) {
      new Schedule(this, id, {
        description,
        schedule: ScheduleExpression.expression(expression, newYork),
        target: new LambdaInvoke(fn, {
          input: ScheduleTargetInput.fromObject(input),
          retryAttempts: 3,
          maxEventAge,
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
