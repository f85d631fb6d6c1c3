import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { stepFunctionsClient } from '../runtime/clients.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { httpEvent } from '../runtime/http-event.ts';
import { observed } from '../runtime/observability.ts';
import { storesFrom } from '../runtime/stores.ts';
import { answerApi, type AnswerApiDeps } from './answer-api.ts';
import { answerApiEnv } from './env.ts';

const deps: AnswerApiDeps = { ...storesFrom(loadEnvironment(answerApiEnv)), sfn: stepFunctionsClient() };

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(observed())
  .handler((event) => {
    const request = httpEvent(event);
    return answerApi(
      {
        method: request.method,
        routeKey: request.routeKey,
        caseId: request.pathParameters.caseId,
        apiKey: request.headers['x-api-key'],
        query: request.query,
        body: request.body,
      },
      deps,
    );
  });
