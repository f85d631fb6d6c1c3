import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ScanCommand,
  type AttributeValue,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { policySchema, type Policy } from '#shared/marketplace.ts';
import { STAFF_ROLES, type StaffRole } from '#shared/store/session-store.ts';
import { documentClient } from '#shared/store/document-client.ts';
import { openStores, type Stores } from '#shared/store/stores.ts';
import { buildApp } from '../app.ts';
import { BUNDLE_FINGERPRINT_CONTEXT, FUNCTION_ROLE_TAG } from '../constructs/handler-function.ts';
import { OUTPUT_NAMES, STACK_NAME, type StackOutputs } from '../deployment/outputs.ts';
import type { FunctionRole } from '../stack.ts';
import { readAssembly, type CloudAssembly } from './assembly.ts';
import { bundleFingerprint, keepBundles, pruneBundleStores, reuseBundles } from './bundle-cache.ts';
import { ACCOUNT, REGION, readJson, type Emulators } from './emulators.ts';
import { IdentityProviderThread, type LocalUser } from './emulator-threads.ts';
import { TemplateIam } from './iam/policies.ts';
import { checkServiceEdges, deliveryDenied, publishDenied, scheduleDenied } from './iam/service-edges.ts';
import { routesOf } from './rest-api.ts';
import { firewallRulesOf, LocalFirewall } from './waf.ts';
import { mailEventRoutes, mailEventsFor } from './mail-events.ts';
import { LocalScheduler, schedulesOf } from './scheduler.ts';
import { TemplateResolver, type Template } from './template.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where the functions' bundles are kept between deploys, by fingerprint of their sources. */
const BUNDLE_STORES = `${PROJECT_ROOT}.local/bundles`;

export interface DeployOptions {
  /** False for tools that only read and write the tables: the functions are not bundled or run. */
  functions?: boolean;
  /**
   * Run the stack's EventBridge Scheduler schedules on the virtual clock, but for those that
   * invoke the `except` functions. Off by default: tests and simulations invoke what they need.
   */
  schedules?: { except?: FunctionRole[] };
  /** The local identity provider's port (0 or none picks a free one). */
  idpPort?: number;
  /** Keys of the `recallguard` context to deploy with instead of cdk.json's (a test's lower limits). */
  config?: Record<string, unknown>;
  /** A cloud assembly already synthesized (`npx cdk synth -o DIR`) to deploy, as `cdk deploy --app DIR` does, instead of synthesizing the app. */
  app?: string;
}

export type TableName = 'recalls' | 'marketplaces' | 'cases' | 'audit' | 'quarantine' | 'bookkeeping' | 'apiKeys' | 'sessions';

/** What a deployment onto the emulators made, and how to take it down. */
export interface DeployedStack {
  template: Template;
  resolver: TemplateResolver;
  /** The deployment's default ladder and closure days, from its outputs. */
  defaultPolicy: Policy;
  closureDays: string[];
  /** Function name by role (`ingest`, `notify`...). */
  functionNames: Record<FunctionRole, string>;
  tableNames: Record<TableName, string>;
  caseStateMachineArn: string;
  recallStateMachineArn: string;
  staydownStateMachineArn: string;
  /** What `cdk deploy --outputs-file` would have written (also in the data directory, as outputs.json). */
  outputs: StackOutputs;
  stores: Stores;
  sfn: SFNClient;
  /** The local identity provider the console signs in with, and its users by role. */
  identityProvider: { issuer: string; users: Record<StaffRole, LocalUser> } | undefined;
  /** Stops what the deployment started (the schedules, the identity provider), before the emulators stop. */
  stop: () => Promise<void>;
  /** The cloud assembly synthesized for this deploy, removed once the functions have stopped; none when deployed from `app`. */
  assemblyDir: string | undefined;
}

/**
 * The CDK app synthesized in-process into a cloud assembly inside the project (as `npx cdk synth
 * -o DIR` writes one), its function bundles reused from the deploy before when unchanged.
 */
