import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { LocalSecrets, awsApi } from './aws-api.ts';
import { functionNameOf } from './arn.ts';
import { DynamoDbThread, SesThread } from './emulator-threads.ts';
import { FaultInjector, InjectedCrash, NO_FAULTS, type FaultSpec } from './faults.ts';
import { close, listen } from './http.ts';
import { LocalIam } from './iam/local-iam.ts';
import { LocalRestApi } from './rest-api.ts';
import { LambdaFunctionError, LambdaRuntime } from './lambda-runtime.ts';
import { loadEngine } from './step-functions/engine.ts';
import { stateError, StepFunctionsService, type ExecutionSnapshot } from './step-functions/service.ts';
import { VirtualClock } from './virtual-clock.ts';

export const REGION = 'us-east-1';
export const ACCOUNT = '000000000000';
/** The account's administrator (who deploys, and what tests and local tools act as): every action on every resource. */
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const ADMINISTRATOR = 'local';
export const LOCAL_PRINCIPAL_ARN = `arn:aws:iam::${ACCOUNT}:user/${ADMINISTRATOR}`;
const ADMINISTRATOR_ACCESS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow' as const, Action: '*', Resource: '*' }] };

export interface EmulatorOptions {
  /** Where virtual time starts (by default: where the data directory's last run stopped, or now). */
  start?: Date;
  /** `manual`: time jumps when asked (tests, simulate); `scaled`: time runs `rate` times faster (start). */
  clock?: { kind: 'manual' } | { kind: 'scaled'; rate: number };
  /** Ports of the inbox (the local SES) and of the HTTP API; 0 or none picks a free one. */
  ports?: { inbox?: number; respond?: number };
  /**
   * Where state is kept across runs: the tables (LevelDB), the link-signing keys, the
   * executions' histories and the virtual time. Without it everything lives in memory.
   */
  dataDir?: string;
  /** Transient faults to inject into the functions' calls (see faults.ts); none by default. */
  faults?: FaultSpec;
  /** Print the functions' log lines as they come (they are kept for `lambda.logs()` either way). */
  echoLogs?: boolean;
}

/** What the emulators are made of: one field each, set once. */
interface EmulatorParts {
  clock: VirtualClock;
  faults: FaultInjector;
  dynamodb: DynamoDbThread;
  ses: SesThread;
  lambda: LambdaRuntime;
  stepFunctions: StepFunctionsService;
  secrets: LocalSecrets;
  restApi: LocalRestApi;
  iam: LocalIam;
  servers: { aws: { server: Server; url: string }; api: { server: Server; url: string } };
  dataDir: string | undefined;
}

/**
 * The local cloud's services, running, with nothing deployed on them yet: dynalite, the local
 * SES, Lambda worker threads, the Step Functions service, the AWS API facade (Step Functions,
 * Secrets Manager, Lambda's Invoke) and the REST API (with AWS WAF's rate rules), all on one
 * virtual clock, and IAM in front of every one of them: each request is signed by an identity
 * the local cloud issued and authorized against its policies, as AWS authorizes it.
 */
export class Emulators {
  readonly clock: VirtualClock;
  readonly faults: FaultInjector;
  readonly dynamodb: DynamoDbThread;
  readonly ses: SesThread;
  readonly lambda: LambdaRuntime;
  readonly stepFunctions: StepFunctionsService;
  readonly secrets: LocalSecrets;
  readonly restApi: LocalRestApi;
  readonly iam: LocalIam;
  readonly dataDir: string | undefined;
  private readonly servers: EmulatorParts['servers'];

  private constructor(parts: EmulatorParts) {
    this.clock = parts.clock;
    this.faults = parts.faults;
    this.dynamodb = parts.dynamodb;
    this.ses = parts.ses;
    this.lambda = parts.lambda;
    this.stepFunctions = parts.stepFunctions;
    this.secrets = parts.secrets;
    this.restApi = parts.restApi;
    this.iam = parts.iam;
    this.servers = parts.servers;
    this.dataDir = parts.dataDir;
  }

  static async start(options: EmulatorOptions = {}): Promise<Emulators> {
    const { dataDir } = options;
    if (dataDir) await mkdir(dataDir, { recursive: true });
    // A data directory goes on from the virtual time its last run stopped at.
    const kept = dataDir && !options.start ? await readJson<{ now?: string }>(`${dataDir}/clock.json`, {}) : {};
    const clock = new VirtualClock(options.start ?? (kept.now ? new Date(kept.now) : new Date()), options.clock);
    const faults = new FaultInjector(options.faults ?? NO_FAULTS);
    const iam = new LocalIam(ACCOUNT, REGION, () => clock.date());
    iam.addUser(ADMINISTRATOR, [{ name: 'AdministratorAccess', policy: ADMINISTRATOR_ACCESS }], CREDENTIALS);
    const dynamodb = await DynamoDbThread.start(dataDir && `${dataDir}/dynamodb`, faults, iam, clock);
    const ses = await SesThread.start(options.ports?.inbox ?? 0, clock, faults, iam);
    const lambda = new LambdaRuntime(clock, options.echoLogs ?? false);
    const invoke = invokeWithFaults(lambda, faults);
    const stepFunctions = new StepFunctionsService(
      await loadEngine(clock),
      clock,
      (resource, parameters) => lambdaTask(invoke, resource, parameters),
      REGION,
      ACCOUNT,
      roleAuthorizer(iam),
    );
    if (dataDir) stepFunctions.restore(await readJson<ExecutionSnapshot[]>(`${dataDir}/executions.json`, []));
    const secrets = new LocalSecrets();
    const upstreams = { dynamodb: () => dynamodb.url, ses: () => ses.url };
    const aws = await listen(awsApi({ stepFunctions, secrets, lambda, clock, iam, upstreams, callbackFails: (token) => faults.failsCallback(token) }));
    const restApi = new LocalRestApi(invoke, clock, iam);
    const api = await listen(restApi.handle, options.ports?.respond ?? 0);
    return new Emulators({ clock, faults, dynamodb, ses, lambda, stepFunctions, secrets, restApi, iam, servers: { aws, api }, dataDir });
  }

