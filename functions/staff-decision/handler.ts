import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { agencyGuards } from '../runtime/agency-route.ts';
import { stepFunctionsClient } from '../runtime/clients.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { httpEvent } from '../runtime/http-event.ts';
import { observed } from '../runtime/observability.ts';
import { storesFrom } from '../runtime/stores.ts';
import { staffDecisionEnv } from './env.ts';
import { decisionEvent, type DirectDecision } from './events.ts';
import { staffDecision, type StaffDecisionDeps, type StaffDecisionResult } from './staff-decision.ts';

const env = loadEnvironment(staffDecisionEnv);
const { cases, sessions } = storesFrom(env);
const deps: StaffDecisionDeps = { cases, sfn: stepFunctionsClient() };
const guards = agencyGuards(env, sessions);

/** The staff console invokes it directly; the CLI's `decide` and the agency's tools call its IAM-authorized API route. */
export const handler = middy<DirectDecision | APIGatewayProxyEvent, StaffDecisionResult | APIGatewayProxyResult>()
  .use(observed())
  .handler(async (event) => {
    const { input, error, kind, respond } = await decisionEvent(event, httpEvent, guards);
    if (error !== undefined) return respond({ ok: false, error, kind });
    return respond(await staffDecision(input, deps));
  });
