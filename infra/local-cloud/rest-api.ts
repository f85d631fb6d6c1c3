import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { functionNameOf } from './arn.ts';
import { InjectedCrash } from './faults.ts';
import { PayloadTooLarge, readBody } from './http.ts';
import { LambdaFunctionError } from './lambda-runtime.ts';
import type { Resource, TemplateResolver } from './template.ts';
import type { VirtualClock } from './virtual-clock.ts';
import { principalName, type LocalIam } from './iam/local-iam.ts';
import type { LocalFirewall } from './waf.ts';

export interface Route {
  method: string;
  /** The resource path, e.g. /respond/{caseId}. */
  resource: string;
  pattern: RegExp;
  params: string[];
  functionName: string;
  /** IAM authorization (SigV4): the caller's identity is checked, and handed to the function. */
  iam: boolean;
}

/** What is deployed on the API: its stage, routes and firewall. */
export interface RestApiDeployment {
  apiId: string;
  stage: string;
  routes: Route[];
  firewall?: LocalFirewall;
}

/** A resource path as a pattern: `{name}` matches one segment, `{name+}` the rest. */
function routePattern(path: string): { pattern: RegExp; params: string[] } {
  const params: string[] = [];
  const source = path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const param = /^\{([^}+]+)(\+)?\}$/.exec(part);
      if (!param) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(param[1]!);
      return param[2] ? '(.+)' : '([^/]+)';
    })
    .join('');
  return { pattern: new RegExp(`^${source}$`), params };
}

/** A resource's path, from its parents up to the API's root. */
function pathOf(resolver: TemplateResolver, reference: unknown): string {
  const ref = (reference as { Ref?: string }).Ref;
  if (!ref) return '';
  const resource: Resource = resolver.resource(ref);
  return `${pathOf(resolver, resource.Properties!.ParentId)}/${String(resource.Properties!.PathPart)}`;
}

/** The methods of one REST API of the template, each with its path and the function its proxy integration invokes. */
export function routesOf(resolver: TemplateResolver, apiLogicalId: string): Route[] {
  return resolver
    .ofType('AWS::ApiGateway::Method')
    .filter(([, m]) => (m.Properties?.RestApiId as { Ref?: string } | undefined)?.Ref === apiLogicalId)
    .map(([id, m]) => {
      const integration = m.Properties!.Integration as { Type?: string; Uri?: unknown } | undefined;
      if (integration?.Type !== 'AWS_PROXY') throw new Error(`${id}: the local cloud runs Lambda proxy integrations only`);
      const resource = pathOf(resolver, m.Properties!.ResourceId) || '/';
      return {
        method: String(m.Properties!.HttpMethod),
        resource,
        ...routePattern(resource),
        functionName: functionNameOf(String(resolver.resolve(integration.Uri))),
        iam: m.Properties!.AuthorizationType === 'AWS_IAM',
      };
    });
}

type Invoke = (functionName: string, event: unknown) => Promise<unknown>;

/**
 * Whether every percent escape of a URL's path and query decodes (to UTF-8): API Gateway answers
 * 400 to one with a stray `%` or a malformed escape, before it routes or invokes anything.
 */
function wellEncoded(pathAndQuery: string): boolean {
  try {
    decodeURIComponent(pathAndQuery);
    return true;
  } catch {
    return false;
  }
}

function reply(response: ServerResponse, status: number, message?: string, key: 'message' | 'Message' = 'message'): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(message === undefined ? '' : JSON.stringify({ [key]: message }));
}

/**
 * A local API Gateway REST API, as a request handler: AWS WAF's rate rules first, then the
 * stage's methods, each request a Lambda proxy event (payload 1.0) for the integrated function,
 * whose result becomes the response. An IAM-authorized method checks the caller's signature and
 * its leave to `execute-api:Invoke` the method; API Gateway invokes a function only where the
 * function's policy lets it (`AWS::Lambda::Permission`, with its source ARN). Until something is
 * deployed it answers as an API with no stage does.
 */
export class LocalRestApi {
  private deployed: RestApiDeployment | undefined;

  constructor(
    private readonly invoke: Invoke,
    private readonly clock: VirtualClock,
    private readonly iam: LocalIam,
  ) {}

  /** Deploys the API's stage (a redeploy replaces it). */
  deploy(deployment: RestApiDeployment): void {
    this.deployed = deployment;
  }

  private match(method: string, path: string): { route: Route; values: string[] } | undefined {
    for (const route of this.deployed?.routes ?? []) {
      const found = route.pattern.exec(path);
      if (found && (route.method === method || route.method === 'ANY')) return { route, values: found.slice(1) };
    }
    return undefined;
  }

