import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, type AppProps } from 'aws-cdk-lib';
import { parseAppConfig } from './config.ts';
import { STACK_NAME } from './deployment/outputs.ts';
import { RecallGuardStack } from './stack.ts';

export { STACK_NAME };
const CDK_JSON = fileURLToPath(new URL('../cdk.json', import.meta.url));

/** cdk.json's context: the CDK CLI passes it itself; in-process synths (local cloud, CLI) read it here. */
function projectContext(): Record<string, unknown> {
  if (process.env.CDK_CONTEXT_JSON) return {};
  return (JSON.parse(readFileSync(CDK_JSON, 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
}

/**
 * Builds the CDK app; the local cloud synthesizes the same app in-process. `config` changes
 * keys of the `recallguard` context (a test's lower limits, say), the rest as cdk.json has it.
 */
export function buildApp(props: AppProps & { config?: Record<string, unknown> } = {}): { app: App; stack: RecallGuardStack } {
  const { config: overrides, ...appProps } = props;
  const context = { ...projectContext(), ...props.context };
  if (overrides) context.recallguard = { ...(context.recallguard as object), ...overrides };
  const app = new App({ ...appProps, context });
  const config = parseAppConfig(app.node.tryGetContext('recallguard'));
  const stack = new RecallGuardStack(app, STACK_NAME, {
    config,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: config.region ?? process.env.CDK_DEFAULT_REGION ?? process.env.AWS_REGION },
  });
  return { app, stack };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildApp().app.synth();
}
