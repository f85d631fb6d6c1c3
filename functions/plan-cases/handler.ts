import middy from '@middy/core';
import { loadEnvironment } from '../runtime/environment.ts';
import { SendSlots } from '#shared/store/send-slots.ts';
import { observed, tracedDocumentClient } from '../runtime/observability.ts';
import { storesFrom } from '../runtime/stores.ts';
import { planCasesEnv } from './env.ts';
import { planCases, type PlanInput, type PlannedCase } from './plan-cases.ts';

const env = loadEnvironment(planCasesEnv);
const stores = storesFrom(env);
const deps = {
  recalls: stores.recalls(),
  marketplaces: stores.marketplaces(),
  sendSlots: new SendSlots(tracedDocumentClient(), env.SEND_SLOTS_TABLE, env.SES_MAX_SEND_RATE),
};

export const handler = middy<PlanInput, { cases: PlannedCase[] }>()
  .use(observed())
  .handler((event) => planCases(event, deps));
