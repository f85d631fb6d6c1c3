import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  DefinitionBody,
  Errors,
  IntegrationPattern,
  JitterType,
  JsonPath,
  LogLevel,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

export interface CaseWorkflowProps {
  notify: IFunction;
  awaitAnswer: IFunction;
  recordAnswer: IFunction;
  escalate: IFunction;
}

/** Names of the states, as staff read them in the execution history. */
export const CASE_STATES = {
  notify: 'NotifyMarketplace',
  await: 'AwaitBlock',
  record: 'RecordAnswer',
  overdue: 'MarkOverdue',
} as const;

function invoke(scope: Construct, id: string, fn: IFunction, payload: Record<string, unknown>, resultPath: string): LambdaInvoke {
  const task = new LambdaInvoke(scope, id, {
    lambdaFunction: fn,
    payload: TaskInput.fromObject(payload),
    payloadResponseOnly: true,
    resultPath,
    taskTimeout: Timeout.duration(Duration.seconds(30)),
  });
  task.addRetry({ errors: [Errors.TASKS_FAILED], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 5, maxDelay: Duration.seconds(60), jitterStrategy: JitterType.FULL });
  return task;
}

/**
 * One execution per case (recall x marketplace): notify, then wait for the answer with a
 * timeout at the deadline; an answer is recorded, a passed deadline marks the case overdue.
 */
export class CaseWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  /** Built from the name, not the resource: the functions the workflow invokes answer its tokens. */
  readonly stateMachineArn: string;

  constructor(scope: Construct, id: string, props: CaseWorkflowProps) {
    super(scope, id);
    const caseId = JsonPath.stringAt('$.caseId');
    const notify = invoke(
      this,
      CASE_STATES.notify,
      props.notify,
      { caseId, recallNumber: JsonPath.stringAt('$.recallNumber'), marketplaceId: JsonPath.stringAt('$.marketplaceId'), executionId: JsonPath.stringAt('$$.Execution.Id') },
      '$.timer',
    );
    const awaitBlock = new LambdaInvoke(this, CASE_STATES.await, {
      lambdaFunction: props.awaitAnswer,
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({ caseId, taskToken: JsonPath.taskToken }),
      taskTimeout: Timeout.at('$.timer.timeoutSeconds'),
      resultPath: '$.result',
    });
    awaitBlock.addRetry({ errors: [Errors.TASKS_FAILED], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 3, maxDelay: Duration.seconds(60), jitterStrategy: JitterType.FULL });
    const record = invoke(this, CASE_STATES.record, props.recordAnswer, { caseId, result: JsonPath.objectAt('$.result') }, '$.outcome');
    const overdue = invoke(this, CASE_STATES.overdue, props.escalate, { caseId }, '$.escalation');
    awaitBlock.addCatch(overdue, { errors: [Errors.TIMEOUT], resultPath: '$.timeout' });

    const definition = notify.next(awaitBlock).next(record).next(new Succeed(this, 'Answered'));
    overdue.next(new Succeed(this, 'Overdue'));

    const stateMachineName = `${Stack.of(this).stackName}-case`;
    this.stateMachineArn = Stack.of(this).formatArn({ service: 'states', resource: 'stateMachine', resourceName: stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(definition),
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'Logs', { retention: RetentionDays.SIX_MONTHS }),
        level: LogLevel.ALL,
        // Execution data would carry task tokens into the logs.
        includeExecutionData: false,
      },
    });
  }

  /** Lets a function resume the workflow with SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat. */
  grantTaskResponse(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'], resources: [this.stateMachineArn] }),
    );
  }
}
