import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { SFNClient } from '@aws-sdk/client-sfn';
import { CreateTableCommand, DynamoDBClient, PutItemCommand, type CreateTableCommandInput, type PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import { Stack } from 'aws-cdk-lib';
import type { CfnResource } from 'aws-cdk-lib';
import { Worker } from 'node:worker_threads';
import type { StaffDecisionResult } from '#functions/staff-decision/staff-decision.ts';
import type { CaseRecord } from '#shared/case.ts';
import { parseMarketplaces, type Marketplace, type Policy } from '#shared/marketplace.ts';
import { DynamoAuditLog } from '#shared/store/audit-log.ts';
import { DynamoApiKeyStore } from '#shared/store/api-key-store.ts';
import { DynamoCaseStore } from '#shared/store/case-store.ts';
import { documentClient } from '#shared/store/document-client.ts';
import { IngestState } from '#shared/store/ingest-state.ts';
import { DynamoMarketplaceStore } from '#shared/store/marketplace-store.ts';
import { QuarantineStore } from '#shared/store/quarantine-store.ts';
import { DynamoRecallStore } from '#shared/store/recall-store.ts';
import { WorkingCalendar } from '#shared/working-days.ts';
import { buildApp, STACK_NAME } from '../app.ts';
import type { FunctionRole } from '../stack.ts';
import { awsJsonApi, LocalSecrets } from './aws-json-api.ts';
import { close, listen } from './http.ts';
import { httpApi, routesOf } from './http-api.ts';
import { mailEventRoutes, mailEventsFor, type SentEmail } from './mail-events.ts';
import { FaultInjector, InjectedCrash, NO_FAULTS, type FaultSpec } from './faults.ts';
import { LambdaFunctionError, LambdaRuntime } from './lambda-runtime.ts';
import { loadEngine } from './step-functions/engine.ts';
import { stateError, StepFunctionsError, StepFunctionsService, type ExecutionSnapshot } from './step-functions/service.ts';
import { LocalScheduler, schedulesOf } from './scheduler.ts';
import { staffPage, STAFF_CASE_URL, STAFF_LIST_URL, type StaffPageContext } from './staff-page.ts';
import { TemplateResolver, type Template } from './template.ts';
import { VirtualClock } from './virtual-clock.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

export interface LocalCloudOptions {
  /** Where virtual time starts. */
  start?: Date;
  /** Print the functions' log lines as they come (they are kept for `lambda.logs()` either way). */
  echoLogs?: boolean;
  /** False for tools that only read and write the tables: the functions are not bundled or run. */
  functions?: boolean;
  /** `manual`: time jumps when asked (tests, simulate); `scaled`: time runs `rate` times faster (start). */
  clock?: { kind: 'manual' } | { kind: 'scaled'; rate: number };
  ports?: { inbox?: number; respond?: number; staff?: number };
  /**
   * Where state is kept across runs: the tables (LevelDB), the link-signing keys, the
   * executions' histories and the virtual time. Without it everything lives in memory.
   */
  dataDir?: string;
  /** Whether to write what the stack writes at deploy (the marketplaces of cdk.json); default yes. */
  deployTimeWrites?: boolean;
  /**
   * Run the stack's EventBridge Scheduler schedules on the virtual clock, but for those that
   * invoke the `except` functions. Off by default: tests and simulations invoke what they need.
   */
  schedules?: { except?: FunctionRole[] };
  /** Transient faults to inject into the functions' calls (see faults.ts); none by default. */
  faults?: FaultSpec;
}

export interface Email {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  /** When SES took it, in seconds since the epoch of the local cloud's clock. */
  at: number;
}

/**
 * The whole system on this machine: the CDK app synthesized in-process, its tables in
 * dynalite, its mail in aws-ses-v2-local, its state machines on the local Step Functions
 * service, its functions (the deployed bundles) in worker threads, and its HTTP API.
 */
export class LocalCloud {
  private constructor(
    readonly clock: VirtualClock,
    readonly template: Template,
    readonly resolver: TemplateResolver,
    readonly stepFunctions: StepFunctionsService,
    readonly lambda: LambdaRuntime,
    /** Function name by role (`ingest`, `notify`...). */
    readonly functionNames: Record<FunctionRole, string>,
    readonly caseStateMachineArn: string,
    readonly recallStateMachineArn: string,
    readonly tableNames: Record<'recalls' | 'marketplaces' | 'cases' | 'audit' | 'quarantine' | 'ingestState' | 'apiKeys', string>,
    readonly urls: { inbox: string; respond: string; api: string; staff: string; aws: string; dynamodb: string },
    private readonly servers: Server[],
    private readonly emulators: { url: string; stop: () => Promise<void> }[],
    private readonly assemblyDir: string,
    private readonly dataDir: string | undefined,
    /** The deployment's default ladder, for marketplaces stored here that leave numbers out. */
    private readonly defaultPolicy: Policy,
  ) {}

  static async start(options: LocalCloudOptions = {}): Promise<LocalCloud> {
    // A data directory goes on from the virtual time its last run stopped at.
    const kept = options.dataDir && !options.start ? await readJson<{ now?: string }>(`${options.dataDir}/clock.json`, {}) : {};
    const clock = new VirtualClock(options.start ?? (kept.now ? new Date(kept.now) : new Date()), options.clock);
    const assemblyDir = `${PROJECT_ROOT}.local/cdk.out/${process.pid}-${randomBytes(4).toString('hex')}`;
    await mkdir(assemblyDir, { recursive: true });
    const withFunctions = options.functions ?? true;
    const { app, stack } = buildApp({ outdir: assemblyDir, ...(withFunctions ? {} : { context: { 'aws:cdk:bundling-stacks': [] } }) });
    const template = app.synth().getStackByName(STACK_NAME).template as Template;
    const resolver = new TemplateResolver(template, { region: REGION, account: ACCOUNT, stackName: STACK_NAME });
    const logicalId = (construct: { node: { defaultChild?: unknown } }) => Stack.of(stack).getLogicalId(construct.node.defaultChild as CfnResource);

    const servers: Server[] = [];
    if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
    const faults = new FaultInjector(options.faults ?? NO_FAULTS);
    const countFault = (message: { fault?: string }) => {
      if (message.fault === 'dynamodb' || message.fault === 'ses') faults.injected[message.fault]++;
    };
    let takeRequests: (requests: Record<string, number>) => void = () => undefined;
    const dynamo = await startWorker(
      new URL('./dynamodb-worker.mjs', import.meta.url),
      { path: options.dataDir && `${options.dataDir}/dynamodb`, faultRate: faults.spec.dynamodb, faultSeed: faults.spec.seed + 1 },
      (message: { fault?: string; requests?: Record<string, number> }) => (message.requests ? takeRequests(message.requests) : countFault(message)),
    );
    const dynamoUrl = dynamo.url;
    // The functions reach the tables through the port that injects faults, when there is one.
    const functionsDynamoUrl = dynamo.ready.faultyPort ? `http://127.0.0.1:${String(dynamo.ready.faultyPort)}` : dynamoUrl;
    let publishMailEvents: (sent: SentEmail) => void = () => undefined;
    const onSesMessage = (message: { sent?: SentEmail; fault?: string }) => (message.sent ? publishMailEvents(message.sent) : countFault(message));
    const ses = await startWorker(
      new URL('./ses-worker.mjs', import.meta.url),
      { port: options.ports?.inbox ?? 0, clockBuffer: clock.buffer, faultRate: faults.spec.ses, faultSeed: faults.spec.seed + 2 },
      onSesMessage,
    ).catch((error: Error) => {
      throw new Error(`the inbox cannot start: ${error.message} (choose another port with --inbox-port)`);
    });
    const inboxUrl = ses.url;

    const lambda = new LambdaRuntime(clock, options.echoLogs ?? false);
    // Step Functions tasks and the HTTP API invoke functions that may crash before or after they run.
    const invokeFunction = async (name: string, event: unknown): Promise<unknown> => {
      if (faults.strikes('crashBefore')) throw new InjectedCrash('before');
      const result = await lambda.invoke(name, event);
      if (faults.strikes('crashAfter')) throw new InjectedCrash('after');
      return result;
    };
    const engine = await loadEngine(clock);
    const stepFunctions: StepFunctionsService = new StepFunctionsService(
      engine,
      clock,
      (resource, parameters) => invokeTask(invokeFunction, stepFunctions, resource, parameters),
      REGION,
      ACCOUNT,
    );
    const secrets = new LocalSecrets();
    const aws = await listen(awsJsonApi(stepFunctions, secrets, clock, (token) => faults.failsCallback(token)));
    servers.push(aws.server);

    const [apiId] = resolver.ofType('AWS::ApiGatewayV2::Api').map(([id]) => id);
    if (!apiId) throw new Error('the template has no HTTP API');
    const respond = await listen(httpApi(routesOf(resolver, apiId), resolver.ref(apiId), invokeFunction, clock), options.ports?.respond ?? 0);
    servers.push(respond.server);
    const apiEndpoint = `https://${resolver.ref(apiId)}.execute-api.${REGION}.amazonaws.com`;
    // The staff page stands in for the Step Functions console: links to a case or a list lead to it.
    const staffContext: { current?: StaffPageContext } = {};
    const staff = await listen(
      staffPage(
        () => {
          if (!staffContext.current) throw new Error('the staff page is not ready yet');
          return staffContext.current;
        },
        () => staff.url,
      ),
      options.ports?.staff ?? 0,
    );
    servers.push(staff.server);
    const consoleLinks: Record<string, string> = {
      CASE_URL_TEMPLATE: `${staff.url}${STAFF_CASE_URL}`,
      CASE_LIST_URL_TEMPLATE: `${staff.url}${STAFF_LIST_URL}`,
    };

    await createTables(resolver, dynamoUrl);
    if (options.deployTimeWrites ?? true) await applyDeployTimeWrites(resolver, dynamoUrl);
    const keptSecrets = options.dataDir ? await readJson<Record<string, string>>(`${options.dataDir}/secrets.json`, {}) : {};
    for (const [id, secret] of resolver.ofType('AWS::SecretsManager::Secret')) {
      keptSecrets[id] ??= generateSecret(secret.Properties?.GenerateSecretString as GenerateSecretString | undefined);
      secrets.put(resolver.arn(id), id, keptSecrets[id]);
    }
    if (options.dataDir) await writeFile(`${options.dataDir}/secrets.json`, JSON.stringify(keptSecrets), { mode: 0o600 });
    const endpoints = {
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: functionsDynamoUrl,
      AWS_ENDPOINT_URL_SESV2: inboxUrl,
      AWS_ENDPOINT_URL_SES: inboxUrl,
      AWS_ENDPOINT_URL_SFN: aws.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
      // Functions deploy on Node 22, where the SDK has nothing to warn about.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    for (const [id, fn] of withFunctions ? resolver.ofType('AWS::Lambda::Function') : []) {
      const props = fn.Properties!;
      const variables = resolver.resolve((props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<string, string>;
      const environment = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, consoleLinks[k] ?? String(v).split(apiEndpoint).join(respond.url)]));
      const key = String((props.Code as { S3Key: string }).S3Key).replace(/\.zip$/, '');
      const [file, handlerExport] = String(props.Handler).split('.') as [string, string];
      lambda.register({
        name: resolver.ref(id),
        bundleFile: `${assemblyDir}/asset.${key}/${file}.mjs`,
        handlerExport,
        environment: { ...environment, ...endpoints },
        timeoutSeconds: Number(props.Timeout ?? 3),
        memoryMb: Number(props.MemorySize ?? 128),
      });
    }
    for (const [id, machine] of resolver.ofType('AWS::StepFunctions::StateMachine')) {
      const definition = JSON.parse(String(resolver.resolve(machine.Properties!.DefinitionString)));
      const name = String(machine.Properties!.StateMachineName ?? id);
      stepFunctions.createStateMachine(resolver.arn(id), name, String(resolver.resolve(machine.Properties!.RoleArn)), definition);
    }
    const mailRoutes = mailEventRoutes(resolver);
    publishMailEvents = (sent) => {
      for (const { functionName, event } of mailEventsFor(sent, mailRoutes, clock.date())) {
        // SES reports a bounce or a complaint moments after it accepted the email.
        clock.setTimeout(
          () =>
            void clock.track(
              lambda.invoke(functionName, event).catch((error: Error) => console.error(`[ses] ${functionName} failed on a mail event: ${error.message}`)),
            ),
          1_000,
        );
      }
    };
    if (options.dataDir) stepFunctions.restore(await readJson<ExecutionSnapshot[]>(`${options.dataDir}/executions.json`, []));

    const functionNames = Object.fromEntries(Object.entries(stack.functions).map(([role, fn]) => [role, resolver.ref(logicalId(fn))])) as Record<
      FunctionRole,
      string
    >;
    const tables = stack.tables;
    const tableNames = {
      recalls: resolver.ref(logicalId(tables.recalls)),
      marketplaces: resolver.ref(logicalId(tables.marketplaces)),
      cases: resolver.ref(logicalId(tables.cases)),
      audit: resolver.ref(logicalId(tables.audit)),
      quarantine: resolver.ref(logicalId(tables.quarantine)),
      ingestState: resolver.ref(logicalId(tables.ingestState)),
      apiKeys: resolver.ref(logicalId(tables.apiKeys)),
    };
    const caseStateMachineArn = resolver.arn(logicalId(stack.caseWorkflow.stateMachine));
    const recallStateMachineArn = resolver.arn(logicalId(stack.recallWorkflow.stateMachine));
    const cloud = new LocalCloud(
      clock,
      template,
      resolver,
      stepFunctions,
      lambda,
      functionNames,
      caseStateMachineArn,
      recallStateMachineArn,
      tableNames,
      {
        inbox: inboxUrl,
        respond: `${respond.url}/`,
        api: `${respond.url}/v1`,
        staff: staff.url,
        aws: aws.url,
        dynamodb: dynamoUrl,
      },
      servers,
      [dynamo, ses],
      assemblyDir,
      options.dataDir,
      stack.config.defaultPolicy,
    );
    const sfn = new SFNClient(cloud.clientConfig('sfn'));
    cloud.onStop.push(() => sfn.destroy());
    if (options.schedules && withFunctions) {
      const skipped = new Set((options.schedules.except ?? []).map((role) => functionNames[role]));
      const scheduler = new LocalScheduler(
        clock,
        (name, input) => lambda.invoke(name, input),
        (schedule, error) => console.error(`[scheduler] ${schedule.description}: ${error.message}`),
      );
      scheduler.start(schedulesOf(resolver).filter((s) => !skipped.has(s.functionName)));
      cloud.onStop.push(() => scheduler.stop());
    }
    cloud.faults = faults;
    cloud.dynamodbRequests = () =>
      new Promise((resolve) => {
        takeRequests = resolve;
        dynamo.post('requests');
      });
    staffContext.current = {
      stores: cloud.stores(),
      sfn,
      calendar: new WorkingCalendar(stack.config.closureDays),
      now: () => clock.date(),
      authority: stack.config.agencyName,
      staffEmail: stack.config.staffEmails[0]!,
      decide: async (input) => (await cloud.invoke('staffDecision', input)) as StaffDecisionResult,
      settle: () => clock.settle(),
    };
    return cloud;
  }

  /** DynamoDB requests served so far, by operation (for cost figures). */
  dynamodbRequests: () => Promise<Record<string, number>> = async () => ({});

  /** The faults this cloud injects, and how many of each it has (all zero without `faults`). */
  faults: FaultInjector = new FaultInjector(NO_FAULTS);

  /** The plain ASL the local Step Functions service runs for a state machine. */
  definition(stateMachineArn: string): unknown {
    return this.stepFunctions.stateMachine(stateMachineArn).definition;
  }

  /** Settings for SDK clients in tests and tools: the same endpoints the handlers use. */
  clientConfig(service: 'dynamodb' | 'sfn') {
    return {
      region: REGION,
      endpoint: service === 'dynamodb' ? this.urls.dynamodb : this.urls.aws,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    };
  }

  /** Invokes a function by role, as the scheduler or a test would. */
  invoke(role: FunctionRole, event: unknown): Promise<unknown> {
    return this.lambda.invoke(this.functionNames[role], event);
  }

  /** Stores marketplaces as the deployment would (validated first). */
  async importMarketplaces(input: unknown): Promise<Marketplace[]> {
    const marketplaces = parseMarketplaces(input, this.defaultPolicy);
    const store = this.stores().marketplaces;
    for (const marketplace of marketplaces) await store.put(marketplace);
    return marketplaces;
  }

  /** The stores over this cloud's tables, as staff tools and tests read them. */
  stores() {
    if (!this.storeCache) {
      const db = documentClient(new DynamoDBClient(this.clientConfig('dynamodb')));
      this.storeCache = {
        cases: new DynamoCaseStore(db, this.tableNames.cases),
        audit: new DynamoAuditLog(db, this.tableNames.audit),
        marketplaces: new DynamoMarketplaceStore(db, this.tableNames.marketplaces),
        recalls: new DynamoRecallStore(db, this.tableNames.recalls),
        quarantine: new QuarantineStore(db, this.tableNames.quarantine),
        ingestState: new IngestState(db, this.tableNames.ingestState),
        apiKeys: new DynamoApiKeyStore(db, this.tableNames.apiKeys),
      };
    }
    return this.storeCache;
  }

  private storeCache:
    | {
        cases: DynamoCaseStore;
        audit: DynamoAuditLog;
        marketplaces: DynamoMarketplaceStore;
        recalls: DynamoRecallStore;
        quarantine: QuarantineStore;
        ingestState: IngestState;
        apiKeys: DynamoApiKeyStore;
      }
    | undefined;

  /** Reads a case record, as staff tools do. */
  caseRecord(caseId: string): Promise<CaseRecord | undefined> {
    return this.stores().cases.get(caseId);
  }

  /** Every email the local SES has accepted, oldest first. */
  async emails(): Promise<Email[]> {
    const response = await fetch(`${this.urls.inbox}/store`);
    const { emails } = (await response.json()) as { emails: Email[] };
    return emails;
  }

  /** Keeps the executions' histories and the virtual time in the data directory, for the commands that read them. */
  async save(): Promise<void> {
    if (!this.dataDir) return;
    await writeFile(`${this.dataDir}/executions.json`, JSON.stringify(this.stepFunctions.snapshot()));
    await writeFile(`${this.dataDir}/clock.json`, JSON.stringify({ now: this.clock.date().toISOString() }));
  }

  /** Clean-ups of what was opened after the constructor. */
  private readonly onStop: (() => void)[] = [];

  async stop(): Promise<void> {
    await this.save();
    for (const cleanUp of this.onStop) cleanUp();
    this.clock.stop();
    await this.lambda.stop();
    await Promise.all(this.servers.map(close));
    await Promise.all(this.emulators.map((emulator) => emulator.stop()));
    await rm(this.assemblyDir, { recursive: true, force: true });
  }
}

