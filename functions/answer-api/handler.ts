import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { stepFunctionsClient } from '../runtime/clients.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { observed } from '../runtime/observability.ts';
import { storesFrom } from '../runtime/stores.ts';
import { answerApi, type AnswerApiDeps } from './answer-api.ts';
import { answerApiEnv } from './env.ts';

const deps: AnswerApiDeps = { ...storesFrom(loadEnvironment(answerApiEnv)), sfn: stepFunctionsClient() };

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  .use(observed())
  .handler((event) => {
    const body = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
    return answerApi(
      {
        method: event.requestContext.http.method,
        routeKey: event.routeKey,
        caseId: event.pathParameters?.caseId,
        apiKey: event.headers['x-api-key'],
        query: event.queryStringParameters ?? {},
        body,
      },
      deps,
    );
  });
