import { Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Errors,
  JsonPath,
  LogLevel,
  StateMachine,
  StateMachineType,
  Succeed,
  Wait,
  WaitTime,
  type TaskStateBase,
} from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { allowStateMachineWildcards, awaitCallback, FailureHandling, invoke, workflowArn } from './task-defaults.ts';

export interface StaydownSteps {
  /** NEXT, REQUEST and FOLLOW_UP (functions/staydown). */
  staydown: IFunction;
  /** Stores the wait's token on the case (the case workflow's await-callback). */
  awaitCallback: IFunction;
  workflowFailed: IFunction;
}

/**
 * The stay-down checks of one blocked period of a case, in an execution of their own, linked to
 * the case's by name (`<case>.staydown-<period>`): a case is watched for months after its block,
 * longer than its own execution should wait, and a relisting's new period gets a new execution.
 *
 * NextCheck -> WaitForCheck (until the check's working day) -> RequestCheck (the email, after its
 * send slot) -> AwaitAttestation, whose timeout is the reminder, then the deadline (escalation
 * to staff); an answer, an escalation, or a case that is no longer blocked in this period goes
 * back to NextCheck, which ends the execution when no check is left.
 */
export class StaydownWorkflow extends Construct {
  static arnIn(scope: Construct): string {
    return workflowArn(scope, 'staydown');
  }

  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: { steps: StaydownSteps }) {
    super(scope, id);
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: `${Stack.of(this).stackName}-staydown`,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(this.states(props.steps)),
      tracingEnabled: true,
      // Execution data would carry task tokens into the logs.
      logs: { destination: new LogGroup(this, 'Logs', { retention: RetentionDays.SIX_MONTHS }), level: LogLevel.ALL, includeExecutionData: false },
    });
    allowStateMachineWildcards(this.stateMachine);
  }

  private states(steps: StaydownSteps): TaskStateBase {
    const subject = { caseId: JsonPath.stringAt('$.caseId'), period: JsonPath.numberAt('$.period') };
    const step = (name: string, kind: 'NEXT' | 'REQUEST' | 'FOLLOW_UP', resultPath: string) =>
      invoke(this, name, steps.staydown, { ...subject, step: kind, ...(kind === 'NEXT' ? {} : { index: JsonPath.numberAt('$.next.index') }) }, resultPath);
    const nextCheck = step('NextCheck', 'NEXT', '$.next');
    const request = step('RequestCheck', 'REQUEST', '$.timer');
    const followUp = step('CheckFollowUp', 'FOLLOW_UP', '$.timer');
    const awaitAttestation = awaitCallback(
      this,
      'AwaitAttestation',
      steps.awaitCallback,
      { caseId: subject.caseId, waitingFor: 'attestation' },
      '$.attestation',
    );

    const waitForSlot = new Wait(this, 'WaitForSendSlot', { time: WaitTime.timestampPath('$.timer.sendAt') }).next(request);
    const isWaiting = new Choice(this, 'IsWaiting')
      .when(Condition.isPresent('$.timer.sendAt'), waitForSlot)
      .when(Condition.booleanEquals('$.timer.waiting', true), awaitAttestation)
      .otherwise(nextCheck);
    nextCheck.next(
      new Choice(this, 'AnyCheckLeft')
        .when(Condition.booleanEquals('$.next.done', true), new Succeed(this, 'ChecksDone'))
        .otherwise(new Wait(this, 'WaitForCheck', { time: WaitTime.timestampPath('$.next.at') }).next(request)),
    );
    request.next(isWaiting);
    followUp.next(isWaiting);
    awaitAttestation.addCatch(followUp, { errors: [Errors.TIMEOUT], resultPath: '$.timeout' });
    awaitAttestation.next(nextCheck);

    const failures = new FailureHandling(this, steps.workflowFailed, { caseId: subject.caseId });
    for (const task of [nextCheck, request, followUp, awaitAttestation]) failures.catch(task);
    return nextCheck;
  }
}
