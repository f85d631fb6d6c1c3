import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { functionNameOf } from './arn.ts';
import { InjectedCrash } from './faults.ts';
import { PayloadTooLarge, readBody } from './http.ts';
import { LambdaFunctionError } from './lambda-runtime.ts';
import type { TemplateResolver } from './template.ts';
import type { VirtualClock } from './virtual-clock.ts';

export interface Route {
  method: string;
  pattern: RegExp;
  params: string[];
  routeKey: string;
  functionName: string;
}

const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript))/;

/** A route path as a pattern: `{name}` matches one segment, `{name+}` the rest. */
function routePattern(path: string): { pattern: RegExp; params: string[] } {
  const params: string[] = [];
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === '{' || c === '}' ? c : `\\${c}`));
  const source = escaped.replace(/\{([^}+]+)(\+)?\}/g, (_, name: string, greedy?: string) => {
    params.push(name);
    return greedy ? '(.+)' : '([^/]+)';
  });
  return { pattern: new RegExp(`^${source}$`), params };
}

/** The routes of one HTTP API of the template, each with the function its integration invokes. */
export function routesOf(resolver: TemplateResolver, apiLogicalId: string): Route[] {
  return resolver
    .ofType('AWS::ApiGatewayV2::Route')
    .filter(([, r]) => (r.Properties?.ApiId as { Ref?: string } | undefined)?.Ref === apiLogicalId)
    .map(([, r]) => {
      const routeKey = r.Properties!.RouteKey as string;
      const target = String(resolver.resolve(r.Properties!.Target));
      const integration = resolver.resource(target.replace(/^integrations\//, ''));
      const [method, path] = routeKey.split(' ') as [string, string];
      return { method, routeKey, ...routePattern(path), functionName: functionNameOf(String(resolver.resolve(integration.Properties!.IntegrationUri))) };
    });
}

type Invoke = (functionName: string, event: unknown) => Promise<unknown>;

/**
 * A local API Gateway HTTP API, as a request handler: each request becomes a payload-format-2.0
 * event for the integrated function, whose result becomes the response. Until its routes are
 * deployed it answers 404, as an API with no routes does.
 */
export class LocalHttpApi {
  private routes: Route[] = [];
  private apiId = 'local';

  constructor(
    private readonly invoke: Invoke,
    private readonly clock: VirtualClock,
  ) {}

  /** Deploys an API's routes (a redeploy replaces them). */
  deploy(apiId: string, routes: Route[]): void {
    this.apiId = apiId;
    this.routes = routes;
  }

  readonly handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://local');
    const match = this.match(request.method ?? 'GET', url.pathname);
    if (!match) return reply(response, 404, 'Not Found');
    let raw: Buffer;
    try {
      raw = await readBody(request, 10 * 1024 * 1024);
    } catch (error) {
      if (!(error instanceof PayloadTooLarge)) throw error;
      return reply(response, 413, 'Request Entity Too Large');
    }
    let result: unknown;
    try {
      result = await this.invoke(match.route.functionName, this.event(request, url, match, raw, this.clock.now()));
    } catch (error) {
      if (!(error instanceof LambdaFunctionError)) throw error;
      if (!(error instanceof InjectedCrash)) console.error(`[http-api] ${match.route.functionName} failed: ${error.message}`);
      return reply(response, 500, 'Internal Server Error');
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

  private match(method: string, path: string): { route: Route; values: string[] } | undefined {
    let match: { route: Route; values: string[] } | undefined;
    for (const route of this.routes) {
      const found = route.pattern.exec(path);
      if (found && (route.method === method || route.method === 'ANY')) match = { route, values: found.slice(1) };
    }
    return match;
  }

  /** The payload-format-2.0 event API Gateway hands the function. */
  private event(request: IncomingMessage, url: URL, match: { route: Route; values: string[] }, raw: Buffer, at: number) {
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : (v ?? '')]));
    const textual = TEXT_TYPES.test(headers['content-type'] ?? 'text/plain');
    const method = request.method ?? 'GET';
    return {
      version: '2.0',
      routeKey: match.route.routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
      pathParameters: Object.fromEntries(match.route.params.map((p, i) => [p, decodeURIComponent(match.values[i]!)])),
      requestContext: {
        accountId: '000000000000',
        apiId: this.apiId,
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
  }
}

function reply(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ message }));
}
