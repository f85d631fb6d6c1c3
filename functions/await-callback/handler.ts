import middy from '@middy/core';
import { stepFunctionsClient } from '../runtime/clients.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { observed } from '../runtime/observability.ts';
import { storesFrom } from '../runtime/stores.ts';
import { awaitCallback, type AwaitDeps, type AwaitInput } from './await-callback.ts';
import { awaitCallbackEnv } from './env.ts';

const deps: AwaitDeps = { ...storesFrom(loadEnvironment(awaitCallbackEnv)), sfn: stepFunctionsClient() };

export const handler = middy<AwaitInput, Awaited<ReturnType<typeof awaitCallback>>>()
  .use(observed())
  .handler((event) => awaitCallback(event, deps));
