import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { loadEnvironment } from '../runtime/environment.ts';
import { stepFunctionsClient } from '../runtime/clients.ts';
import { observed } from '../runtime/observability.ts';
import { linkKeysFrom } from '../runtime/link-keys.ts';
import { storesFrom } from '../runtime/stores.ts';
import { respondEnv } from './env.ts';
import { respond, type RespondDeps } from './respond.ts';

const env = loadEnvironment(respondEnv);
const deps: RespondDeps = {
  ...storesFrom(env),
  sfn: stepFunctionsClient(),
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
