import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { agencyGuards } from '../runtime/agency-route.ts';
import { stepFunctionsClient } from '../runtime/clients.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { httpEvent } from '../runtime/http-event.ts';
import { observed } from '../runtime/observability.ts';
import { storesFrom } from '../runtime/stores.ts';
import { reportEvent, type DirectReport } from './events.ts';
import { reportRelistingEnv } from './env.ts';
import { reportRelisting, type RelistingResult } from './report-relisting.ts';

const env = loadEnvironment(reportRelistingEnv);
const { cases, sessions } = storesFrom(env);
const deps = { cases, sfn: stepFunctionsClient(), caseStateMachineArn: env.CASE_STATE_MACHINE_ARN };
const guards = agencyGuards(env, sessions);

/** The staff console invokes it directly; the CLI and the agency's monitoring tools call its IAM-authorized API route. */
export const handler = middy<DirectReport | APIGatewayProxyEvent, RelistingResult | APIGatewayProxyResult>()
  .use(observed())
  .handler(async (event) => {
    const { input, error, kind, respond } = await reportEvent(event, httpEvent, guards);
    if (error !== undefined) return respond({ ok: false, error, kind });
    return respond(await reportRelisting(input.report, input.reporter, deps));
  });
