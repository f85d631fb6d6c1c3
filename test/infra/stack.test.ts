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
    expect(functions).toHaveLength(21);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler', TracingConfig: { Mode: 'Active' } });
    }
  });

  it('runs a recall workflow that starts a case workflow per marketplace, and stay-down checks per blocked period', () => {
    const machines = template.findResources('AWS::StepFunctions::StateMachine');
    expect(
      Object.values(machines)
        .map((m) => m.Properties.StateMachineName)
        .sort(),
    ).toEqual(['RecallGuard-case', 'RecallGuard-recall', 'RecallGuard-staydown']);
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
      'RequestCheck',
      'AwaitAttestation',
      'CheckFollowUp',
    ]) {
      expect(text).toContain(fragment);
    }
  });

  it('keeps the tables safe: point-in-time recovery, deletion protection, retained (but the sessions, which expire)', () => {
    const { [stack.getLogicalId(stack.tables.sessions.node.defaultChild as CfnElement)]: sessions, ...tables } = template.findResources('AWS::DynamoDB::Table');
    expect(Object.keys(tables)).toHaveLength(7);
    expect(sessions).toMatchObject({ DeletionPolicy: 'Delete', Properties: { TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } } });
    for (const table of Object.values(tables)) {
      expect(table).toMatchObject({
        DeletionPolicy: 'Retain',
        Properties: { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true },
      });
    }
  });

  it('serves the response pages through a throttled REST API, behind AWS WAF rate limits per source IP and per API key', () => {
    for (const method of ['GET', 'POST']) template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: method, Integration: { Type: 'AWS_PROXY' } });
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{caseId}' });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'live',
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200, HttpMethod: '*', ResourcePath: '/*' })]),
    });
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: [
        Match.objectLike({
          Name: 'PerSourceIp',
          Action: { Block: { CustomResponse: { ResponseCode: 429 } } },
          Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 3000, EvaluationWindowSec: 300 } },
        }),
        Match.objectLike({
          Name: 'PerApiKey',
          Action: { Block: { CustomResponse: { ResponseCode: 429 } } },
          Statement: {
            RateBasedStatement: { AggregateKeyType: 'CUSTOM_KEYS', Limit: 3000, CustomKeys: [{ Header: Match.objectLike({ Name: 'x-api-key' }) }] },
          },
        }),
      ],
    });
    const [stageId] = Object.keys(template.findResources('AWS::ApiGateway::Stage'));
    const association = Object.values(template.findResources('AWS::WAFv2::WebACLAssociation'));
    expect(association).toHaveLength(1);
    expect(JSON.stringify(association[0]!.Properties.ResourceArn)).toContain(stageId);
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'example.gov' });
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
      TRUSTED_LINK_HOSTS: 'www.cpsc.gov',
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
    expect(Object.values(written.Resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine')).toHaveLength(3);
  }, 120_000);
});
