import { rm } from 'node:fs/promises';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { CaseRecord } from '#shared/case.ts';
import type { Marketplace, Policy } from '#shared/marketplace.ts';
import type { Stores } from '#shared/store/stores.ts';
import { WorkingCalendar } from '#shared/working-days.ts';
import { agencyApiRequest, type AgencyApiResponse } from '../deployment/agency-api.ts';
import { storeMarketplaces } from '../deployment/marketplaces.ts';
import type { Deployment, Email } from '../deployment/deployment.ts';
import type { StaffRole } from '#shared/store/session-store.ts';
import type { FunctionRole } from '../stack.ts';
import type { LocalUser } from './emulator-threads.ts';
import { deployStack, type DeployedStack, type DeployOptions, type TableName } from './deploy.ts';
import { operatorPolicy } from '../deployment/operator-policy.ts';
import { Emulators, REGION, type EmulatorOptions } from './emulators.ts';
import type { Credentials, LocalIam } from './iam/local-iam.ts';
import { deniedBeforeStop, startedClouds } from './started.ts';
import { inboxEmails } from './local-deployment.ts';
import type { FaultInjector } from './faults.ts';
import type { LambdaRuntime } from './lambda-runtime.ts';
import type { StepFunctionsService } from './step-functions/service.ts';
import type { Template, TemplateResolver } from './template.ts';
import type { VirtualClock } from './virtual-clock.ts';

export type { Email } from '../deployment/deployment.ts';

export interface LocalCloudOptions extends EmulatorOptions, DeployOptions {
  ports?: { inbox?: number; respond?: number; idp?: number };
}

/** Where an AWS CLI or SDK outside reaches the local cloud, as the operator: one endpoint for every service. */
export interface LocalAwsAccess {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * The whole system on this machine: the emulators (dynalite, the local SES, Lambda worker
 * threads, Step Functions, the HTTP API) with the CDK app's stack deployed on them. It serves
 * tools and tests as a Deployment, the same as a stack in AWS.
 */
export class LocalCloud implements Deployment {
  /** Starts the emulators, then deploys the stack onto them. */
  static async start(options: LocalCloudOptions = {}): Promise<LocalCloud> {
    const emulators = await Emulators.start(options);
    try {
      const deployed = await deployStack(emulators, { ...options, idpPort: options.ports?.idp });
      // An identity the stack names but does not create is one the account already has.
      emulators.ses.verifyIdentities([deployed.outputs.SenderIdentity]);
      const operator = emulators.iam.addUser('operator', [{ name: 'RecallGuardOperator', policy: operatorPolicy(deployed.outputs) }]);
      const cloud = new LocalCloud(emulators, deployed, operator);
      startedClouds.add(cloud);
      return cloud;
    } catch (error) {
      await emulators.stop();
      throw error;
    }
  }

  private constructor(
    private readonly emulators: Emulators,
    private readonly deployed: DeployedStack,
    private readonly operator: Credentials,
  ) {}

  /** The local cloud's IAM: its credentials, policies, decisions and the denials it recorded. */
  get iam(): LocalIam {
    return this.emulators.iam;
  }

  /**
   * An operator's access, with the permissions the README gives a cloud team's CLI user
   * (`operatorPolicy`): the AWS CLI or SDK pointed here (AWS_ENDPOINT_URL and these keys) is
   * authorized as that user would be in AWS.
   */
  get aws(): LocalAwsAccess {
    return { endpoint: this.emulators.urls.aws, region: REGION, accessKeyId: this.operator.accessKeyId, secretAccessKey: this.operator.secretAccessKey };
  }

  get clock(): VirtualClock {
    return this.emulators.clock;
  }
  get stepFunctions(): StepFunctionsService {
    return this.emulators.stepFunctions;
  }
  get lambda(): LambdaRuntime {
    return this.emulators.lambda;
  }
  /** The faults this cloud injects, and how many of each it has (all zero without `faults`). */
  get faults(): FaultInjector {
    return this.emulators.faults;
  }
  get template(): Template {
    return this.deployed.template;
  }
  get resolver(): TemplateResolver {
    return this.deployed.resolver;
  }
  /** Function name by role (`ingest`, `notify`...). */
  get functionNames(): Record<FunctionRole, string> {
    return this.deployed.functionNames;
  }
  get tableNames(): Record<TableName, string> {
    return this.deployed.tableNames;
  }
  get caseStateMachineArn(): string {
    return this.deployed.caseStateMachineArn;
  }
  get recallStateMachineArn(): string {
    return this.deployed.recallStateMachineArn;
  }
  /** The local endpoints; `console` is the staff console, `staff` its sign-in page, `idp` the identity provider's issuer. */
  get urls(): { inbox: string; respond: string; api: string; console: string; staff: string; idp: string; aws: string; dynamodb: string } {
    const { inbox, aws, dynamodb } = this.emulators.urls;
    // The stage's URL, as the stack outputs it: response links start with it.
    const respond = this.deployed.outputs.ResponseApiUrl;
    const console = this.deployed.outputs.ConsoleUrl;
    return { inbox, respond, api: `${respond}v1`, console, staff: `${console}sign-in`, idp: this.deployed.identityProvider?.issuer ?? '', aws, dynamodb };
  }

