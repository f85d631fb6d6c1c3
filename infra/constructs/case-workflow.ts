import { Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Errors,
  Fail,
  JsonPath,
  LogLevel,
  StateMachine,
  StateMachineType,
  Succeed,
  type TaskStateBase,
} from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { awaitCallbackEnv } from '#functions/await-callback/env.ts';
import { taskResponses, updateCases } from './bindings.ts';
import { HandlerFunction } from './handler-function.ts';
import type { Tables } from './tables.ts';
import { allowStateMachineWildcards, awaitCallback, FailureHandling, invoke, workflowArn } from './task-defaults.ts';

/** The functions that do the case workflow's steps (CaseMail). */
export interface CaseSteps {
  notify: IFunction;
  followUp: IFunction;
  actOnAnswer: IFunction;
  applyDecision: IFunction;
  workflowFailed: IFunction;
}

/**
 * One execution per case (recall x marketplace), so each case's history reads on its own and
 * stays short whatever the number of marketplaces:
 *
 * NotifyMarketplace -> AwaitAnswer, whose timeout is the next ladder timer. A timer sends the
 * reminder, the escalation (OVERDUE), the final notice, or expires the case, and the workflow
 * waits again. BLOCKED and NOT_LISTED close the case; a dispute or an extension request goes
 * to staff (AwaitDecision, a callback too), whose decision closes the case or sends it back.
 */
export class CaseWorkflow extends Construct {
  /** The case workflow's ARN, built from its name: the functions that answer its tokens need it before it exists. */
  static arnIn(scope: Construct): string {
    return workflowArn(scope, 'case');
  }

  readonly stateMachine: StateMachine;
  /** AwaitAnswer and AwaitDecision (and the stay-down workflow's AwaitAttestation): stores each task token on the case, where answers and decisions find it. */
  readonly awaitCallback: HandlerFunction<typeof awaitCallbackEnv>;

  constructor(scope: Construct, id: string, props: { steps: CaseSteps; tables: Tables; staydownWorkflowArn: string }) {
    super(scope, id);
    this.awaitCallback = new HandlerFunction(this, 'AwaitCallback', {
      name: 'await-callback',
      environmentSchema: awaitCallbackEnv,
      environment: { CASES_TABLE: updateCases(props.tables.cases) },
      grants: [taskResponses(CaseWorkflow.arnIn(this), props.staydownWorkflowArn)],
    });
    const start = this.states(props.steps);
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: `${Stack.of(this).stackName}-case`,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(start),
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'Logs', { retention: RetentionDays.SIX_MONTHS }),
        level: LogLevel.ALL,
        // Execution data would carry task tokens into the logs.
        includeExecutionData: false,
      },
    });
    allowStateMachineWildcards(this.stateMachine);
  }

  /** The states, wired: returns the first. */
  private states(steps: CaseSteps): TaskStateBase {
    const caseId = JsonPath.stringAt('$.caseId');
    const notify = invoke(
      this,
      'NotifyMarketplace',
      steps.notify,
      {
        caseId,
        recallNumber: JsonPath.stringAt('$.recallNumber'),
        marketplaceId: JsonPath.stringAt('$.marketplaceId'),
        executionId: JsonPath.stringAt('$$.Execution.Id'),
      },
      '$.timer',
    );
    const awaitAnswer = awaitCallback(this, 'AwaitAnswer', this.awaitCallback, { caseId, waitingFor: 'marketplace' }, '$.result');
    const followUp = (name: string, step: string) => invoke(this, name, steps.followUp, { caseId, step }, '$.timer');
    const ladder = {
      remind: followUp('SendReminder', 'REMIND'),
      escalate: followUp('Escalate', 'ESCALATE'),
      finalNotice: followUp('SendFinalNotice', 'FINAL_NOTICE'),
    };
    const expire = followUp('Expire', 'EXPIRE');
    const answer = { result: JsonPath.objectAt('$.result') };
    const closeCase = invoke(this, 'CloseCase', steps.actOnAnswer, { caseId, ...answer }, '$.outcome');
    const handToStaff = invoke(this, 'HandToStaff', steps.actOnAnswer, { caseId, ...answer }, '$.timer');
    const awaitDecision = awaitCallback(this, 'AwaitDecision', this.awaitCallback, { caseId, waitingFor: 'staff' }, '$.decision');
    const applyDecision = invoke(this, 'ApplyDecision', steps.applyDecision, { caseId, decision: JsonPath.objectAt('$.decision') }, '$.timer');

    const closed = new Succeed(this, 'Closed');
    const whichStep = new Choice(this, 'WhichTimer')
      .when(Condition.stringEquals('$.timer.step', 'REMIND'), ladder.remind)
      .when(Condition.stringEquals('$.timer.step', 'ESCALATE'), ladder.escalate)
      .when(Condition.stringEquals('$.timer.step', 'FINAL_NOTICE'), ladder.finalNotice)
      .when(Condition.stringEquals('$.timer.step', 'EXPIRE'), expire)
      .otherwise(new Fail(this, 'UnknownTimer', { error: 'UnknownTimer', causePath: '$.timer.step' }));
    const whichAnswer = new Choice(this, 'WhichAnswer')
      .when(
        Condition.or(Condition.stringEquals('$.result.answer.answer', 'blocked'), Condition.stringEquals('$.result.answer.answer', 'not_listed')),
        closeCase,
      )
      .otherwise(handToStaff);

    notify.next(awaitAnswer);
    awaitAnswer.addCatch(whichStep, { errors: [Errors.TIMEOUT], resultPath: '$.timeout' });
    awaitAnswer.next(whichAnswer);
    for (const step of Object.values(ladder)) step.next(awaitAnswer);
    // An expiry that no longer applies (an answer came in meanwhile) goes back for the answer.
    expire.next(new Choice(this, 'IsExpired').when(Condition.booleanEquals('$.timer.expired', true), new Succeed(this, 'Expired')).otherwise(awaitAnswer));
    closeCase.next(closed);
    handToStaff.next(awaitDecision);
    awaitDecision.addCatch(expire, { errors: [Errors.TIMEOUT], resultPath: '$.timeout' });
    awaitDecision.next(applyDecision);
    applyDecision.next(new Choice(this, 'IsClosed').when(Condition.booleanEquals('$.timer.closed', true), closed).otherwise(awaitAnswer));

    // Every task's errors left after its retries (and its timeout catch) are recorded, and staff alerted.
    const failures = new FailureHandling(this, steps.workflowFailed, { caseId });
    for (const task of [notify, awaitAnswer, ...Object.values(ladder), expire, closeCase, handToStaff, awaitDecision, applyDecision]) failures.catch(task);
    return notify;
  }
}