  get urls(): { inbox: string; api: string; aws: string; dynamodb: string } {
    return { inbox: this.ses.url, api: this.servers.api.url, aws: this.servers.aws.url, dynamodb: this.dynamodb.url };
  }

  /** Settings for SDK clients of tests and local tools, as the account's administrator: the same endpoints the handlers use. */
  clientConfig(service: 'dynamodb' | 'sfn' | 'lambda') {
    return { region: REGION, endpoint: service === 'dynamodb' ? this.urls.dynamodb : this.urls.aws, credentials: CREDENTIALS };
  }

  /**
   * What points a function's unchanged SDK code here, as Lambda sets a function's environment:
   * its execution role's credentials (a session of its own) and the standard endpoint variables.
   */
  functionEnvironment(functionName: string, roleArn: string): Record<string, string> {
    const { accessKeyId, secretAccessKey, sessionToken } = this.iam.assumeRole(roleArn, functionName, true);
    return {
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      AWS_SESSION_TOKEN: sessionToken!,
      AWS_ENDPOINT_URL_DYNAMODB: this.dynamodb.url,
      AWS_ENDPOINT_URL_SESV2: this.ses.url,
      AWS_ENDPOINT_URL_SES: this.ses.url,
      AWS_ENDPOINT_URL_SFN: this.urls.aws,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: this.urls.aws,
      AWS_ENDPOINT_URL_LAMBDA: this.urls.aws,
      // The functions send IAM callers' identity proofs to STS (GetCallerIdentity): the facade answers for it.
      AWS_ENDPOINT_URL_STS: this.urls.aws,
      // Functions deploy on Node 22, where the SDK has nothing to warn about.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
  }

  /** Keeps the executions' histories and the virtual time in the data directory, for the commands that read them. */
  async save(): Promise<void> {
    if (!this.dataDir) return;
    await writeFile(`${this.dataDir}/executions.json`, JSON.stringify(this.stepFunctions.snapshot()));
    await writeFile(`${this.dataDir}/clock.json`, JSON.stringify({ now: this.clock.date().toISOString() }));
  }

  async stop(): Promise<void> {
    await this.save();
    this.clock.stop();
    await this.lambda.stop();
    await Promise.all([close(this.servers.aws.server), close(this.servers.api.server)]);
    await Promise.all([this.dynamodb.stop(), this.ses.stop()]);
  }
}

/**
 * A state machine's role, as Step Functions acts with it: one session per role (Step Functions
 * names it at random), authorized by the local cloud's IAM.
 */
function roleAuthorizer(iam: LocalIam) {
  const sessions = new Map<string, string>();
  return async (roleArn: string, action: string, resource: string): Promise<string | undefined> => {
    if (!sessions.has(roleArn))
      sessions.set(
        roleArn,
        randomBytes(24)
          .toString('base64url')
          .replace(/[^A-Za-z]/g, '')
          .slice(0, 32),
      );
    const decision = await iam.authorize({ principal: iam.session(roleArn, sessions.get(roleArn)!), action, resource });
    return decision.allowed ? undefined : decision.message;
  };
}

/** Invokes a function as Step Functions tasks and the HTTP API do: it may crash before or after it runs. */
function invokeWithFaults(lambda: LambdaRuntime, faults: FaultInjector) {
  return async (name: string, event: unknown): Promise<unknown> => {
    if (faults.strikes('crashBefore')) throw new InjectedCrash('before');
    const result = await lambda.invoke(name, event);
    if (faults.strikes('crashAfter')) throw new InjectedCrash('after');
    return result;
  };
}

/** Runs a Lambda Task resource the way Step Functions' Lambda integrations do. */
async function lambdaTask(invoke: (name: string, event: unknown) => Promise<unknown>, resource: string, parameters: unknown): Promise<unknown> {
  try {
    if (resource.startsWith('arn:aws:lambda:')) return await invoke(functionNameOf(resource), parameters);
    if (resource === 'arn:aws:states:::lambda:invoke') {
      const { FunctionName, Payload } = parameters as { FunctionName: string; Payload?: unknown };
      return { ExecutedVersion: '$LATEST', Payload: await invoke(functionNameOf(FunctionName), Payload ?? {}), StatusCode: 200 };
    }
  } catch (error) {
    if (!(error instanceof LambdaFunctionError)) throw error;
    throw stateError(error.errorType, JSON.stringify({ errorType: error.errorType, errorMessage: error.errorMessage, trace: error.trace }));
  }
  throw stateError('States.Runtime', `the local cloud cannot run the Task resource ${resource}`);
}

export async function readJson<T>(path: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
}
