import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { loadEnvironment } from '../runtime/environment.ts';
import { httpEvent, queryString } from '../runtime/http-event.ts';
import { stepFunctionsClient } from '../runtime/clients.ts';
import { observed } from '../runtime/observability.ts';
import { linkKeysFrom } from '../runtime/link-keys.ts';
import { storesFrom } from '../runtime/stores.ts';
import { HTML_HEADERS } from '#shared/pages/headers.ts';
import { errorPage } from '#shared/pages/response-page.ts';
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
    // The console's own domain serves the console alone: a page here would share its origin and its cookie.
    if (env.CONSOLE_HOST && request.headers.host?.toLowerCase() === env.CONSOLE_HOST)
      return {
        statusCode: 404,
        headers: { ...HTML_HEADERS },
        body: errorPage(404, 'There is no notice at this address. Open the link exactly as it appears in the notice email.'),
      };
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
