import middy from '@middy/core';
import { loadEnvironment } from '../runtime/environment.ts';
import { observed } from '../runtime/observability.ts';
import { ingestDeps } from '../runtime/ingest-deps.ts';
import { ingestEnv } from './env.ts';
import { ingestRecalls, type IngestInput, type IngestResult } from './ingest-recalls.ts';

const deps = ingestDeps(loadEnvironment(ingestEnv));

export const handler = middy<IngestInput, IngestResult>()
  .use(observed())
  .handler((event) => ingestRecalls(event, deps));
