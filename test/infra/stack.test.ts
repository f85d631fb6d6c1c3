import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app.ts';
import { parseAppConfig } from '#infra/config.ts';
import { HandlerFunction } from '#infra/constructs/handler-function.ts';
import { RecallGuardStack } from '#infra/stack.ts';
import { notifyEnv } from '#functions/notify/env.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

describe('the CDK app', () => {
  const { stack } = buildApp({ context: NO_BUNDLING });
  const template = Template.fromStack(stack);

  it('runs every function on Node 22, arm64, with tracing and an ESM bundle', () => {
    const ours = new Set(Object.values(stack.functions).map((fn) => stack.getLogicalId(fn.node.defaultChild as CfnElement)));
    const functions = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) => ours.has(id));
    expect(functions).toHaveLength(16);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler', TracingConfig: { Mode: 'Active' } });
    }
  });

  it('runs a recall workflow that starts a case workflow per marketplace', () => {
    const machines = template.findResources('AWS::StepFunctions::StateMachine');
    expect(
      Object.values(machines)
        .map((m) => m.Properties.StateMachineName)
        .sort(),
    ).toEqual(['RecallGuard-case', 'RecallGuard-recall']);
    for (const machine of Object.values(machines)) {
      expect(machine.Properties).toMatchObject({
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      });
    }
    const text = JSON.stringify(Object.values(machines).map((m) => m.Properties.DefinitionString));
    for (const fragment of [
      'PlanCases',
      'states:startExecution',
      'NotifyMarketplace',
      'lambda:invoke.waitForTaskToken',
      'TimeoutSecondsPath',
      '$$.Task.Token',
      'States.Timeout',
      'SendReminder',
      'Escalate',
      'SendFinalNotice',
      'Expire',
      'AwaitDecision',
    ]) {
      expect(text).toContain(fragment);
    }
  });

  it('keeps the tables safe: point-in-time recovery, deletion protection, retained', () => {
    const tables = template.findResources('AWS::DynamoDB::Table');
    expect(Object.keys(tables)).toHaveLength(7);
    for (const table of Object.values(tables)) {
      expect(table).toMatchObject({
        DeletionPolicy: 'Retain',
        Properties: { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true },
      });
    }
  });

  it('serves the response pages through a throttled HTTP API', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /respond/{caseId}' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /respond/{caseId}' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
    });
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'recalls@example.gov' });
  });

  it('lets only the functions that answer callbacks send task responses', () => {
    const policies = Object.entries(
      template.findResources('AWS::IAM::Policy', {
        Properties: { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['states:SendTaskSuccess']) })]) } },
      }),
    );
    expect(policies.map(([id]) => id.replace(/RoleDefaultPolicy.*/, '')).sort()).toEqual([
      'AnswersAnswerApi',
      'AnswersRespond',
      'CaseWorkflowAwaitCallback',
      'StaffDecision',
    ]);
  });
});

describe('configuration', () => {
  it('refuses invalid cdk.json context with the field and the reason', () => {
    expect(() => parseAppConfig({ senderEmail: 'nobody', staffEmails: [] })).toThrow(/recallguard\.senderEmail: senderEmail must be the address/);
    expect(() => parseAppConfig({ senderEmail: 'a@b.example', staffEmails: [] })).toThrow(/staffEmails needs at least one/);
  });

  it('checks a function environment against the schema the function checks at cold start', () => {
    const stack = new RecallGuardStack(new App({ context: NO_BUNDLING }), 'Check', {
      config: parseAppConfig({ senderEmail: 'a@b.example', staffEmails: ['s@b.example'] }),
    });
    const environment = {
      RECALLS_TABLE: 'r-table',
      MARKETPLACES_TABLE: 'm-table',
      CASES_TABLE: 'c-table',
      AUDIT_TABLE: 'a-table',
      AGENCY_NAME: 'Agency',
      SENDER_EMAIL: 'a@b.example',
      SES_CONFIGURATION_SET: 'set',
      STAFF_EMAILS: 's@b.example',
      RESPOND_BASE_URL: 'https://x.example/',
      LINK_KEY_SECRET_ARN: 'arn:x',
      LINK_VALIDITY_DAYS: '120',
      CASE_URL_TEMPLATE: 'https://console.example/{executionArn}',
      CLOSURE_DAYS: '',
    };
    expect(
      () => new HandlerFunction(stack, 'Bad', { name: 'notify', environmentSchema: notifyEnv, environment: { ...environment, SENDER_EMAIL: 'nobody' } }),
    ).toThrow(/Bad: environment variable SENDER_EMAIL="nobody"/);
    const { LINK_VALIDITY_DAYS: _, ...missing } = environment;
    expect(() => new HandlerFunction(stack, 'Missing', { name: 'notify', environmentSchema: notifyEnv, environment: missing as typeof environment })).toThrow(
      /LINK_VALIDITY_DAYS is not set/,
    );
  });
});

describe('npx cdk synth', () => {
  it('writes the template with no AWS credentials', async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('CDK_')));
    const outdir = `${ROOT}.local/synth-test-${process.pid}`;
    await promisify(execFile)('npx', ['cdk', 'synth', '-q', '--output', outdir], { cwd: ROOT, env: { ...env, HOME: `${ROOT}.local` } });
    const written = JSON.parse(await readFile(`${outdir}/RecallGuard.template.json`, 'utf8')) as { Resources: Record<string, { Type: string }> };
    expect(Object.values(written.Resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine')).toHaveLength(2);
  }, 120_000);
});