/** Runs a Task resource the way Step Functions' Lambda and Step Functions integrations do. */
async function invokeTask(
  invokeFunction: (name: string, event: unknown) => Promise<unknown>,
  stepFunctions: StepFunctionsService,
  resource: string,
  parameters: unknown,
): Promise<unknown> {
  if (resource === 'arn:aws:states:::states:startExecution') {
    const { StateMachineArn, Name, Input } = parameters as { StateMachineArn: string; Name?: string; Input?: unknown };
    try {
      const started = stepFunctions.startExecution({ stateMachineArn: StateMachineArn, name: Name, input: JSON.stringify(Input ?? {}) });
      return { ExecutionArn: started.executionArn, StartDate: new Date(started.startDate).toISOString() };
    } catch (error) {
      if (error instanceof StepFunctionsError) throw stateError(`StepFunctions.${error.code}Exception`, error.message);
      throw error;
    }
  }
  const functionOf = (nameOrArn: string) => (nameOrArn.includes(':function:') ? nameOrArn.split(':function:')[1]!.split(':')[0]! : nameOrArn);
  try {
    if (resource.startsWith('arn:aws:lambda:')) return await invokeFunction(functionOf(resource), parameters);
    if (resource === 'arn:aws:states:::lambda:invoke') {
      const { FunctionName, Payload } = parameters as { FunctionName: string; Payload?: unknown };
      const result = await invokeFunction(functionOf(FunctionName), Payload ?? {});
      return { ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200 };
    }
  } catch (error) {
    if (!(error instanceof LambdaFunctionError)) throw error;
    throw stateError(error.errorType, JSON.stringify({ errorType: error.errorType, errorMessage: error.errorMessage, trace: error.trace }));
  }
  throw stateError('States.Runtime', `the local cloud cannot run the Task resource ${resource}`);
}

