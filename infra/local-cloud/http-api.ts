import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PayloadTooLarge, readBody } from './http.ts';
import { InjectedCrash } from './faults.ts';
import { LambdaFunctionError } from './lambda-runtime.ts';
import type { TemplateResolver } from './template.ts';
import type { VirtualClock } from './virtual-clock.ts';

interface Route {
  method: string;
  pattern: RegExp;
  params: string[];
  routeKey: string;
  functionName: string;
}

const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript))/;

/** The routes of one HTTP API of the template, each with the function its integration invokes. */
export function routesOf(resolver: TemplateResolver, apiLogicalId: string): Route[] {
  return resolver
    .ofType('AWS::ApiGatewayV2::Route')
    .filter(([, r]) => (r.Properties?.ApiId as { Ref?: string } | undefined)?.Ref === apiLogicalId)
    .map(([, r]) => {
      const routeKey = r.Properties!.RouteKey as string;
      const target = String(resolver.resolve(r.Properties!.Target));
      const integration = resolver.resource(target.replace(/^integrations\//, ''));
      const uri = String(resolver.resolve(integration.Properties!.IntegrationUri));
      const [method, path] = routeKey.split(' ') as [string, string];
      const params: string[] = [];
      const pattern = new RegExp(
        `^${path
          .replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === '{' || c === '}' ? c : `\\${c}`))
          .replace(/\{([^}+]+)(\+)?\}/g, (_, name: string, greedy?: string) => {
            params.push(name);
            return greedy ? '(.+)' : '([^/]+)';
          })}$`,
      );
      return { method, pattern, params, routeKey, functionName: uri.split(':function:')[1]!.split(':')[0]! };
    });
}

/**
 * A local API Gateway HTTP API: turns requests into payload-format-2.0 events for the
 * integrated function and its result back into a response, as API Gateway does.
 */
export function httpApi(routes: Route[], apiId: string, invoke: (functionName: string, event: unknown) => Promise<unknown>, clock: VirtualClock) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://local');
    const method = request.method ?? 'GET';
    let match: { route: Route; values: string[] } | undefined;
    for (const route of routes) {
      const found = route.pattern.exec(url.pathname);
      if (found && (route.method === method || route.method === 'ANY')) match = { route, values: found.slice(1) };
    }
    if (!match) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'Not Found' }));
      return;
    }
    let raw: Buffer;
    try {
      raw = await readBody(request, 10 * 1024 * 1024);
    } catch (error) {
      if (!(error instanceof PayloadTooLarge)) throw error;
      response.writeHead(413, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'Request Entity Too Large' }));
      return;
    }
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : (v ?? '')]));
    const textual = TEXT_TYPES.test(headers['content-type'] ?? 'text/plain');
    const at = clock.now();
    const event = {
      version: '2.0',
      routeKey: match.route.routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
      pathParameters: Object.fromEntries(match.route.params.map((p, i) => [p, decodeURIComponent(match.values[i]!)])),
      requestContext: {
        accountId: '000000000000',
        apiId,
        domainName: headers.host ?? 'localhost',
        http: {
          method,
          path: url.pathname,
          protocol: 'HTTP/1.1',
          sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        routeKey: match.route.routeKey,
        stage: '$default',
        time: new Date(at).toUTCString(),
        timeEpoch: at,
      },
      body: raw.length ? (textual ? raw.toString('utf8') : raw.toString('base64')) : undefined,
      isBase64Encoded: raw.length > 0 && !textual,
    };
    let result: unknown;
    try {
      result = await invoke(match.route.functionName, event);
    } catch (error) {
      if (!(error instanceof LambdaFunctionError)) throw error;
      if (!(error instanceof InjectedCrash)) console.error(`[http-api] ${match.route.functionName} failed: ${error.message}`);
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'Internal Server Error' }));
      return;
    }
    const structured = result && typeof result === 'object' && 'statusCode' in result;
    const out = (structured ? result : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) }) as {
      statusCode: number;
      headers?: Record<string, string>;
      body?: string;
      isBase64Encoded?: boolean;
    };
    response.writeHead(out.statusCode, out.headers ?? {});
    response.end(out.body === undefined ? undefined : Buffer.from(out.body, out.isBase64Encoded ? 'base64' : 'utf8'));
  };
}
