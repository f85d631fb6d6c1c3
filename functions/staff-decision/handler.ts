import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import { loadEnvironment } from '../runtime/environment.ts';
import { CLIENT_SETTINGS, observed, traced } from '../runtime/observability.ts';
import { storesFrom } from '../runtime/stores.ts';
import { staffDecisionEnv } from './env.ts';
import { staffDecision, type StaffDecisionDeps, type StaffDecisionInput, type StaffDecisionResult } from './staff-decision.ts';

const stores = storesFrom(loadEnvironment(staffDecisionEnv));
const deps: StaffDecisionDeps = { cases: stores.cases(), audit: stores.audit(), sfn: traced(new SFNClient(CLIENT_SETTINGS)) };

export const handler = middy<StaffDecisionInput, StaffDecisionResult>()
  .use(observed())
  .handler((event) => staffDecision(event, deps));