interface GenerateSecretString {
  SecretStringTemplate?: string;
  GenerateStringKey?: string;
  PasswordLength?: number;
}

function generateSecret(spec: GenerateSecretString | undefined): string {
  const value = randomBytes(64)
    .toString('base64url')
    .slice(0, spec?.PasswordLength ?? 32);
  if (!spec?.GenerateStringKey) return value;
  return JSON.stringify({ ...JSON.parse(spec.SecretStringTemplate ?? '{}'), [spec.GenerateStringKey]: value });
}

/** An emulator's server on its own thread: it posts its port once listening, and closes on 'stop'. */
async function startWorker(
  script: URL,
  workerData: Record<string, unknown>,
  onMessage: (message: Record<string, unknown>) => void = () => undefined,
): Promise<{ url: string; ready: Record<string, unknown>; post: (message: string) => void; stop: () => Promise<void> }> {
  const worker = new Worker(script, { workerData });
  const ready = await new Promise<{ port: number } & Record<string, unknown>>((resolve, reject) => {
    worker.once('message', (message: { port?: number; error?: string }) =>
      message.port ? resolve(message as { port: number }) : reject(new Error(message.error)),
    );
    worker.once('error', reject);
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  worker.on('message', (message: Record<string, unknown>) => {
    if (!('port' in message) && !('stopped' in message)) onMessage(message);
  });
  return {
    url: `http://127.0.0.1:${ready.port}`,
    ready,
    post: (message) => worker.postMessage(message),
    stop: async () => {
      // Closing lets LevelDB flush and release its lock before the thread ends.
      await new Promise<void>((resolve) => {
        worker.on('message', (message: { stopped?: boolean }) => message.stopped && resolve());
        worker.postMessage('stop');
      });
      await worker.terminate();
    },
  };
}

async function readJson<T>(path: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
}

/**
 * What the stack writes at deploy through AwsCustomResource (the configured marketplaces), done
 * here the same way. Only DynamoDB putItem is used by the stack; anything else is refused.
 */
async function applyDeployTimeWrites(resolver: TemplateResolver, endpoint: string): Promise<void> {
  const client = new DynamoDBClient({ region: REGION, endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  for (const [id, resource] of resolver.ofType('Custom::AWS')) {
    const call = JSON.parse(String(resolver.resolve(resource.Properties!.Create))) as { service: string; action: string; parameters: PutItemCommandInput };
    if (call.service !== 'DynamoDB' || call.action !== 'putItem') throw new Error(`${id}: the local cloud cannot run ${call.service}.${call.action} at deploy`);
    await client.send(new PutItemCommand(call.parameters));
  }
  client.destroy();
}

async function createTables(resolver: TemplateResolver, endpoint: string): Promise<void> {
  const client = new DynamoDBClient({ region: REGION, endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  for (const [id, table] of resolver.ofType('AWS::DynamoDB::Table')) {
    const p = table.Properties!;
    const input: CreateTableCommandInput = {
      TableName: resolver.ref(id),
      KeySchema: p.KeySchema as CreateTableCommandInput['KeySchema'],
      AttributeDefinitions: p.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: p.GlobalSecondaryIndexes as CreateTableCommandInput['GlobalSecondaryIndexes'],
    };
    try {
      await client.send(new CreateTableCommand(input));
    } catch (error) {
      // A data directory keeps its tables from the last run.
      if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
    }
  }
  client.destroy();
}
