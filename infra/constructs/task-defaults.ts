import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Errors, IntegrationPattern, JitterType, JsonPath, TaskInput, Timeout, type TaskStateBase } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';

/** Every task retries failures with exponential backoff and full jitter. */
export function withRetry<T extends TaskStateBase>(task: T, maxAttempts = 5): T {
  task.addRetry({ errors: [Errors.TASKS_FAILED], interval: Duration.seconds(2), backoffRate: 2, maxAttempts, maxDelay: Duration.seconds(60), jitterStrategy: JitterType.FULL });
  return task;
}

/** A Lambda task whose output is the function's return value. */
export function invoke(scope: Construct, id: string, fn: IFunction, payload: Record<string, unknown>, resultPath: string): LambdaInvoke {
  return withRetry(
    new LambdaInvoke(scope, id, {
      lambdaFunction: fn,
      payload: TaskInput.fromObject(payload),
      payloadResponseOnly: true,
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
      payload: TaskInput.fromObject({ ...payload, taskToken: JsonPath.taskToken }),
      taskTimeout: Timeout.at('$.timer.timeoutSeconds'),
      resultPath,
    }),
    3,
  );
}