export async function synthesizeApp(withFunctions: boolean, config?: Record<string, unknown>): Promise<string> {
  const assemblyDir = `${PROJECT_ROOT}.local/cdk.out/${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(assemblyDir, { recursive: true });
  const fingerprint = withFunctions ? await bundleFingerprint(PROJECT_ROOT) : undefined;
  const store = `${BUNDLE_STORES}/${fingerprint}`;
  if (fingerprint) await reuseBundles(store, assemblyDir);
  const context = fingerprint ? { [BUNDLE_FINGERPRINT_CONTEXT]: fingerprint } : { 'aws:cdk:bundling-stacks': [] };
  buildApp({ outdir: assemblyDir, config, context }).app.synth();
  if (fingerprint) {
    await keepBundles(store, assemblyDir);
    await pruneBundleStores(BUNDLE_STORES, fingerprint);
  }
  return assemblyDir;
}

const TABLE_OUTPUTS = {
  recalls: 'RecallsTable',
  marketplaces: 'MarketplacesTable',
  cases: 'CasesTable',
  audit: 'AuditTable',
  quarantine: 'QuarantineTable',
  bookkeeping: 'BookkeepingTable',
  apiKeys: 'ApiKeysTable',
  sessions: 'SessionsTable',
} as const satisfies Record<TableName, keyof StackOutputs>;

/** Each function by the role its tag names, each table and state machine by the output that names it: what the template itself says. */
function namesOf(resolver: TemplateResolver, outputs: StackOutputs) {
  const functions = resolver.ofType('AWS::Lambda::Function').flatMap(([id, fn]) => {
    const tag = ((fn.Properties?.Tags ?? []) as { Key: string; Value: string }[]).find((t) => t.Key === FUNCTION_ROLE_TAG);
    return tag ? [[tag.Value, resolver.ref(id)]] : [];
  });
  return {
    functionNames: Object.fromEntries(functions) as Record<FunctionRole, string>,
    tableNames: Object.fromEntries(Object.entries(TABLE_OUTPUTS).map(([name, output]) => [name, outputs[output]])) as Record<TableName, string>,
    caseStateMachineArn: outputs.CaseStateMachine,
    recallStateMachineArn: outputs.RecallStateMachine,
    staydownStateMachineArn: outputs.StaydownStateMachine,
  };
}

/**
 * Deploys the stack onto running emulators, in the order CloudFormation would: its IAM (refused
 * where AWS would refuse a role's trust or an alarm's topic), the tables, the secrets, the
 * functions (each with its role's credentials), the state machines, the HTTP API's routes, SES's
 * identities and event destinations, the schedules; then its outputs. The stack is the app
 * synthesized here, or the cloud assembly `app` names.
 */
export async function deployStack(emulators: Emulators, options: DeployOptions = {}): Promise<DeployedStack> {
  const withFunctions = options.functions ?? true;
  const assemblyDir = options.app ? undefined : await synthesizeApp(withFunctions, options.config);
  const assembly = await readAssembly(options.app ?? assemblyDir!, STACK_NAME);
  const { template } = assembly;
  const resolver = new TemplateResolver(template, { region: REGION, account: ACCOUNT, stackName: STACK_NAME });
  emulators.iam.deploy(new TemplateIam(resolver));
  await checkServiceEdges(emulators.iam, resolver);
  const outputs = await writeOutputs(resolver, template, emulators);
  const names = namesOf(resolver, outputs);
  await createTables(resolver, emulators.clientConfig('dynamodb'));
  await storeSecrets(resolver, emulators);
  const stores = openStores(documentClient(new DynamoDBClient(emulators.clientConfig('dynamodb'))), {
    ...names.tableNames,
    ingestState: names.tableNames.bookkeeping,
    refusals: names.tableNames.bookkeeping,
  });
  const sfn = new SFNClient(emulators.clientConfig('sfn'));
  const idp = withFunctions ? await startIdentityProvider(emulators, resolver, options.idpPort) : undefined;
  if (withFunctions) registerFunctions(emulators, resolver, assembly, idp?.provider.issuer);
  for (const [id, machine] of resolver.ofType('AWS::StepFunctions::StateMachine')) {
    const definition = JSON.parse(String(resolver.resolve(machine.Properties!.DefinitionString)));
    emulators.stepFunctions.createStateMachine(
      resolver.arn(id),
      String(machine.Properties!.StateMachineName ?? id),
      String(resolver.resolve(machine.Properties!.RoleArn)),
      definition,
    );
  }
  deployApi(emulators, resolver);
  emulators.ses.verifyIdentities(resolver.ofType('AWS::SES::EmailIdentity').map(([id]) => resolver.ref(id)));
  if (withFunctions) deliverMailEvents(emulators, resolver);
  const scheduler = withFunctions && options.schedules ? startSchedules(emulators, resolver, names.functionNames, options.schedules.except ?? []) : undefined;
  const stop = async () => {
    scheduler?.stop();
    sfn.destroy();
    await idp?.provider.stop();
  };
  return {
    template,
    resolver,
    defaultPolicy: policySchema.parse(JSON.parse(outputs.DefaultPolicy)),
    closureDays: JSON.parse(outputs.ClosureDays) as string[],
    ...names,
    outputs,
    stores,
    sfn,
    identityProvider: idp && { issuer: idp.provider.issuer, users: idp.users },
    stop,
    assemblyDir,
  };
}

async function createTables(resolver: TemplateResolver, config: ReturnType<Emulators['clientConfig']>): Promise<void> {
  const client = new DynamoDBClient(config);
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
      await addIndexes(client, input);
    }
  }
  client.destroy();
}

/**
 * A table a data directory kept from a stack without some of its indexes gets them, as
 * CloudFormation adds an index and backfills it: dynalite cannot add one in place, so the table
 * is made again and every item put back.
 */
export async function addIndexes(client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
  const has = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  if ((input.GlobalSecondaryIndexes ?? []).every((index) => has.has(index.IndexName))) return;
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: input.TableName, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  await client.send(new DeleteTableCommand({ TableName: input.TableName }));
  // The local DynamoDB deletes a table at once (deleteTableMs 0), but after this answer: on the next turn.
  for (;;) {
    const gone = await client.send(new DescribeTableCommand({ TableName: input.TableName })).then(
      () => false,
      (error: Error) => error.name === 'ResourceNotFoundException',
    );
    if (gone) break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  await client.send(new CreateTableCommand(input));
  for (let i = 0; i < items.length; i += 25) {
    let unprocessed: Record<string, { PutRequest: { Item: Record<string, AttributeValue> } }[]> | undefined = {
      [input.TableName!]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
    };
    while (unprocessed && Object.keys(unprocessed).length) {
      const written = await client.send(new BatchWriteItemCommand({ RequestItems: unprocessed }));
      unprocessed = written.UnprocessedItems as typeof unprocessed;
    }
  }
  console.error(`[dynamodb] ${input.TableName}: added its indexes (${items.length} items kept)`);
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

/** Each secret generated as Secrets Manager would, once: a data directory keeps them (its links stay valid). */
async function storeSecrets(resolver: TemplateResolver, emulators: Emulators): Promise<void> {
  const file = emulators.dataDir && `${emulators.dataDir}/secrets.json`;
  const kept = file ? await readJson<Record<string, string>>(file, {}) : {};
  for (const [id, secret] of resolver.ofType('AWS::SecretsManager::Secret')) {
    kept[id] ??= generateSecret(secret.Properties?.GenerateSecretString as GenerateSecretString | undefined);
    emulators.secrets.put(resolver.arn(id), id, kept[id]);
  }
  if (file) await writeFile(file, JSON.stringify(kept), { mode: 0o600 });
}

/** The demo users' passwords, kept in the data directory so that they stay the same from one start to the next. */
async function localUsers(emulators: Emulators, roleGroups: Record<StaffRole, string>): Promise<LocalUser[]> {
  const file = emulators.dataDir && `${emulators.dataDir}/users.json`;
  const kept = file ? await readJson<Record<string, string>>(file, {}) : {};
  const users = STAFF_ROLES.map((role) => {
    kept[role] ??= `${randomBytes(12).toString('base64url')}-7a`;
    return { subject: `local-${role}`, username: `${role}@agency.example`, password: kept[role], groups: [roleGroups[role]] };
  });
  if (file) await writeFile(file, JSON.stringify(kept), { mode: 0o600 });
  return users;
}

/**
 * The identity provider the console signs staff in with: here, oidc-provider on the local cloud's
 * clock, in place of the Cognito user pool (or the agency's provider) the template names, with the
 * console's client registered at its callback and one user per role.
 */
async function startIdentityProvider(
  emulators: Emulators,
  resolver: TemplateResolver,
  port = 0,
): Promise<{ provider: IdentityProviderThread; users: Record<StaffRole, LocalUser> } | undefined> {
  const local = localUrls(resolver, emulators);
  const console = resolver
    .ofType('AWS::Lambda::Function')
    .map(
      ([, fn]) =>
        resolver.resolve((fn.Properties!.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<string, string>,
    )
    .find((variables) => variables.OIDC_ISSUER);
  if (!console) return undefined;
  const roleGroups = JSON.parse(console.OIDC_ROLE_GROUPS!) as Record<StaffRole, string>;
  const users = await localUsers(emulators, roleGroups);
  const provider = await IdentityProviderThread.start(emulators.clock, {
    port,
    clientId: console.OIDC_CLIENT_ID!,
    redirectUri: `${local(console.CONSOLE_URL!)}callback`,
    rolesClaim: console.OIDC_ROLES_CLAIM!,
    users,
  });
  return { provider, users: Object.fromEntries(STAFF_ROLES.map((role, i) => [role, users[i]!])) as Record<StaffRole, LocalUser> };
}

/** Each function of the template: its deployed bundle, its environment pointed at the emulators, and its execution role's credentials. */
function registerFunctions(emulators: Emulators, resolver: TemplateResolver, assembly: CloudAssembly, issuer: string | undefined): void {
  const local = localUrls(resolver, emulators);
  for (const [id, fn] of resolver.ofType('AWS::Lambda::Function')) {
    const props = fn.Properties!;
    const name = resolver.ref(id);
    const variables = resolver.resolve((props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<string, string>;
    const environment: Record<string, string> = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, local(String(v))]));
    if (issuer && environment.OIDC_ISSUER) Object.assign(environment, consoleSignIn(emulators, issuer));
    delete environment.OIDC_CLIENT_SECRET_ARN;
    const [file, handlerExport] = String(props.Handler).split('.') as [string, string];
    emulators.lambda.register({
      name,
      bundleFile: `${assembly.assetPath(String((props.Code as { S3Key: unknown }).S3Key))}/${file}.mjs`,
      handlerExport,
      environment: { ...environment, ...emulators.functionEnvironment(name, String(resolver.resolve(props.Role))) },
      timeoutSeconds: Number(props.Timeout ?? 3),
      memoryMb: Number(props.MemorySize ?? 128),
    });
  }
}

/**
 * The console signs in through the local provider, as a public client with PKCE, whatever the
 * stack names; and its sessions last as long in real time as in AWS, however fast virtual time
 * runs (npm start's speed).
 */
function consoleSignIn(emulators: Emulators, issuer: string): Record<string, string> {
  const { mode } = emulators.clock;
  const scale = mode.kind === 'scaled' ? Math.max(1, Math.round(mode.rate)) : 1;
  return { OIDC_ISSUER: issuer, OIDC_CLIENT_AUTH: 'none', SESSION_CLOCK_SCALE: String(scale) };
}

/** The REST API's stage, its methods, and the AWS WAF rules in front of it. */
function deployApi(emulators: Emulators, resolver: TemplateResolver): void {
  const [apiId] = resolver.ofType('AWS::ApiGateway::RestApi').map(([id]) => id);
  const [, stage] = resolver.ofType('AWS::ApiGateway::Stage').find(([, s]) => (s.Properties?.RestApiId as { Ref?: string })?.Ref === apiId) ?? [];
  if (!apiId || !stage) throw new Error('the template has no REST API with a stage');
  const rules = firewallRulesOf(resolver);
  emulators.restApi.deploy({
    apiId: resolver.ref(apiId),
    stage: String(stage.Properties!.StageName),
    routes: routesOf(resolver, apiId),
    firewall: rules.length ? new LocalFirewall(rules, emulators.clock) : undefined,
  });
}

/** Rewrites the REST API's AWS address to its local one. */
function localUrls(resolver: TemplateResolver, emulators: Emulators): (value: string) => string {
  const endpoints = resolver.ofType('AWS::ApiGateway::RestApi').map(([id]) => `https://${resolver.ref(id)}.execute-api.${REGION}.amazonaws.com`);
  // A domain of the stack's own (the console's) serves the stage at its root: here, the local API's stage.
  const stage = resolver.ofType('AWS::ApiGateway::Stage').map(([, s]) => String(s.Properties?.StageName ?? ''))[0];
  const domains = resolver.ofType('AWS::ApiGateway::DomainName').map(([, d]) => `https://${String(d.Properties?.DomainName)}`);
  return (value) => {
    const local = endpoints.reduce((text, endpoint) => text.split(endpoint).join(emulators.urls.api), value);
    return domains.reduce((text, domain) => text.split(`${domain}/`).join(`${emulators.urls.api}/${stage}/`), local);
  };
}

