import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { once } from '#shared/once.ts';
import { documentClient } from '#shared/store/document-client.ts';
import { traced } from './observability.ts';

/**
 * Settings every AWS client of the functions takes: the SDK's standard retries (exponential
 * backoff with jitter) with 6 attempts rather than 3, so throttling and transient errors of a
 * burst are absorbed in the call instead of failing the invocation, whose retry could repeat
 * what the invocation already did (an email sent before a write that failed).
 */
export const CLIENT_SETTINGS = { maxAttempts: 6 } as const;

// Each client is made once per container, on first use, and traced; a bundle keeps only those its function uses.

/** The DynamoDB document client of a container: one, whichever stores use it. */
export const tracedDocumentClient: () => DynamoDBDocumentClient = /* @__PURE__ */ once(() => documentClient(traced(new DynamoDBClient(CLIENT_SETTINGS))));
export const stepFunctionsClient: () => SFNClient = /* @__PURE__ */ once(() => traced(new SFNClient(CLIENT_SETTINGS)));
export const sesClient: () => SESv2Client = /* @__PURE__ */ once(() => traced(new SESv2Client(CLIENT_SETTINGS)));
export const secretsClient: () => SecretsManagerClient = /* @__PURE__ */ once(() => traced(new SecretsManagerClient(CLIENT_SETTINGS)));
export const lambdaClient: () => LambdaClient = /* @__PURE__ */ once(() => traced(new LambdaClient(CLIENT_SETTINGS)));
