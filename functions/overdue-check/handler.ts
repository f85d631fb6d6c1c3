import middy from '@middy/core';
import { WorkingCalendar } from '#shared/working-days.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { observed } from '../runtime/observability.ts';
import { storesFrom } from '../runtime/stores.ts';
import { overdueCheckEnv } from './env.ts';
import { overdueCheck } from './overdue-check.ts';

const env = loadEnvironment(overdueCheckEnv);
const deps = {
  cases: storesFrom(env).cases,
  calendar: new WorkingCalendar(env.CLOSURE_DAYS),
  limit: env.OVERDUE_ALARM_WORKING_DAYS,
  // One line on stdout in the embedded metric format: CloudWatch turns it into the metric.
  publish: (line: string) => process.stdout.write(`${line}\n`),
};

export const handler = middy()
  .use(observed())
  .handler(() => overdueCheck(deps));
