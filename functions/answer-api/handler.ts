import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { DynamoApiKeyStore } from '#shared/store/api-key-store.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { CLIENT_SETTINGS, observed, tracedDocumentClient, traced } from '../runtime/observability.ts';
import { storesFrom } from '../runtime/stores.ts';
import { answerApi, type AnswerApiDeps } from './answer-api.ts';
import { answerApiEnv } from './env.ts';

const env = loadEnvironment(answerApiEnv);
const stores = storesFrom(env);
const deps: AnswerApiDeps = {
  cases: stores.cases(),
  recalls: stores.recalls(),
  audit: stores.audit(),
  apiKeys: new DynamoApiKeyStore(tracedDocumentClient(), env.API_KEYS_TABLE),
  sfn: traced(new SFNClient(CLIENT_SETTINGS)),
};

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
