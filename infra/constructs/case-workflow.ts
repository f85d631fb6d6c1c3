import { ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Choice, Condition, DefinitionBody, Errors, Fail, JsonPath, LogLevel, StateMachine, StateMachineType, Succeed } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { allowStateMachineWildcards, awaitCallback, FailureHandling, invoke } from './task-defaults.ts';

export interface CaseWorkflowProps {
  notify: IFunction;
  awaitAnswer: IFunction;
  followUp: IFunction;
  recordAnswer: IFunction;
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
  readonly stateMachine: StateMachine;
  /** Built from the name, not the resource: the functions the workflow invokes answer its tokens. */
  readonly stateMachineArn: string;

  constructor(scope: Construct, id: string, props: CaseWorkflowProps) {
    super(scope, id);
    const caseId = JsonPath.stringAt('$.caseId');

    const notify = invoke(
      this,
      'NotifyMarketplace',
      props.notify,
      {
        caseId,
        recallNumber: JsonPath.stringAt('$.recallNumber'),
        marketplaceId: JsonPath.stringAt('$.marketplaceId'),
        executionId: JsonPath.stringAt('$$.Execution.Id'),
      },
      '$.timer',
    );
    const awaitAnswer = awaitCallback(this, 'AwaitAnswer', props.awaitAnswer, { caseId, waitingFor: 'marketplace' }, '$.result');
    const followUp = (name: string, step: string) => invoke(this, name, props.followUp, { caseId, step }, '$.timer');
    const remind = followUp('SendReminder', 'REMIND');
    const escalate = followUp('Escalate', 'ESCALATE');
    const finalNotice = followUp('SendFinalNotice', 'FINAL_NOTICE');
    const expire = followUp('Expire', 'EXPIRE');
    const closeCase = invoke(this, 'CloseCase', props.recordAnswer, { caseId, result: JsonPath.objectAt('$.result') }, '$.outcome');
    const handToStaff = invoke(this, 'HandToStaff', props.recordAnswer, { caseId, result: JsonPath.objectAt('$.result') }, '$.timer');
    const awaitDecision = awaitCallback(this, 'AwaitDecision', props.awaitAnswer, { caseId, waitingFor: 'staff' }, '$.decision');
    const applyDecision = invoke(this, 'ApplyDecision', props.applyDecision, { caseId, decision: JsonPath.objectAt('$.decision') }, '$.timer');

    const closed = new Succeed(this, 'Closed');
    const expired = new Succeed(this, 'Expired');
    const whichStep = new Choice(this, 'WhichTimer')
      .when(Condition.stringEquals('$.timer.step', 'REMIND'), remind)
      .when(Condition.stringEquals('$.timer.step', 'ESCALATE'), escalate)
      .when(Condition.stringEquals('$.timer.step', 'FINAL_NOTICE'), finalNotice)
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
    remind.next(awaitAnswer);
    escalate.next(awaitAnswer);
    finalNotice.next(awaitAnswer);
    // An expiry that no longer applies (an answer came in meanwhile) goes back for the answer.
    expire.next(new Choice(this, 'IsExpired').when(Condition.booleanEquals('$.timer.expired', true), expired).otherwise(awaitAnswer));
    closeCase.next(closed);
    handToStaff.next(awaitDecision);
    awaitDecision.addCatch(expire, { errors: [Errors.TIMEOUT], resultPath: '$.timeout' });
    awaitDecision.next(applyDecision);
    applyDecision.next(new Choice(this, 'IsClosed').when(Condition.booleanEquals('$.timer.closed', true), closed).otherwise(awaitAnswer));

    // Every task's errors left after its retries (and its timeout catch) are recorded, and staff alerted.
    const failures = new FailureHandling(this, props.workflowFailed, { caseId });
    for (const task of [notify, awaitAnswer, remind, escalate, finalNotice, expire, closeCase, handToStaff, awaitDecision, applyDecision]) failures.catch(task);

    const stateMachineName = `${Stack.of(this).stackName}-case`;
    this.stateMachineArn = Stack.of(this).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(notify),
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

  /** Lets a function resume the workflow with SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat. */
  grantTaskResponse(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'], resources: [this.stateMachineArn] }),
    );
  }
}
