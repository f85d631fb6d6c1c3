import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Alarm, ComparisonOperator, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, MetricFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE } from '#functions/overdue-check/overdue-check.ts';

/** The topic's policy (enforceSSL) replaces SNS's default one: without this statement no alarm could publish to it. */
function allowAlarmsToPublish(topic: Topic): void {
  const stack = Stack.of(topic);
  topic.addToResourcePolicy(
    new PolicyStatement({
      sid: 'AlarmsOfThisAccountPublish',
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        ArnLike: {
          'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
        },
        StringEquals: { 'aws:SourceAccount': stack.account },
      },
    }),
  );
}

export interface OperationsProps {
  opsEmails: string[];
  functions: Record<string, LambdaFunction>;
  stateMachines: Record<string, StateMachine>;
  /** mail-events' log group: a "notice bounced" line counts as a bounced notice. */
  mailEventsLogs: ILogGroup;
  /** The metric overdue-check publishes. */
  overdueMetricName: string;
  overdueWorkingDays: number;
  key: Key;
}

/**
 * The operations side: an SNS topic that emails the operations addresses, and the alarms that
 * publish to it. Each alarm fires on the first occurrence in five minutes: at this volume
 * every failure is worth a look.
 */
export class Operations extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Alarms', { displayName: 'recallguard operations alarms', enforceSSL: true, masterKey: props.key });
    allowAlarmsToPublish(this.topic);
    for (const address of props.opsEmails) this.topic.addSubscription(new EmailSubscription(address));
    const action = new SnsAction(this.topic);
    const alarm = (name: string, metric: IMetric, description: string) => {
      const created = new Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      this.alarms.push(created);
    };
    const period = Duration.minutes(5);

    for (const [name, machine] of Object.entries(props.stateMachines)) {
      alarm(`${name}ExecutionsFailed`, machine.metricFailed({ period }), `${name} executions failed (each is also recorded on its case and emailed to staff)`);
      alarm(`${name}ExecutionsTimedOut`, machine.metricTimedOut({ period }), `${name} executions timed out`);
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name}Errors`, fn.metricErrors({ period }), `${name} invocations failed`);
      alarm(`${name}Throttles`, fn.metricThrottles({ period }), `${name} invocations were throttled`);
      if (fn.deadLetterQueue) {
        alarm(
          `${name}DeadLetters`,
          fn.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period }),
          `events for ${name} failed every retry and wait in its dead-letter queue`,
        );
      }
    }

    const bounced = new MetricFilter(this, 'NoticesBouncedFilter', {
      logGroup: props.mailEventsLogs,
      filterPattern: FilterPattern.stringValue('$.message', '=', 'notice bounced'),
      metricNamespace: METRIC_NAMESPACE,
      metricName: 'NoticesBounced',
      metricValue: '1',
    });
    alarm('NoticesBounced', bounced.metric({ period, statistic: 'Sum' }), 'a notice bounced: a marketplace address is wrong (staff are emailed with the case)');
    alarm(
      'CasesOverdue',
      new Metric({ namespace: METRIC_NAMESPACE, metricName: props.overdueMetricName, period: Duration.days(1), statistic: 'Maximum' }),
      `cases unanswered more than ${props.overdueWorkingDays} working days after their deadline`,
    );
  }
}
