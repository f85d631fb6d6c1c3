import { Duration, TimeZone } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';

/**
 * EventBridge Scheduler: the daily pull (Monday to Friday; the function skips federal holidays
 * and closure days itself), the weekly wide re-scan, and the sweep that starts any recall's
 * workflow whose start failed.
 */
export class Schedules extends Construct {
  constructor(scope: Construct, id: string, props: { pullRecalls: IFunction; startWorkflows: IFunction }) {
    super(scope, id);
    const newYork = TimeZone.AMERICA_NEW_YORK;
    new Schedule(this, 'DailyPull', {
      description: 'Pull new and changed recalls from the CPSC Recalls API on working days',
      schedule: ScheduleExpression.cron({ minute: '0', hour: '6', weekDay: 'MON-FRI', timeZone: newYork }),
      target: new LambdaInvoke(props.pullRecalls, { input: ScheduleTargetInput.fromObject({ mode: 'daily' }), retryAttempts: 3, maxEventAge: Duration.hours(6) }),
    });
    new Schedule(this, 'WeeklyRescan', {
      description: 'Re-scan a year of recalls by recall date: edits do not always change the publish date',
      schedule: ScheduleExpression.cron({ minute: '0', hour: '5', weekDay: 'SAT', timeZone: newYork }),
      target: new LambdaInvoke(props.pullRecalls, { input: ScheduleTargetInput.fromObject({ mode: 'rescan', force: true }), retryAttempts: 3, maxEventAge: Duration.hours(24) }),
    });
    new Schedule(this, 'StartSweep', {
      description: 'Start the workflow of every stored recall whose start has not succeeded yet',
      schedule: ScheduleExpression.rate(Duration.minutes(15)),
      target: new LambdaInvoke(props.startWorkflows, { input: ScheduleTargetInput.fromObject({}), retryAttempts: 2 }),
    });
  }
}
