import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Errors, Fail, IntegrationPattern, JitterType, JsonPath, TaskInput, Timeout, type TaskStateBase } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';

/**
 * Every task retries failures with exponential backoff, a ceiling and full jitter, 8 times (about
 * 4 minutes at most): a case lives for days, and a task that gives up fails the whole case.
 * States.TaskFailed covers every error but States.Timeout, the Lambda service's own errors included.
 */
export function withRetry<T extends TaskStateBase>(task: T, maxAttempts = 8): T {
  task.addRetry({
    errors: [Errors.TASKS_FAILED],
    interval: Duration.seconds(2),
    backoffRate: 2,
    maxAttempts,
    maxDelay: Duration.seconds(60),
    jitterStrategy: JitterType.FULL,
  });
  return task;
}

/** Every payload names its execution, which the function's log lines carry. */
function withExecutionId(payload: Record<string, unknown>): Record<string, unknown> {
  return { executionId: JsonPath.stringAt('$$.Execution.Id'), ...payload };
}

/**
 * A workflow's ARN, built from its name (`<stack>-<suffix>`): functions that start its executions
 * or answer its tokens need it before it exists.
 */
export function workflowArn(scope: Construct, suffix: string): string {
  const stack = Stack.of(scope);
  return stack.formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: `${stack.stackName}-${suffix}`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** A Lambda task whose output is the function's return value. */
export function invoke(scope: Construct, id: string, fn: IFunction, payload: Record<string, unknown>, resultPath: string): LambdaInvoke {
  return withRetry(
    new LambdaInvoke(scope, id, {
      lambdaFunction: fn,
      payload: TaskInput.fromObject(withExecutionId(payload)),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath,
      taskTimeout: Timeout.duration(Duration.seconds(30)),
    }),
  );
}

/** A callback task: the function stores the token; the answer (or the timer) resumes the workflow. */
export function awaitCallback(scope: Construct, id: string, fn: IFunction, payload: Record<string, unknown>, resultPath: string): LambdaInvoke {
  return withRetry(
    new LambdaInvoke(scope, id, {
      lambdaFunction: fn,
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      retryOnServiceExceptions: false,
      payload: TaskInput.fromObject({ ...withExecutionId(payload), taskToken: JsonPath.taskToken }),
      // The next timer of the wait (the ladder's, or a stay-down check's reminder and deadline).
      taskTimeout: Timeout.at('$.timer.timeoutSeconds'),
      resultPath,
    }),
  );
}

/**
 * What a workflow does when a task fails after its retries: `RecordFailure` invokes
 * workflow-failed (the failure on the case and in its audit log, staff emailed), then the
 * execution fails. If recording fails too, the execution fails at once: its history keeps it.
 */
export class FailureHandling {
  private readonly failed: Fail;
  /** The state that records a failure: a Catch may lead to it. */
  readonly target: TaskStateBase;

  constructor(scope: Construct, fn: IFunction, subject: Record<string, unknown>) {
    this.failed = new Fail(scope, 'Failed', { errorPath: '$.failure.Error', causePath: '$.failure.Cause' });
    this.target = invoke(
      scope,
      'RecordFailure',
      fn,
      {
        ...subject,
        executionId: JsonPath.stringAt('$$.Execution.Id'),
        error: JsonPath.stringAt('$.failure.Error'),
        cause: JsonPath.stringAt('$.failure.Cause'),
      },
      JsonPath.DISCARD,
    );
    this.target.addCatch(this.failed, { errors: [Errors.ALL], resultPath: '$.recordingFailure' });
    this.target.next(this.failed);
  }

  /** Sends every error left after `task`'s retries (and its other catches) to RecordFailure. */
  catch<T extends TaskStateBase>(task: T): T {
    task.addCatch(this.target, { errors: [Errors.ALL], resultPath: '$.failure' });
    return task;
  }
}

/** The wildcards a state machine's role needs, suppressed on that role with the reason. */
export function allowStateMachineWildcards(stateMachine: StateMachine): void {
  NagSuppressions.addResourceSuppressions(
    stateMachine.role,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason: 'X-Ray and CloudWatch Logs delivery take no resource; lambda:InvokeFunction names each invoked function and its versions (<function arn>:*).',
        appliesTo: ['Resource::*', { regex: '/^Resource::<[A-Za-z0-9]+\\.Arn>:\\*$/g' }],
      },
    ],
    true,
  );
}
