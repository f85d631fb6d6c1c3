import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { caseMailDeps } from '../case-operations/case-mail.ts';
import { agencyGuards } from '../runtime/agency-route.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { httpEvent } from '../runtime/http-event.ts';
import { observed } from '../runtime/observability.ts';
import { storesFrom } from '../runtime/stores.ts';
import { reissueLinkEnv } from './env.ts';
import { reissueEvent, type DirectReissue } from './events.ts';
import { reissueLink, type ReissueResult } from './reissue-link.ts';

const env = loadEnvironment(reissueLinkEnv);
const deps = caseMailDeps(env);
const guards = agencyGuards(env, storesFrom(env).sessions);

/** The staff console invokes it directly; the CLI's `link` calls its IAM-authorized API route. */
export const handler = middy<DirectReissue | APIGatewayProxyEvent, ReissueResult | APIGatewayProxyResult>()
  .use(observed())
  .handler(async (event) => {
    const { input, error, kind, respond } = await reissueEvent(event, httpEvent, guards);
    if (error !== undefined) return respond({ ok: false, error, kind });
    return respond(await reissueLink(input, deps));
  });
