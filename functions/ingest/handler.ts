import middy from '@middy/core';
import { stepFunctionsClient } from '../runtime/clients.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { observed } from '../runtime/observability.ts';
import { storesFrom } from '../runtime/stores.ts';
import { ingestEnv } from './env.ts';
import { ingestRecalls, type IngestInput, type IngestResult } from './ingest-recalls.ts';

const env = loadEnvironment(ingestEnv);
const deps = { ...storesFrom(env), start: { sfn: stepFunctionsClient(), recallStateMachineArn: env.RECALL_STATE_MACHINE_ARN } };

export const handler = middy<IngestInput, IngestResult>()
  .use(observed())
  .handler((event) => ingestRecalls(event, deps));
