import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { policySchema, type Policy } from '#shared/marketplace.ts';
import { documentClient } from '#shared/store/document-client.ts';
import { openStores } from '#shared/store/stores.ts';
import { WorkingCalendar } from '#shared/working-days.ts';
import type { FunctionRole } from '../stack.ts';
import { agencyApiRequest, type AgencyApiResponse } from './agency-api.ts';
import type { Deployment, DeploymentStores, Email } from './deployment.ts';
import { STACK_NAME, type OutputName, type StackOutputs } from './outputs.ts';

/** The functions a stack's outputs name, by role. */
const FUNCTION_OUTPUTS: Partial<Record<FunctionRole, OutputName>> = {
  staffDecision: 'StaffDecisionFunction',
  staffReports: 'StaffReportsFunction',
  reissueLink: 'ReissueLinkFunction',
};

/** An SDK client's settings: none in AWS (the environment's credentials, region and endpoints); explicit ones for the local cloud. */
export interface ClientConfig {
  region: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}
export type ClientSettings = Partial<Record<'dynamodb' | 'sfn' | 'lambda', ClientConfig>>;

export interface StackDeploymentOptions {
  name: string;
  clients?: ClientSettings;
  now?: () => Date;
  emails?: () => Promise<Email[]>;
  /** What else to close with it (the local emulators). */
  onClose?: () => Promise<void>;
}

/** A deployed stack, reached through the AWS APIs with the names its outputs give. */
export class StackDeployment implements Deployment {
  readonly name: string;
  readonly sfn: SFNClient;
  private readonly dynamodb: DynamoDBClient;
  private readonly lambda: LambdaClient;
  private cachedStores: DeploymentStores | undefined;

  constructor(
    private readonly outputs: Partial<StackOutputs>,
    private readonly options: StackDeploymentOptions,
  ) {
    this.name = options.name;
    this.dynamodb = new DynamoDBClient(options.clients?.dynamodb ?? {});
    this.sfn = new SFNClient(options.clients?.sfn ?? {});
    this.lambda = new LambdaClient(options.clients?.lambda ?? {});
    if (options.emails) this.emails = options.emails;
  }

  emails?: () => Promise<Email[]>;

  private output(name: OutputName): string {
    const value = this.outputs[name];
    if (!value) throw new Error(`${this.name} has no ${STACK_NAME}.${name}`);
    return value;
  }

  stores(): DeploymentStores {
    const table = (name: OutputName) => this.outputs[name];
    this.cachedStores ??= openStores(documentClient(this.dynamodb), {
      cases: table('CasesTable'),
      audit: table('AuditTable'),
      recalls: table('RecallsTable'),
      marketplaces: table('MarketplacesTable'),
      apiKeys: table('ApiKeysTable'),
    });
    return this.cachedStores;
  }

  get responseUrl(): string | undefined {
    return this.outputs.ResponseApiUrl;
  }

  agencyApi(method: 'POST' | 'GET', path: string, body?: unknown): Promise<AgencyApiResponse> {
    const target = { baseUrl: this.output('ResponseApiUrl'), now: this.now(), audience: this.output('CallerAudience') };
    // Given an endpoint (the local cloud's), the functions' STS is there too.
    const sts = this.options.clients?.sfn?.endpoint;
    return agencyApiRequest(this.sfn, { ...target, ...(sts ? { sts } : {}) }, method, path, body);
  }

  get defaultPolicy(): Policy {
    return policySchema.parse(JSON.parse(this.output('DefaultPolicy')));
  }

  get calendar(): WorkingCalendar {
    return new WorkingCalendar(JSON.parse(this.outputs.ClosureDays ?? '[]') as string[]);
  }

  now(): Date {
    return this.options.now?.() ?? new Date();
  }

  async invoke(role: FunctionRole, event: unknown): Promise<unknown> {
    const output = FUNCTION_OUTPUTS[role];
    if (!output) throw new Error(`the stack outputs no function for ${role}`);
    const functionName = this.output(output);
    const result = await this.lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: new TextEncoder().encode(JSON.stringify(event)) }));
    const payload = result.Payload ? JSON.parse(new TextDecoder().decode(result.Payload)) : null;
    if (result.FunctionError) throw new Error(`${functionName} failed: ${payload?.errorType ?? 'Error'}: ${payload?.errorMessage ?? result.FunctionError}`);
    return payload;
  }

  async close(): Promise<void> {
    this.dynamodb.destroy();
    this.sfn.destroy();
    this.lambda.destroy();
    await this.options.onClose?.();
  }
}
