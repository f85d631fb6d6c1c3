import middy from '@middy/core';
import { loadEnvironment } from '../runtime/environment.ts';
import { observed } from '../runtime/observability.ts';
import { storesFrom } from '../runtime/stores.ts';
import { planCasesEnv } from './env.ts';
import { planCases, type PlanInput, type PlannedCase } from './plan-cases.ts';

const deps = storesFrom(loadEnvironment(planCasesEnv));

export const handler = middy<PlanInput, { cases: PlannedCase[] }>()
  .use(observed())
  .handler((event) => planCases(event, deps));
