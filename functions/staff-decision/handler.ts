import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { stepFunctionsClient } from '../runtime/clients.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { httpEvent } from '../runtime/http-event.ts';
import { observed } from '../runtime/observability.ts';
import { storesFrom } from '../runtime/stores.ts';
import { staffDecisionEnv } from './env.ts';
import { decisionEvent, type DirectDecision } from './events.ts';
import { staffDecision, type StaffDecisionDeps, type StaffDecisionResult } from './staff-decision.ts';

const deps: StaffDecisionDeps = { ...storesFrom(loadEnvironment(staffDecisionEnv)), sfn: stepFunctionsClient() };

/** The staff page invokes it directly; the CLI's `decide` and the agency's tools call its IAM-authorized API route. */
export const handler = middy<DirectDecision | APIGatewayProxyEvent, StaffDecisionResult | APIGatewayProxyResult>()
  .use(observed())
  .handler(async (event) => {
    const { input, error, respond } = decisionEvent(event, httpEvent);
    if (error !== undefined) return respond({ ok: false, error, kind: 'invalid' });
    return respond(await staffDecision(input, deps));
  });
