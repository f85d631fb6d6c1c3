import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { loadEngine } from '#infra/local-cloud/step-functions/engine.ts';
import { stateError, StepFunctionsService, type TaskInvoker } from '#infra/local-cloud/step-functions/service.ts';
import { VirtualClock } from '#infra/local-cloud/virtual-clock.ts';

const FN = 'arn:aws:lambda:us-east-1:000000000000:function:worker';
const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:callbacks';
const DAY = 86_400;

/** A callback state like the case workflow's: the timeout comes from the state's input. */
function callbackMachine(extra: Record<string, unknown> = {}): StateMachineDefinition {
  return {
    StartAt: 'Wait for answer',
    States: {
      'Wait for answer': {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: FN, Payload: { 'token.$': '$$.Task.Token', 'id.$': '$.id' } },
        TimeoutSecondsPath: '$.timeoutSeconds',
        ResultPath: '$.answer',
        Catch: [{ ErrorEquals: ['States.Timeout', 'States.HeartbeatTimeout'], ResultPath: '$.error', Next: 'Timed out' }],
        Next: 'Answered',
        ...extra,
      },
      Answered: { Type: 'Succeed' },
      'Timed out': { Type: 'Pass', Result: 'timed out', ResultPath: '$.outcome', End: true },
    },
  } as StateMachineDefinition;
}

async function service(definition: StateMachineDefinition, invoke?: TaskInvoker) {
  const clock = new VirtualClock(new Date('2026-01-05T12:00:00Z'));
  const tokens: string[] = [];
  const invoker: TaskInvoker =
    invoke ??
    (async (_resource, parameters) => {
      tokens.push((parameters as { Payload: { token: string } }).Payload.token);
      return { StatusCode: 200, Payload: null };
    });
  const sfn = new StepFunctionsService(await loadEngine(clock), clock, invoker, 'us-east-1', '000000000000');
  sfn.createStateMachine(MACHINE, 'callbacks', 'arn:aws:iam::000000000000:role/test', definition);
  return { sfn, clock, tokens };
}

