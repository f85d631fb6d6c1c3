import { Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  DefinitionBody,
  Errors,
  JsonPath,
  LogLevel,
  Map as MapState,
  Pass,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Wait,
  WaitTime,
  type IStateMachine,
} from 'aws-cdk-lib/aws-stepfunctions';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { planCasesEnv } from '#functions/plan-cases/env.ts';
import { readTable, readWriteTable } from './bindings.ts';
import { HandlerFunction } from './handler-function.ts';
import type { Tables } from './tables.ts';
import { allowStateMachineWildcards, FailureHandling, invoke, withRetry } from './task-defaults.ts';

const ALREADY_STARTED = 'StepFunctions.ExecutionAlreadyExistsException';

/**
 * One execution per recall, started by ingest under a deterministic name: it plans one case per
 * active marketplace and starts each case's own execution (named by the case id, so a repeat
 * starts nothing). Its history grows by a few events per marketplace: with 500 marketplaces it
 * stays near 4,000 events, far below the 25,000 limit; each case's history is its own.
 */
export class RecallWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  /** One case per active marketplace, each with the send slot its notice waits for. */
  readonly planCases: HandlerFunction<typeof planCasesEnv>;

  constructor(scope: Construct, id: string, props: { tables: Tables; sesMaxSendRate: number; caseWorkflow: IStateMachine; workflowFailed: IFunction }) {
    super(scope, id);
    this.planCases = new HandlerFunction(this, 'Planner', {
      name: 'plan-cases',
      environmentSchema: planCasesEnv,
      environment: {
        RECALLS_TABLE: readTable(props.tables.recalls),
        MARKETPLACES_TABLE: readTable(props.tables.marketplaces),
        BOOKKEEPING_TABLE: readWriteTable(props.tables.bookkeeping),
        SES_MAX_SEND_RATE: String(props.sesMaxSendRate),
      },
    });
    const plan = invoke(this, 'PlanCases', this.planCases, { recallNumber: JsonPath.stringAt('$.recallNumber') }, '$.plan');
    const startCase = new StepFunctionsStartExecution(this, 'StartCase', {
      stateMachine: props.caseWorkflow,
      name: JsonPath.stringAt('$.caseId'),
      input: TaskInput.fromObject({
        caseId: JsonPath.stringAt('$.caseId'),
        recallNumber: JsonPath.stringAt('$.recallNumber'),
        marketplaceId: JsonPath.stringAt('$.marketplaceId'),
      }),
      resultPath: JsonPath.DISCARD,
    });
    // A case already started is done: retriers match in order, and States.TaskFailed below matches
    // this error too, so this one (no retry) comes first and the catch takes it at once.
    startCase.addRetry({ errors: [ALREADY_STARTED], maxAttempts: 0 });
    withRetry(startCase);
    startCase.addCatch(new Pass(this, 'AlreadyStarted'), { errors: [ALREADY_STARTED], resultPath: JsonPath.DISCARD });
    const startCases = new MapState(this, 'StartCases', { itemsPath: '$.plan.cases', maxConcurrency: 10, resultPath: JsonPath.DISCARD });
    // Each case starts at the send slot PlanCases reserved for its notice: a burst of recalls
    // stays within SES's sending rate, and the case's own history stays as short as it was.
    startCases.itemProcessor(new Wait(this, 'AwaitSendSlot', { time: WaitTime.timestampPath('$.sendAt') }).next(startCase));
    // A case that cannot start fails its iteration, and the Map with it: the recall records it.
    const failures = new FailureHandling(this, props.workflowFailed, { recallNumber: JsonPath.stringAt('$.recallNumber') });
    failures.catch(plan);
    startCases.addCatch(failures.target, { errors: [Errors.ALL], resultPath: '$.failure' });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: `${Stack.of(this).stackName}-recall`,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(plan.next(startCases).next(new Succeed(this, 'CasesStarted'))),
      tracingEnabled: true,
      logs: { destination: new LogGroup(this, 'Logs', { retention: RetentionDays.SIX_MONTHS }), level: LogLevel.ALL, includeExecutionData: false },
    });

    allowStateMachineWildcards(this.stateMachine);
  }
}
