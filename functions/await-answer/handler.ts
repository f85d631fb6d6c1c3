import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import { loadEnvironment } from '../runtime/environment.ts';
import { CLIENT_SETTINGS, observed, traced } from '../runtime/observability.ts';
import { storesFrom } from '../runtime/stores.ts';
import { awaitAnswer, type AwaitDeps, type AwaitInput } from './await-answer.ts';
import { awaitAnswerEnv } from './env.ts';

const stores = storesFrom(loadEnvironment(awaitAnswerEnv));
const deps: AwaitDeps = { cases: stores.cases(), sfn: traced(new SFNClient(CLIENT_SETTINGS)) };

export const handler = middy<AwaitInput, Awaited<ReturnType<typeof awaitAnswer>>>()
  .use(observed())
  .handler((event) => awaitAnswer(event, deps));
