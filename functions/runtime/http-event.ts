import type { APIGatewayProxyEvent } from 'aws-lambda';

/** A request of the REST API (Lambda proxy integration), as the functions read it. */
export interface HttpEvent {
  method: string;
  /** The route as API Gateway matched it, e.g. "POST /v1/cases/{caseId}/answer". */
  routeKey: string;
  /** The path as the caller asked for it, stage included: where a form posts back to. */
  path: string;
  pathParameters: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  /** Header names in lower case: callers write them as they like. */
  headers: Record<string, string | undefined>;
  body: string;
}

export function httpEvent(event: APIGatewayProxyEvent): HttpEvent {
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  return {
    method: event.httpMethod,
    routeKey: `${event.httpMethod} ${event.resource}`,
    path: event.requestContext?.path ?? event.path,
    pathParameters: event.pathParameters ?? {},
    query: event.queryStringParameters ?? {},
    headers,
    body: event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '',
  };
}

/** The query as it was given, to put back after a path (a signed link's exp and sig). */
export function queryString(query: Record<string, string | undefined>): string {
  const defined = Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return defined.length ? `?${new URLSearchParams(defined).toString()}` : '';
}
