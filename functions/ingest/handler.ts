import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import { loadEnvironment } from '../runtime/environment.ts';
import { storesFrom } from '../runtime/stores.ts';
import { ingestEnv } from './env.ts';
import { ingestRecalls, type IngestDeps, type IngestInput, type IngestResult } from './ingest-recalls.ts';

const env = loadEnvironment(ingestEnv);
const stores = storesFrom(env);
const deps: IngestDeps = {
  recalls: stores.recalls(),
  sfn: new SFNClient({}),
  recallStateMachineArn: env.RECALL_STATE_MACHINE_ARN,
};

export const handler = middy<IngestInput, IngestResult>().handler((event) => ingestRecalls(event, deps));
