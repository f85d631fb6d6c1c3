import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request as forward } from 'node:http';
import { functionNameOf } from './arn.ts';
import { readBody } from './http.ts';
import type { LocalIam } from './iam/local-iam.ts';
import { LambdaFunctionError, type LambdaRuntime } from './lambda-runtime.ts';
import { StepFunctionsError, type StepFunctionsService } from './step-functions/service.ts';
import type { VirtualClock } from './virtual-clock.ts';

/** Secrets the local cloud holds, by ARN and by name. */
export class LocalSecrets {
  private readonly values = new Map<string, { arn: string; name: string; value: string }>();

  put(arn: string, name: string, value: string): void {
    const secret = { arn, name, value };
    this.values.set(arn, secret);
    this.values.set(name, secret);
  }

  get(id: string): { arn: string; name: string; value: string } | undefined {
    return this.values.get(id);
  }
}

/** An operation of the JSON protocol: the IAM action it is, the resources it touches, and what it does. */
interface Operation {
  action: string;
  resources: (body: Record<string, unknown>) => string[];
  run: (body: Record<string, unknown>) => unknown;
  /** The operation's own condition keys. */
  context?: (body: Record<string, unknown>) => Record<string, string>;
}

/** What the facade serves, and how its callbacks may fail (fault injection). */
export interface AwsApiServices {
  stepFunctions: StepFunctionsService;
  secrets: LocalSecrets;
  lambda: LambdaRuntime;
  clock: VirtualClock;
  iam: LocalIam;
  callbackFails: (token: string) => boolean;
  /** Where the services with threads of their own are: the facade passes their requests on, for tools given one endpoint. */
  upstreams: { dynamodb: () => string; ses: () => string };
}

const s = (value: unknown) => String(value ?? '');

const op = (action: string, resources: Operation['resources'], run: Operation['run']): Operation => ({ action, resources, run });

/** The Step Functions operations, by X-Amz-Target. */
function stepFunctionsOperations({ stepFunctions: sfn }: AwsApiServices): Record<string, Operation> {
  const machine = (b: Record<string, unknown>) => [s(b.stateMachineArn)];
  const execution = (b: Record<string, unknown>) => [s(b.executionArn)];
  // AWS authorizes a task response on the state machine of the token's execution; an unknown token is InvalidToken.
  const tokenMachine = (b: Record<string, unknown>) => {
    const arn = sfn.tokenStateMachine(s(b.taskToken));
    if (!arn) throw new StepFunctionsError('InvalidToken', 'Invalid Token');
    return [arn];
  };
  return {
    'AWSStepFunctions.StartExecution': op('states:StartExecution', machine, (b) => {
      const { executionArn, startDate } = sfn.startExecution({
        stateMachineArn: s(b.stateMachineArn),
        name: b.name as string | undefined,
        input: b.input as string | undefined,
      });
      return { executionArn, startDate: startDate / 1000 };
    }),
    'AWSStepFunctions.DescribeExecution': op('states:DescribeExecution', execution, (b) => sfn.describeExecution(s(b.executionArn))),
    'AWSStepFunctions.StopExecution': op('states:StopExecution', execution, (b) => ({
      stopDate: sfn.stopExecution(s(b.executionArn), b.error as string | undefined, b.cause as string | undefined).stopDate / 1000,
    })),
    'AWSStepFunctions.ListExecutions': op('states:ListExecutions', machine, (b) =>
      page(sfn.listExecutions(s(b.stateMachineArn), b.statusFilter as string | undefined), 'executions', b),
    ),
    'AWSStepFunctions.ListStateMachines': op(
      'states:ListStateMachines',
      () => ['*'],
      (b) =>
        page(
          sfn.listStateMachines().map((m) => ({ stateMachineArn: m.arn, name: m.name, type: 'STANDARD', creationDate: m.createdAt / 1000 })),
          'stateMachines',
          b,
        ),
    ),
    'AWSStepFunctions.DescribeStateMachine': op('states:DescribeStateMachine', machine, (b) => {
      const m = sfn.stateMachine(s(b.stateMachineArn));
      return { stateMachineArn: m.arn, name: m.name, status: 'ACTIVE', type: 'STANDARD', definition: JSON.stringify(m.definition) };
    }),
    'AWSStepFunctions.GetExecutionHistory': op('states:GetExecutionHistory', execution, (b) => {
      const events = sfn.history(s(b.executionArn)).map((e) => ({ ...e, timestamp: e.timestamp / 1000 }));
      return page(b.reverseOrder ? [...events].reverse() : events, 'events', b);
    }),
    'AWSStepFunctions.SendTaskSuccess': op('states:SendTaskSuccess', tokenMachine, (b) => (sfn.sendTaskSuccess(s(b.taskToken), s(b.output)), {})),
    'AWSStepFunctions.SendTaskFailure': op(
      'states:SendTaskFailure',
      tokenMachine,
      (b) => (sfn.sendTaskFailure(s(b.taskToken), b.error as string | undefined, b.cause as string | undefined), {}),
    ),
    'AWSStepFunctions.SendTaskHeartbeat': op('states:SendTaskHeartbeat', tokenMachine, (b) => (sfn.sendTaskHeartbeat(s(b.taskToken)), {})),
  };
}