/**
 * SES's event destinations: a bounce or a complaint, moments after SES took the email, is
 * published to the destination's topic (where the topic's and its key's policies let SES) and
 * delivered to the topic's Lambda subscribers (where each function's policy lets SNS). A denied
 * step drops the event, as in AWS, and is recorded.
 */
function deliverMailEvents(emulators: Emulators, resolver: TemplateResolver): void {
  const routes = mailEventRoutes(resolver);
  const { clock, lambda, iam } = emulators;
  const configurationSetArn = (name: string) => `arn:aws:ses:${REGION}:${ACCOUNT}:configuration-set/${name}`;
  emulators.ses.onSent((sent) => {
    for (const { route, event } of mailEventsFor(sent, routes, clock.date())) {
      const delivery = async () => {
        const denied =
          (await publishDenied(iam, resolver, 'ses.amazonaws.com', route.topicArn, configurationSetArn(route.configurationSet))) ??
          (await deliveryDenied(iam, route.topicArn, `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${route.functionName}`));
        if (denied) return console.error(`[ses] a ${route.configurationSet} event was not delivered: ${denied}`);
        await lambda
          .invoke(route.functionName, event)
          .catch((error: Error) => console.error(`[ses] ${route.functionName} failed on a mail event: ${error.message}`));
      };
      clock.setTimeout(() => void clock.track(delivery()), 1_000);
    }
  });
}

