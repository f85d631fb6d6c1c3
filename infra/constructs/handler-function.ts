import { fileURLToPath } from 'node:url';
import { Duration, Token } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import type * as z from '#shared/schema.ts';
import { isBinding, type Binding, type Grant } from './bindings.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface HandlerFunctionProps<S extends z.ZodMiniObject> {
  /** The folder under functions/ whose handler.ts this function runs. */
  name: string;
  /** The schema the function checks at cold start; the construct checks the same variables. */
  environmentSchema: S;
  /** Each variable its schema names: a value, or a resource bound with what the function may do with it. */
  environment: { [K in keyof z.input<S>]: string | Binding };
  /** What else the function may do, with no variable of its own. */
  grants?: Grant[];
  timeout?: Duration;
  memorySize?: number;
  /**
   * Invoked asynchronously (by SNS or EventBridge Scheduler): events that still fail after
   * Lambda's two retries land in a dead-letter queue of the function's own.
   */
  asynchronous?: boolean;
}

/**
 * Set by the local cloud only: a fingerprint of every file a bundle is built from. Each asset's
 * hash then derives from it, so that an unchanged function is not bundled again
 * (`infra/local-cloud/bundle-cache.ts`); without it, CDK hashes the bundled output.
 */
export const BUNDLE_FINGERPRINT_CONTEXT = 'recallguard:bundleFingerprint';

/** The tag that names what each function is for (its role in the stack: `notify`, `ingest`...), for tools that find functions in a template or account. */
export const FUNCTION_ROLE_TAG = 'recallguard:function';

/** How every function is bundled. */
const BUNDLING = {
  format: OutputFormat.ESM,
  target: 'node22',
  // Names kept and no source map: a stack trace still names its functions, and a cold start
  // does not parse a map of several megabytes (--enable-source-maps cost 25 ms here).
  minify: false,
  esbuildArgs: { '--minify-whitespace': true, '--minify-syntax': true },
  logLevel: LogLevel.ERROR,
  bundleAwsSDK: true,
  mainFields: ['module', 'main'],
  // Some bundled CommonJS dependencies call require(); ESM output needs it defined.
  banner: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
} satisfies BundlingOptions;

/** A Lambda function with the project's defaults: Node 22 on arm64, ESM bundle, tracing, log retention. */
export class HandlerFunction<S extends z.ZodMiniObject> extends NodejsFunction {
  constructor(scope: Construct, id: string, props: HandlerFunctionProps<S>) {
    const environment = Object.fromEntries(Object.entries(props.environment).map(([k, v]) => [k, isBinding(v) ? v.value : v]));
    checkEnvironment(id, props.environmentSchema, environment);
    const deadLetterQueue = props.asynchronous
      ? new Queue(scope, `${id}DeadLetters`, { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) })
      : undefined;
    // Its own role: no managed policy, log writes to its own log group only.
    const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.SIX_MONTHS });
    logGroup.grantWrite(role);
    super(scope, id, {
      role,
      deadLetterQueue,
      retryAttempts: props.asynchronous ? 2 : undefined,
      entry: `${PROJECT_ROOT}functions/${props.name}/handler.ts`,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(20),
      tracing: Tracing.ACTIVE,
      environment,
      logGroup,
      bundling: bundlingOf(scope, props.name),
    });
    for (const value of Object.values<string | Binding>(props.environment)) if (isBinding(value)) value.grant(this);
    for (const grant of props.grants ?? []) grant(this);
    suppressFindings(this, role);
  }
}

function bundlingOf(scope: Construct, name: string): BundlingOptions {
  const fingerprint = scope.node.tryGetContext(BUNDLE_FINGERPRINT_CONTEXT) as string | undefined;
  return fingerprint ? { ...BUNDLING, assetHash: `${fingerprint}-${name}` } : BUNDLING;
}

/** The cdk-nag findings every function has, each with its reason, on the function and its role. */
function suppressFindings(fn: NodejsFunction, role: Role): void {
  NagSuppressions.addResourceSuppressions(fn, [
    {
      id: 'AwsSolutions-L1',
      reason: 'Node.js 22 is the runtime these bundles are built (esbuild target node22) and tested for; moving to a newer one is a tested change of its own.',
    },
  ]);
  NagSuppressions.addResourceSuppressions(
    role,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'X-Ray PutTraceSegments/PutTelemetryRecords take no resource; DynamoDB grants include the indexes of the tables the function reads (table/<name>/index/*).',
        appliesTo: ['Resource::*', { regex: '/^Resource::<Tables[A-Za-z0-9]+\\.Arn>\\/index\\/\\*$/g' }],
      },
    ],
    true,
  );
}

/** Values known at synth must pass the function's own schema; every variable it requires must be set. */
function checkEnvironment(id: string, schema: z.ZodMiniObject, environment: Record<string, string>): void {
  for (const [key, field] of Object.entries(schema.shape)) {
    const value = environment[key];
    if (value === undefined && (field as z.ZodMiniType).safeParse(undefined).success) continue;
    if (value === undefined) throw new Error(`${id}: environment variable ${key} is not set`);
    if (Token.isUnresolved(value)) continue;
    const result = (field as z.ZodMiniType).safeParse(value);
    if (!result.success) throw new Error(`${id}: environment variable ${key}=${JSON.stringify(value)}: ${result.error.issues[0]?.message}`);
  }
}
