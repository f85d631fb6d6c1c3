import middy from '@middy/core';
import { WorkingCalendar } from '#shared/working-days.ts';
import { stepFunctionsClient } from '../runtime/clients.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { observed } from '../runtime/observability.ts';
import { storesFrom } from '../runtime/stores.ts';
import { pullRecallsEnv } from './env.ts';
import { pullRecalls, type PullDeps, type PullInput, type PullResult } from './pull-recalls.ts';

const env = loadEnvironment(pullRecallsEnv);
const deps: PullDeps = {
  ...storesFrom(env),
  start: { sfn: stepFunctionsClient(), recallStateMachineArn: env.RECALL_STATE_MACHINE_ARN },
  calendar: new WorkingCalendar(env.CLOSURE_DAYS),
  apiUrl: env.CPSC_API_URL,
  overlapDays: env.PULL_OVERLAP_DAYS,
  rescanDays: env.RESCAN_DAYS,
};

export const handler = middy<PullInput, PullResult>()
  .use(observed())
  .handler((event) => pullRecalls(event ?? {}, deps));