/** The schedules on the virtual clock: each run assumes the schedule's role and invokes its target, where IAM lets it. */
function startSchedules(emulators: Emulators, resolver: TemplateResolver, functionNames: Record<FunctionRole, string>, except: FunctionRole[]): LocalScheduler {
  const skipped = new Set(except.map((role) => functionNames[role]));
  const scheduler = new LocalScheduler(
    emulators.clock,
    async (name, input, schedule) => {
      const denied = await scheduleDenied(emulators.iam, schedule);
      if (denied) throw new Error(denied);
      return emulators.lambda.invoke(name, input);
    },
    (schedule, error) => console.error(`[scheduler] ${schedule.description}: ${error.message}`),
  );
  scheduler.start(schedulesOf(resolver).filter((s) => !skipped.has(s.functionName)));
  return scheduler;
}

/** The stack's outputs with local names and addresses, kept in the data directory as `cdk deploy --outputs-file` writes them. */
async function writeOutputs(resolver: TemplateResolver, template: Template, emulators: Emulators): Promise<StackOutputs> {
  const local = localUrls(resolver, emulators);
  const outputs = Object.fromEntries(
    OUTPUT_NAMES.map((name) => [name, local(String(resolver.resolve(template.Outputs?.[name]?.Value ?? '')))]),
  ) as StackOutputs;
  if (emulators.dataDir) await writeFile(`${emulators.dataDir}/outputs.json`, `${JSON.stringify({ [STACK_NAME]: outputs }, null, 2)}\n`);
  return outputs;
}
