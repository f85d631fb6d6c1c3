import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import { IngestState } from '#shared/store/ingest-state.ts';
import { DynamoRecallStore } from '#shared/store/recall-store.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { CLIENT_SETTINGS, observed, tracedDocumentClient, traced } from '../runtime/observability.ts';
import type { StartDeps } from '../runtime/start-recalls.ts';
import { startWorkflowsEnv } from './env.ts';
import { startPendingWorkflows } from './start-pending.ts';

const env = loadEnvironment(startWorkflowsEnv);
const db = tracedDocumentClient();
const deps: StartDeps = {
  recalls: new DynamoRecallStore(db, env.RECALLS_TABLE),
  state: new IngestState(db, env.INGEST_STATE_TABLE),
  sfn: traced(new SFNClient(CLIENT_SETTINGS)),
  recallStateMachineArn: env.RECALL_STATE_MACHINE_ARN,
};

export const handler = middy<{ limit?: number }, Awaited<ReturnType<typeof startPendingWorkflows>>>()
  .use(observed())
  .handler((event) => startPendingWorkflows(event ?? {}, deps));
