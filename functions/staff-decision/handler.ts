import middy from '@middy/core';
import { stepFunctionsClient } from '../runtime/clients.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { observed } from '../runtime/observability.ts';
import { storesFrom } from '../runtime/stores.ts';
import { staffDecisionEnv } from './env.ts';
import { staffDecision, type StaffDecisionDeps, type StaffDecisionInput, type StaffDecisionResult } from './staff-decision.ts';

const deps: StaffDecisionDeps = { ...storesFrom(loadEnvironment(staffDecisionEnv)), sfn: stepFunctionsClient() };

export const handler = middy<StaffDecisionInput, StaffDecisionResult>()
  .use(observed())
  .handler((event) => staffDecision(event, deps));