  readonly handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://local');
    const blocked = this.deployed?.firewall?.check(request);
    if (blocked !== undefined) return reply(response, blocked);
    if (!wellEncoded(`${url.pathname}${url.search}`)) return reply(response, 400, 'Bad Request');
    const prefix = `/${this.deployed?.stage ?? ''}`;
    // A trailing slash names the same resource, as in API Gateway.
    const path = url.pathname.startsWith(`${prefix}/`) ? url.pathname.slice(prefix.length).replace(/(.)\/+$/, '$1') : undefined;
    const match = path === undefined ? undefined : this.match(request.method ?? 'GET', path);
    // What API Gateway answers for a path or method it has no route for.
    if (!match) return reply(response, 403, 'Missing Authentication Token');
    let raw: Buffer;
    try {
      raw = await readBody(request, 10 * 1024 * 1024);
    } catch (error) {
      if (!(error instanceof PayloadTooLarge)) throw error;
      return reply(response, 413, 'Request Entity Too Large');
    }
    // The method's ARN: what a caller needs leave to invoke, and the source API Gateway invokes the function as.
    const { region, account } = this.iam;
    const methodArn = `arn:aws:execute-api:${region}:${account}:${this.deployed!.apiId}/${this.deployed!.stage}/${request.method}${path}`;
    let caller: { userArn: string; accessKey: string } | undefined;
    if (match.route.iam) {
      const checked = await this.authorizeCaller(request, raw, methodArn);
      if (!checked.ok) return reply(response, 403, checked.message, checked.key);
      caller = checked.caller;
    }
    if (!(await this.mayInvoke(match.route.functionName, methodArn))) {
      console.error(`[rest-api] Execution failed due to configuration error: Invalid permissions on Lambda function ${match.route.functionName}`);
      return reply(response, 500, 'Internal server error');
    }
    let result: unknown;
    try {
      result = await this.invoke(match.route.functionName, this.event(request, url, match, raw, this.clock.now(), caller));
    } catch (error) {
      if (!(error instanceof LambdaFunctionError)) throw error;
      if (!(error instanceof InjectedCrash)) console.error(`[rest-api] ${match.route.functionName} failed: ${error.message}`);
      return reply(response, 502, 'Internal server error');
    }
    const out = result as {
      statusCode: number;
      headers?: Record<string, string>;
      multiValueHeaders?: Record<string, string[]>;
      body?: string;
      isBase64Encoded?: boolean;
    };
    // As API Gateway merges them: a header in both keeps every value.
    const headers: Record<string, string | string[]> = { ...(out.headers ?? {}) };
    for (const [name, values] of Object.entries(out.multiValueHeaders ?? {})) {
      const single = headers[name];
      headers[name] = [...(single === undefined ? [] : [single].flat()), ...values];
    }
    response.writeHead(out.statusCode, headers);
    response.end(out.body === undefined ? undefined : Buffer.from(out.body, out.isBase64Encoded ? 'base64' : 'utf8'));
  };

  /** Whether the function's policy lets API Gateway invoke it for this method (an `AWS::Lambda::Permission` with its source ARN). */
  private async mayInvoke(functionName: string, methodArn: string): Promise<boolean> {
    const { region, account } = this.iam;
    const decision = await this.iam.authorize({
      principal: { kind: 'service', service: 'apigateway.amazonaws.com' },
      action: 'lambda:InvokeFunction',
      resource: `arn:aws:lambda:${region}:${account}:function:${functionName}`,
      context: { 'aws:SourceArn': methodArn, 'aws:SourceAccount': account },
    });
    return decision.allowed;
  }

  /** An IAM-authorized method's caller: a valid signature, and leave to invoke the method. */
  private async authorizeCaller(
    request: IncomingMessage,
    body: Buffer,
    methodArn: string,
  ): Promise<{ ok: true; caller: { userArn: string; accessKey: string } } | { ok: false; message: string; key?: 'Message' }> {
    const { iam } = this;
    const verified = await iam.signer(request, body, 'execute-api');
    if (!verified.ok) return verified;
    const { principal } = verified;
    const decision = await iam.authorize({ principal, action: 'execute-api:Invoke', resource: methodArn });
    if (!decision.allowed) return { ok: false, message: decision.message, key: 'Message' };
    return { ok: true, caller: { userArn: principalName(principal), accessKey: verified.accessKeyId } };
  }

  /** The Lambda proxy event (payload format 1.0) API Gateway hands the function. */
  private event(
    request: IncomingMessage,
    url: URL,
    match: { route: Route; values: string[] },
    raw: Buffer,
    at: number,
    caller?: { userArn: string; accessKey: string },
  ) {
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
    const textual = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript))/.test(headers['content-type'] ?? 'text/plain');
    const method = request.method ?? 'GET';
    const query = url.search ? Object.fromEntries(url.searchParams) : null;
    // The path was matched as it came (still percent-encoded, as API Gateway's `path` stays): each parameter is decoded once.
    const pathParameters = match.route.params.length ? Object.fromEntries(match.route.params.map((p, i) => [p, decodeURIComponent(match.values[i]!)])) : null;
    const path = url.pathname.slice(this.deployed!.stage.length + 1);
    return {
      resource: match.route.resource,
      path,
      httpMethod: method,
      headers,
      queryStringParameters: query,
      pathParameters,
      stageVariables: null,
      requestContext: {
        accountId: '000000000000',
        apiId: this.deployed!.apiId,
        stage: this.deployed!.stage,
        resourcePath: match.route.resource,
        httpMethod: method,
        path: url.pathname,
        requestId: randomUUID(),
        requestTimeEpoch: at,
        identity: {
          sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
          ...(caller ? { userArn: caller.userArn, accessKey: caller.accessKey, user: caller.userArn.split('/').at(-1), accountId: '000000000000' } : {}),
        },
      },
      body: raw.length ? (textual ? raw.toString('utf8') : raw.toString('base64')) : null,
      isBase64Encoded: raw.length > 0 && !textual,
    };
  }
}
