import type { IncomingMessage, ServerResponse } from 'node:http';
import { functionNameOf } from './arn.ts';
import { readBody } from './http.ts';
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

type Operation = (body: Record<string, unknown>) => unknown;

/** What the facade serves, and how its callbacks may fail (fault injection). */
export interface AwsApiServices {
  stepFunctions: StepFunctionsService;
  secrets: LocalSecrets;
  lambda: LambdaRuntime;
  clock: VirtualClock;
  callbackFails: (token: string) => boolean;
}

/** The Step Functions and Secrets Manager operations, by X-Amz-Target. */
function jsonOperations({ stepFunctions: sfn, secrets, clock }: AwsApiServices): Record<string, Operation> {
  const s = (value: unknown) => String(value ?? '');
  return {
    'AWSStepFunctions.StartExecution': (b) => {
      const { executionArn, startDate } = sfn.startExecution({
        stateMachineArn: s(b.stateMachineArn),
        name: b.name as string | undefined,
        input: b.input as string | undefined,
      });
      return { executionArn, startDate: startDate / 1000 };
    },
    'AWSStepFunctions.DescribeExecution': (b) => sfn.describeExecution(s(b.executionArn)),
    'AWSStepFunctions.StopExecution': (b) => ({
      stopDate: sfn.stopExecution(s(b.executionArn), b.error as string | undefined, b.cause as string | undefined).stopDate / 1000,
    }),
    'AWSStepFunctions.ListExecutions': (b) => page(sfn.listExecutions(s(b.stateMachineArn), b.statusFilter as string | undefined), 'executions', b),
    'AWSStepFunctions.ListStateMachines': (b) =>
      page(
        sfn.listStateMachines().map((m) => ({ stateMachineArn: m.arn, name: m.name, type: 'STANDARD', creationDate: m.createdAt / 1000 })),
        'stateMachines',
        b,
      ),
    'AWSStepFunctions.DescribeStateMachine': (b) => {
      const m = sfn.stateMachine(s(b.stateMachineArn));
      return { stateMachineArn: m.arn, name: m.name, status: 'ACTIVE', type: 'STANDARD', definition: JSON.stringify(m.definition) };
    },
    'AWSStepFunctions.GetExecutionHistory': (b) => {
      const events = sfn.history(s(b.executionArn)).map((e) => ({ ...e, timestamp: e.timestamp / 1000 }));
      return page(b.reverseOrder ? [...events].reverse() : events, 'events', b);
    },
    'AWSStepFunctions.SendTaskSuccess': (b) => (sfn.sendTaskSuccess(s(b.taskToken), s(b.output)), {}),
    'AWSStepFunctions.SendTaskFailure': (b) => (sfn.sendTaskFailure(s(b.taskToken), b.error as string | undefined, b.cause as string | undefined), {}),
    'AWSStepFunctions.SendTaskHeartbeat': (b) => (sfn.sendTaskHeartbeat(s(b.taskToken)), {}),
    'secretsmanager.GetSecretValue': (b) => {
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
    },
  };
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/**
 * The AWS APIs the handlers and staff tools call that have no emulator of their own: Step
 * Functions and Secrets Manager (the JSON protocol, by X-Amz-Target), and Lambda's Invoke
 * (REST). Unchanged SDK clients reach it through AWS_ENDPOINT_URL_SFN,
 * AWS_ENDPOINT_URL_SECRETS_MANAGER and AWS_ENDPOINT_URL_LAMBDA.
 */
export function awsApi(services: AwsApiServices) {
  const operations = jsonOperations(services);
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const invocation = INVOKE_PATH.exec(new URL(request.url ?? '/', 'http://local').pathname);
    if (request.method === 'POST' && invocation) return invoke(services, decodeURIComponent(invocation[1]!), request, response);
    const target = String(request.headers['x-amz-target'] ?? '');
    const contentType = target.startsWith('secretsmanager.') ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0';
    const reply = (status: number, body: unknown, errorType?: string) => {
      response.writeHead(status, { 'content-type': contentType, ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
      response.end(JSON.stringify(body));
    };
    const operation = Object.hasOwn(operations, target) ? operations[target] : undefined;
    const isCallback = target === 'AWSStepFunctions.SendTaskSuccess' || target === 'AWSStepFunctions.SendTaskFailure';
    if (!operation)
      return reply(
        400,
        { __type: 'UnknownOperationException', message: `the local cloud does not implement ${target || 'this request'}` },
        'UnknownOperationException',
      );
    try {
      const body = JSON.parse((await readBody(request, 1024 * 1024)).toString('utf8') || '{}') as Record<string, unknown>;
      // An injected fault: the service fails the call before it takes the callback; a retry gets through.
      if (isCallback && services.callbackFails(String(body.taskToken))) {
        return reply(500, { __type: 'ServiceUnavailable', message: 'injected: the service is unavailable' }, 'ServiceUnavailable');
      }
      reply(200, await services.clock.track(async () => operation(body)));
    } catch (error) {
      if (error instanceof StepFunctionsError) return reply(400, { __type: error.code, message: error.message }, error.code);
      throw error;
    }
  };
}

/** Lambda's Invoke (RequestResponse): the payload in, the result out; a function error as Lambda reports it. */
async function invoke(services: AwsApiServices, nameOrArn: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const name = functionNameOf(nameOrArn);
  const payload = (await readBody(request, 6 * 1024 * 1024)).toString('utf8');
  if (!services.lambda.has(name)) {
    response.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' });
    response.end(JSON.stringify({ Type: 'User', message: `Function not found: ${name}` }));
    return;
  }
  let result: unknown;
  try {
    result = await services.lambda.invoke(name, payload ? JSON.parse(payload) : {});
  } catch (error) {
    if (!(error instanceof LambdaFunctionError)) throw error;
    response.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '$LATEST' });
    response.end(JSON.stringify({ errorType: error.errorType, errorMessage: error.errorMessage, trace: error.trace }));
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' });
  response.end(JSON.stringify(result ?? null));
}

/** Pages a list the way the AWS list APIs do (maxResults and an opaque nextToken). */
function page<T>(items: T[], key: string, body: Record<string, unknown>): Record<string, unknown> {
  const start = body.nextToken ? Number(Buffer.from(String(body.nextToken), 'base64url').toString()) : 0;
  const size = Math.min(Number(body.maxResults) || 1000, 1000);
  const slice = items.slice(start, start + size);
  const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return { [key]: slice, nextToken: next };
}
