import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { loadEnvironment } from '../runtime/environment.ts';
import { CLIENT_SETTINGS, observed, traced } from '../runtime/observability.ts';
import { linkKeysFrom } from '../runtime/link-keys.ts';
import { storesFrom } from '../runtime/stores.ts';
import { respondEnv } from './env.ts';
import { respond, type RespondDeps } from './respond.ts';

const env = loadEnvironment(respondEnv);
const stores = storesFrom(env);
const deps: RespondDeps = {
  cases: stores.cases(),
  ...stores.cachedReads(),
  audit: stores.audit(),
  sfn: traced(new SFNClient(CLIENT_SETTINGS)),
  linkKeys: linkKeysFrom(env.LINK_KEY_SECRET_ARN),
};

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  .use(observed())
  .handler((event) => {
    const body = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
    return respond(
      {
        method: event.requestContext.http.method,
        caseId: decodeURIComponent(event.pathParameters?.caseId ?? ''),
        query: event.queryStringParameters ?? {},
        url: `${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`,
        body,
      },
      deps,
    );
  });
