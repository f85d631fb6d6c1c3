import middy from '@middy/core';
import type { StartDeps } from '../case-operations/start-recalls.ts';
import { stepFunctionsClient } from '../runtime/clients.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { observed } from '../runtime/observability.ts';
import { storesFrom } from '../runtime/stores.ts';
import { startWorkflowsEnv } from './env.ts';
import { startPendingWorkflows } from './start-pending.ts';

const env = loadEnvironment(startWorkflowsEnv);
const { recalls, ingestState } = storesFrom(env);
const deps: StartDeps = { recalls, ingestState, sfn: stepFunctionsClient(), recallStateMachineArn: env.RECALL_STATE_MACHINE_ARN };

export const handler = middy<{ limit?: number }, Awaited<ReturnType<typeof startPendingWorkflows>>>()
  .use(observed())
  .handler((event) => startPendingWorkflows(event ?? {}, deps));
