import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type middy from '@middy/core';

/** Structured JSON logs (Powertools), one logger per container. */
export const logger = new Logger({ serviceName: 'recallguard' });
/** X-Ray tracing (Powertools): active in Lambda, off elsewhere. */
export const tracer = new Tracer({ serviceName: 'recallguard' });

/** The ids a log line is found by: taken from the event, never the event itself (it may hold a task token). */
const KEYS = ['caseId', 'executionId', 'recallNumber', 'marketplaceId'] as const;

function idsOf(event: unknown): Record<string, string> {
  if (!event || typeof event !== 'object') return {};
  const source = event as Record<string, unknown> & { pathParameters?: Record<string, unknown> };
  const ids: Record<string, string> = {};
  for (const key of KEYS) {
    const value = source[key] ?? source.pathParameters?.[key];
    if (typeof value === 'string' && value.length <= 200) ids[key] = value;
  }
  return ids;
}

/**
 * What every handler wears: the Lambda context and the case's ids on each log line, a trace
 * segment per invocation, and one line per failed invocation with the error (not the event).
 */
export function observed(): middy.MiddlewareObj[] {
  const ids: middy.MiddlewareObj = {
    before: (request) => {
      logger.appendKeys(idsOf(request.event));
    },
    onError: (request) => {
      logger.error('invocation failed', request.error instanceof Error ? request.error : String(request.error));
    },
  };
  return [injectLambdaContext(logger, { resetKeys: true }), captureLambdaHandler(tracer, { captureResponse: false }), ids];
}

/** An AWS SDK client whose calls show as subsegments of the invocation's trace. */
export function traced<T>(client: T): T {
  return tracer.captureAWSv3Client(client);
}