  /** The demo staff users of the local identity provider, one per console role. */
  get users(): Record<StaffRole, LocalUser> {
    if (!this.deployed.identityProvider) throw new Error('this local cloud runs no functions: it has no identity provider');
    return this.deployed.identityProvider.users;
  }

  get name(): string {
    return this.emulators.dataDir ?? 'the local cloud';
  }
  get sfn(): SFNClient {
    return this.deployed.sfn;
  }
  get responseUrl(): string {
    return this.urls.respond;
  }
  agencyApi(method: 'POST' | 'GET', path: string, body?: unknown): Promise<AgencyApiResponse> {
    const target = { baseUrl: this.responseUrl, now: this.now(), audience: this.deployed.outputs.CallerAudience, sts: this.emulators.urls.aws };
    return agencyApiRequest(this.sfn, target, method, path, body);
  }
  get staydownStateMachineArn(): string {
    return this.deployed.staydownStateMachineArn;
  }
  get defaultPolicy(): Policy {
    return this.deployed.defaultPolicy;
  }
  get calendar(): WorkingCalendar {
    return new WorkingCalendar(this.deployed.closureDays);
  }
  now(): Date {
    return this.clock.date();
  }
  settle(): Promise<void> {
    return this.clock.settle();
  }

  /** Calls authorized so far: at DynamoDB's and SES's threads, and at the main thread (the facade, the API, the services' own calls). */
  async authorizations(): Promise<number> {
    const { cached, evaluations, fromThreads } = this.iam.stats;
    const [dynamodb, ses] = await Promise.all([this.emulators.dynamodb.iamChecks(), this.emulators.ses.iamChecks()]);
    return dynamodb + ses + cached + evaluations - fromThreads;
  }

  /** DynamoDB requests served so far, by operation (for cost figures). */
  dynamodbRequests(): Promise<Record<string, number>> {
    return this.emulators.dynamodb.requests();
  }

  /** The plain ASL the local Step Functions service runs for a state machine. */
  definition(stateMachineArn: string): unknown {
    return this.stepFunctions.stateMachine(stateMachineArn).definition;
  }

  /** Settings for SDK clients in tests and tools: the same endpoints the handlers use. */
  clientConfig(service: 'dynamodb' | 'sfn' | 'lambda') {
    return this.emulators.clientConfig(service);
  }

  /** Invokes a function by role, as the scheduler or a test would. */
  invoke(role: FunctionRole, event: unknown): Promise<unknown> {
    return this.lambda.invoke(this.functionNames[role], event);
  }

  /** Stores marketplaces as the deployment would (validated first). */
  importMarketplaces(input: unknown): Promise<Marketplace[]> {
    return storeMarketplaces(this, input);
  }

  /** The stores over this cloud's tables, as staff tools and tests read them. */
  stores(): Stores {
    return this.deployed.stores;
  }

  /** Reads a case record, as staff tools do. */
  caseRecord(caseId: string): Promise<CaseRecord | undefined> {
    return this.stores().cases.get(caseId);
  }

  /** Every email the local SES has accepted, oldest first. */
  emails(): Promise<Email[]> {
    return inboxEmails(this.urls.inbox);
  }

  /** Keeps the executions' histories and the virtual time in the data directory, for the commands that read them. */
  save(): Promise<void> {
    return this.emulators.save();
  }

  async stop(): Promise<void> {
    startedClouds.delete(this);
    deniedBeforeStop.push(...this.iam.takeDenials());
    await this.deployed.stop();
    await this.emulators.stop();
    if (this.deployed.assemblyDir) await rm(this.deployed.assemblyDir, { recursive: true, force: true });
  }

  close(): Promise<void> {
    return this.stop();
  }
}
