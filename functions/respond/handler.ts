import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { loadEnvironment } from '../runtime/environment.ts';
import { httpEvent, queryString } from '../runtime/http-event.ts';
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
  trustedHosts: env.TRUSTED_LINK_HOSTS,
};

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(observed())
  .handler((event) => {
    const request = httpEvent(event);
    return respond(
      {
        method: request.method,
        // API Gateway hands path parameters decoded: decoding again would turn %25 into %, or fail.
        caseId: request.pathParameters.caseId ?? '',
        query: request.query,
        url: `${request.path}${queryString(request.query)}`,
        body: request.body,
      },
      deps,
    );
  });
