import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { DynamoApiKeyStore } from '#shared/store/api-key-store.ts';
import { documentClient } from '#shared/store/document-client.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { storesFrom } from '../runtime/stores.ts';
import { answerApi, type AnswerApiDeps } from './answer-api.ts';
import { answerApiEnv } from './env.ts';

const env = loadEnvironment(answerApiEnv);
const stores = storesFrom(env);
const deps: AnswerApiDeps = {
  cases: stores.cases(),
  recalls: stores.recalls(),
  audit: stores.audit(),
  apiKeys: new DynamoApiKeyStore(documentClient(), env.API_KEYS_TABLE),
  sfn: new SFNClient({}),
};

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>().handler((event) => {
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