/** The Secrets Manager operations, by X-Amz-Target. */
function secretsOperations({ secrets, clock, iam }: AwsApiServices): Record<string, Operation> {
  const secretArn = (b: Record<string, unknown>) => [
    secrets.get(s(b.SecretId))?.arn ?? `arn:aws:secretsmanager:${iam.region}:${iam.account}:secret:${s(b.SecretId)}`,
  ];
  const getSecretValue = (b: Record<string, unknown>) => {
    const secret = secrets.get(s(b.SecretId));
    if (!secret) throw new StepFunctionsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return {
      ARN: secret.arn,
      Name: secret.name,
      SecretString: secret.value,
      VersionId: 'local',
      VersionStages: ['AWSCURRENT'],
      CreatedDate: clock.now() / 1000,
    };
  };
  return {
    'secretsmanager.GetSecretValue': {
      ...op('secretsmanager:GetSecretValue', secretArn, getSecretValue),
      // The keys AWS supplies: the secret, and the stage only when the request names one.
      context: (b) => ({ 'secretsmanager:SecretId': secretArn(b)[0]!, ...(b.VersionStage ? { 'secretsmanager:VersionStage': s(b.VersionStage) } : {}) }),
    },
  };
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
/** The signing name of each service the facade serves. */
const SIGNING_NAMES: Record<string, string> = { AWSStepFunctions: 'states', secretsmanager: 'secretsmanager' };

/** Passes a request on, unchanged (its signature names the host it was sent to), to a service's own thread. */
function passOn(request: IncomingMessage, response: ServerResponse, url: string): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const upstream = forward({ host: hostname, port, method: request.method, path: request.url, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response).on('finish', resolve);
    });
    upstream.on('error', reject);
    request.pipe(upstream);
  });
}

/**
 * The AWS APIs that have no emulator of their own: Step Functions and Secrets Manager (the JSON
 * protocol, by X-Amz-Target), Lambda's Invoke (REST) and STS's GetCallerIdentity, each request signed and authorized by
 * the local cloud's IAM. Unchanged SDK clients reach it through AWS_ENDPOINT_URL_SFN,
 * AWS_ENDPOINT_URL_SECRETS_MANAGER and AWS_ENDPOINT_URL_LAMBDA; it also passes DynamoDB and SES
 * requests on to their threads, so that a tool outside (the AWS CLI, the SDK with AWS_ENDPOINT_URL)
 * needs one endpoint.
 */