describe('the local Step Functions service', () => {
  it('passes a fresh task token and resumes on SendTaskSuccess with its output', async () => {
    const { sfn, clock, tokens } = await service(callbackMachine());
    const { executionArn } = sfn.startExecution({ stateMachineArn: MACHINE, name: 'a', input: JSON.stringify({ id: 1, timeoutSeconds: 3600 }) });
    await clock.settle();
    expect(tokens).toHaveLength(1);
    expect(sfn.describeExecution(executionArn).status).toBe('RUNNING');
    sfn.sendTaskSuccess(tokens[0]!, JSON.stringify({ blocked: true }));
    await clock.settle();
    const done = sfn.describeExecution(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ id: 1, timeoutSeconds: 3600, answer: { blocked: true } });
    expect(() => sfn.sendTaskSuccess(tokens[0]!, '{}')).toThrow(expect.objectContaining({ code: 'TaskTimedOut' }));
    expect(() => sfn.sendTaskSuccess('AQnot-a-token', '{}')).toThrow(expect.objectContaining({ code: 'InvalidToken' }));
  });

  it('times a callback out in virtual time, even beyond the 24.8 days a Node timer can hold', async () => {
    const { sfn, clock, tokens } = await service(callbackMachine());
    const { executionArn } = sfn.startExecution({ stateMachineArn: MACHINE, input: JSON.stringify({ id: 2, timeoutSeconds: 60 * DAY }) });
    const reached = await clock.run();
    expect(reached.toISOString()).toBe('2026-03-06T12:00:00.000Z');
    const done = sfn.describeExecution(executionArn);
    expect(JSON.parse(done.output!)).toMatchObject({ outcome: 'timed out', error: { Error: 'States.Timeout' } });
    expect(sfn.history(executionArn).map((e) => e.type)).toContain('TaskTimedOut');
    expect(() => sfn.sendTaskSuccess(tokens[0]!, '{}')).toThrow(expect.objectContaining({ code: 'TaskTimedOut' }));
  });

  it('fails the state with the error given to SendTaskFailure', async () => {
    const definition = callbackMachine({ Catch: [{ ErrorEquals: ['Marketplace.Refused'], ResultPath: '$.error', Next: 'Timed out' }] });
    const { sfn, clock, tokens } = await service(definition);
    const { executionArn } = sfn.startExecution({ stateMachineArn: MACHINE, input: JSON.stringify({ id: 3, timeoutSeconds: 3600 }) });
    await clock.settle();
    sfn.sendTaskFailure(tokens[0]!, 'Marketplace.Refused', 'not ours');
    await clock.settle();
    expect(JSON.parse(sfn.describeExecution(executionArn).output!).error).toEqual({ Error: 'Marketplace.Refused', Cause: 'not ours' });
  });

  it('keeps a task alive on heartbeats and times it out when they stop', async () => {
    const { sfn, clock, tokens } = await service(callbackMachine({ HeartbeatSeconds: 600 }));
    const { executionArn } = sfn.startExecution({ stateMachineArn: MACHINE, input: JSON.stringify({ id: 4, timeoutSeconds: DAY }) });
    await clock.settle();
    await clock.run({ until: new Date('2026-01-05T12:09:00Z') });
    sfn.sendTaskHeartbeat(tokens[0]!);
    await clock.run({ until: new Date('2026-01-05T12:18:00Z') });
    expect(sfn.describeExecution(executionArn).status).toBe('RUNNING');
    await clock.run();
    expect(clock.date().toISOString()).toBe('2026-01-05T12:19:00.000Z');
    expect(JSON.parse(sfn.describeExecution(executionArn).output!).error.Error).toBe('States.HeartbeatTimeout');
  });

  it('treats execution names as AWS does', async () => {
    const { sfn } = await service(callbackMachine());
    const input = JSON.stringify({ id: 5, timeoutSeconds: 60 });
    const first = sfn.startExecution({ stateMachineArn: MACHINE, name: 'case-5', input });
    expect(sfn.startExecution({ stateMachineArn: MACHINE, name: 'case-5', input }).executionArn).toBe(first.executionArn);
    expect(() => sfn.startExecution({ stateMachineArn: MACHINE, name: 'case-5', input: '{"id":6}' })).toThrow(
      expect.objectContaining({ code: 'ExecutionAlreadyExists' }),
    );
    expect(() => sfn.startExecution({ stateMachineArn: MACHINE, name: 'has space' })).toThrow(expect.objectContaining({ code: 'InvalidName' }));
    expect(() => sfn.startExecution({ stateMachineArn: MACHINE, input: 'not json' })).toThrow(expect.objectContaining({ code: 'InvalidExecutionInput' }));
    sfn.stopExecution(first.executionArn, 'Staff.Stopped', 'duplicate');
    expect(sfn.describeExecution(first.executionArn)).toMatchObject({ status: 'ABORTED', error: 'Staff.Stopped' });
  });

  it('retries a failing task with backoff in virtual time and writes the history in order', async () => {
    let calls = 0;
    const definition = {
      StartAt: 'Flaky',
      States: {
        Flaky: {
          Type: 'Task',
          Resource: FN,
          TimeoutSeconds: 30,
          Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 3600, BackoffRate: 2, MaxAttempts: 3 }],
          End: true,
        },
      },
    } as StateMachineDefinition;
    const { sfn, clock } = await service(definition, async () => {
      if (++calls < 3) throw stateError('Lambda.TooManyRequestsException', 'slow down');
      return { ok: true };
    });
    const { executionArn } = sfn.startExecution({ stateMachineArn: MACHINE, input: '{}' });
    await clock.run();
    expect(calls).toBe(3);
    expect(clock.date().toISOString()).toBe('2026-01-05T15:00:00.000Z');
    expect(sfn.describeExecution(executionArn).status).toBe('SUCCEEDED');
    const types = sfn.history(executionArn).map((e) => e.type);
    expect(types).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(sfn.history(executionArn).map((e) => e.id)).toEqual(types.map((_, i) => i + 1));
  });
});
