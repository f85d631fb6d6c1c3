import { App, type AppProps } from 'aws-cdk-lib';
import { parseAppConfig } from './config.ts';
import { RecallGuardStack } from './stack.ts';

export const STACK_NAME = 'RecallGuard';

/** Builds the CDK app; the local cloud synthesizes the same app in-process. */
export function buildApp(props: AppProps = {}): { app: App; stack: RecallGuardStack } {
  const app = new App(props);
  const config = parseAppConfig(app.node.tryGetContext('recallguard'));
  const stack = new RecallGuardStack(app, STACK_NAME, {
    config,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? process.env.AWS_REGION },
  });
  return { app, stack };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  buildApp().app.synth();
}