export function awsApi(services: AwsApiServices) {
  const operations = { ...stepFunctionsOperations(services), ...secretsOperations(services) };
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://local').pathname;
    const target = String(request.headers['x-amz-target'] ?? '');
    if (target.startsWith('DynamoDB_')) return passOn(request, response, services.upstreams.dynamodb());
    if (request.method === 'POST' && path === '/' && /\/sts\/aws4_request,/.test(String(request.headers.authorization ?? '')))
      return sts(services, request, response);
    // SES: its v2 REST API, and its v1 query API (a form POSTed to /).
    if (path.startsWith('/v2/email/') || (request.method === 'POST' && path === '/' && !target)) return passOn(request, response, services.upstreams.ses());
    const invocation = INVOKE_PATH.exec(path);
    if (request.method === 'POST' && invocation) return invoke(services, decodeURIComponent(invocation[1]!), request, response);
    const contentType = target.startsWith('secretsmanager.') ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0';
    const reply = (status: number, body: unknown, errorType?: string) => {
      response.writeHead(status, { 'content-type': contentType, ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
      response.end(JSON.stringify(body));
    };
    const fail = (status: number, code: string, message: string) => reply(status, { __type: code, message }, code);
    const operation = Object.hasOwn(operations, target) ? operations[target] : undefined;
    if (!operation) return fail(400, 'UnknownOperationException', `the local cloud does not implement ${target || 'this request'}`);
    const raw = await readBody(request, 1024 * 1024);
    const caller = await services.iam.signer(request, raw, SIGNING_NAMES[target.split('.')[0]!]!);
    if (!caller.ok) return fail(caller.code === 'MissingAuthenticationTokenException' ? 403 : 400, caller.code, caller.message);
    try {
      const body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
      for (const resource of operation.resources(body)) {
        const decision = await services.iam.authorize({ principal: caller.principal, action: operation.action, resource, context: operation.context?.(body) });
        if (!decision.allowed) return fail(400, 'AccessDeniedException', decision.message);
      }
      // An injected fault: the service fails the call before it takes the callback; a retry gets through.
      const isCallback = target === 'AWSStepFunctions.SendTaskSuccess' || target === 'AWSStepFunctions.SendTaskFailure';
      if (isCallback && services.callbackFails(String(body.taskToken))) return fail(500, 'ServiceUnavailable', 'injected: the service is unavailable');
      reply(200, await services.clock.track(async () => operation.run(body)));
    } catch (error) {
      if (error instanceof StepFunctionsError) return fail(400, error.code, error.message);
      throw error;
    }
  };
}

const xmlText = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * STS's GetCallerIdentity (the query protocol, answered in XML as STS answers): who signed the
 * request. It takes no permission: AWS answers it even for a principal denied everything.
 */
async function sts(services: AwsApiServices, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const reply = (status: number, xml: string) => {
    response.writeHead(status, { 'content-type': 'text/xml' });
    response.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
  };
  const fail = (status: number, code: string, message: string) =>
    reply(status, `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlText(message)}</Message></Error></ErrorResponse>`);
  const raw = await readBody(request, 64 * 1024);
  const caller = await services.iam.signer(request, raw, 'sts');
  if (!caller.ok) return fail(403, caller.code === 'InvalidSignatureException' ? 'SignatureDoesNotMatch' : caller.code, caller.message);
  const form = new URLSearchParams(raw.toString('utf8'));
  if (form.get('Action') !== 'GetCallerIdentity')
    return fail(400, 'InvalidAction', `the local cloud's STS answers GetCallerIdentity only, not ${form.get('Action') ?? 'no action'}`);
  const { principal } = caller;
  if (principal.kind === 'service') return fail(403, 'AccessDenied', 'a service principal has no caller identity');
  // STS's unique ids: AROA… for a role (with the session's name), AIDA… for a user.
  const id = (prefix: string, of: string) => `${prefix}${createHash('sha256').update(of).digest('hex').slice(0, 17).toUpperCase()}`;
  const userId = principal.kind === 'role' ? `${id('AROA', principal.roleArn)}:${principal.sessionName}` : id('AIDA', principal.arn);
  reply(
    200,
    `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${xmlText(principal.arn)}</Arn><UserId>${xmlText(userId)}</UserId><Account>${services.iam.account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
  );
}

/** Lambda's Invoke (RequestResponse): the payload in, the result out; a function error as Lambda reports it. */
async function invoke(services: AwsApiServices, nameOrArn: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };
  const refuse = (status: number, type: string, message: string) => reply(status, { Type: 'User', message }, { 'x-amzn-errortype': type });
  const raw = await readBody(request, 6 * 1024 * 1024);
  const caller = await services.iam.signer(request, raw, 'lambda');
  if (!caller.ok) return refuse(403, caller.code, caller.message);
  const name = functionNameOf(nameOrArn);
  // A version or alias, in the ARN or as ?Qualifier=: the call is authorized on the qualified ARN.
  const qualifier = new URL(request.url ?? '/', 'http://local').searchParams.get('Qualifier') ?? /:function:[^:]+:([^:]+)$/.exec(nameOrArn)?.[1];
  const { iam, lambda } = services;
  const arn = `arn:aws:lambda:${iam.region}:${iam.account}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
  const decision = await iam.authorize({ principal: caller.principal, action: 'lambda:InvokeFunction', resource: arn });
  if (!decision.allowed) return refuse(403, 'AccessDeniedException', decision.message);
  if (!lambda.has(name)) return refuse(404, 'ResourceNotFoundException', `Function not found: ${arn}`);
  const payload = raw.toString('utf8');
  let result: unknown;
  try {
    result = await lambda.invoke(name, payload ? JSON.parse(payload) : {});
  } catch (error) {
    if (!(error instanceof LambdaFunctionError)) throw error;
    const { errorType, errorMessage, trace } = error;
    return reply(200, { errorType, errorMessage, trace }, { 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '$LATEST' });
  }
  reply(200, result ?? null, { 'x-amz-executed-version': '$LATEST' });
}

/** Pages a list the way the AWS list APIs do (maxResults and an opaque nextToken). */
function page<T>(items: T[], key: string, body: Record<string, unknown>): Record<string, unknown> {
  const start = body.nextToken ? Number(Buffer.from(String(body.nextToken), 'base64url').toString()) : 0;
  const size = Math.min(Number(body.maxResults) || 1000, 1000);
  const slice = items.slice(start, start + size);
  const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return { [key]: slice, nextToken: next };
}
