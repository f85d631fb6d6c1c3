import { Duration } from 'aws-cdk-lib';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ingestEnv } from '#functions/ingest/env.ts';
import { pullRecallsEnv } from '#functions/pull-recalls/env.ts';
import { startWorkflowsEnv } from '#functions/start-workflows/env.ts';
import type { AppConfig } from '../config.ts';
import { appendAudit, readWriteTable, startExecutions, writeTable } from './bindings.ts';
import { HandlerFunction } from './handler-function.ts';
import type { Tables } from './tables.ts';

export interface IngestProps {
  tables: Tables;
  /** The workflow each new recall starts. */
  recallWorkflow: IStateMachine;
  config: AppConfig;
}

/**
 * Recalls in: a batch (a file, or the API's records) ingested losslessly, the scheduled pull from
 * the CPSC Recalls API, and the sweep that starts any new recall's workflow whose start failed.
 */
export class Ingest extends Construct {
  readonly ingest: HandlerFunction<typeof ingestEnv>;
  readonly pullRecalls: HandlerFunction<typeof pullRecallsEnv>;
  readonly startWorkflows: HandlerFunction<typeof startWorkflowsEnv>;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    const { tables, config } = props;
    const environment = {
      RECALLS_TABLE: readWriteTable(tables.recalls),
      BOOKKEEPING_TABLE: readWriteTable(tables.bookkeeping),
      QUARANTINE_TABLE: writeTable(tables.quarantine),
      AUDIT_TABLE: appendAudit(tables.audit),
      RECALL_STATE_MACHINE_ARN: startExecutions(props.recallWorkflow),
    };
    this.ingest = new HandlerFunction(this, 'Batch', {
      name: 'ingest',
      environmentSchema: ingestEnv,
      environment,
      timeout: Duration.minutes(10),
      memorySize: 1024,
    });
    this.pullRecalls = new HandlerFunction(this, 'Pull', {
      name: 'pull-recalls',
      environmentSchema: pullRecallsEnv,
      environment: {
        ...environment,
        CPSC_API_URL: config.cpscApiUrl,
        PULL_OVERLAP_DAYS: String(config.pullOverlapDays),
        RESCAN_DAYS: String(config.rescanDays),
        CLOSURE_DAYS: config.closureDays.join(','),
      },
      timeout: Duration.minutes(15),
      memorySize: 1024,
      asynchronous: true,
    });
    this.startWorkflows = new HandlerFunction(this, 'StartWorkflows', {
      name: 'start-workflows',
      environmentSchema: startWorkflowsEnv,
      environment: {
        RECALLS_TABLE: environment.RECALLS_TABLE,
        BOOKKEEPING_TABLE: environment.BOOKKEEPING_TABLE,
        RECALL_STATE_MACHINE_ARN: environment.RECALL_STATE_MACHINE_ARN,
      },
      timeout: Duration.minutes(5),
      asynchronous: true,
    });
  }
}
