import type { CfnElement } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app.ts';
import { parseAppConfig } from '#infra/config.ts';

/** A resource of the synthesized template: parsed JSON, as loosely typed as JSON.parse gives it. */
type Resource = { Type: string; Properties: Record<string, ReturnType<typeof JSON.parse>>; DeletionPolicy?: string };

describe('a deployment a security review can pass', () => {
  const { stack } = buildApp({ context: { 'aws:cdk:bundling-stacks': [] } });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const idOf = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const fns = Object.fromEntries(Object.entries(stack.functions).map(([role, fn]) => [role, resources[idOf(fn)]!]));

  it('starts every function without source maps (names are kept instead), with a log group of its own with retention, and a role of its own with no managed policy', () => {
    for (const [role, fn] of Object.entries(fns)) {
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS, role).toBeUndefined();
      const logGroup = resources[fn.Properties.LoggingConfig.LogGroup.Ref]!;
      expect(logGroup, role).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 180 } });
      const roleResource = resources[fn.Properties.Role['Fn::GetAtt'][0]]!;
      expect(roleResource.Properties.ManagedPolicyArns, role).toBeUndefined();
    }
  });

  it('gives every asynchronously invoked function a dead-letter queue, encrypted, TLS only', () => {
    for (const role of ['mailEvents', 'pullRecalls', 'startWorkflows', 'overdueCheck', 'staffReports']) {
      const queueId = fns[role]!.Properties.DeadLetterConfig?.TargetArn?.['Fn::GetAtt']?.[0];
      expect(queueId, role).toBeDefined();
      expect(resources[queueId]!.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86_400 });
    }
    const schedules = Object.values(resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(6);
    for (const schedule of schedules) {
      expect(schedule.Properties.Target.DeadLetterConfig.Arn, schedule.Properties.Description).toBeDefined();
      expect(schedule.Properties.ScheduleExpressionTimezone).toBe('America/New_York');
    }
    // The staff digest at 08:00 New York time on weekdays (the function skips holidays), the scorecard monthly.
    const staffReports = schedules.filter((s) => s.Properties.Target.Arn['Fn::GetAtt']?.[0] === idOf(stack.functions.staffReports));
    expect(staffReports.map((s) => [s.Properties.ScheduleExpression, JSON.parse(s.Properties.Target.Input)])).toEqual([
      ['cron(0 8 ? * MON-FRI *)', { report: 'digest' }],
      ['cron(0 8 1 * ? *)', { report: 'monthly' }],
    ]);
  });

  it('times every function out before its caller gives up', () => {
    // Step Functions tasks wait 30 s; API Gateway's HTTP integration, 30 s.
    for (const role of [
      'notify',
      'followUp',
      'actOnAnswer',
      'applyDecision',
      'awaitCallback',
      'planCases',
      'workflowFailed',
      'respond',
      'answerApi',
      'staffDecision',
    ]) {
      expect(fns[role]!.Properties.Timeout, role).toBeLessThan(30);
    }
    for (const machine of [stack.caseWorkflow.stateMachine, stack.recallWorkflow.stateMachine]) {
      const definition = JSON.stringify(resources[idOf(machine)]!.Properties.DefinitionString);
      expect(definition).toContain('\\"TimeoutSeconds\\":30');
    }
  });

  it('uses no wildcard action, and a wildcard resource only where AWS allows no other (X-Ray, log delivery)', () => {
    const allowedOnAnyResource =
      /^(xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets)|logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups))$/;
    for (const [id, policy] of Object.entries(resources).filter(([, r]) => r.Type === 'AWS::IAM::Policy')) {
      for (const statement of policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]) {
        const actions = ([] as string[]).concat(statement.Action);
        for (const action of actions) expect(action.endsWith('*') && !action.startsWith('kms:GenerateDataKey'), `${id} ${action}`).toBe(false);
        if (statement.Resource === '*') for (const action of actions) expect(action, id).toMatch(allowedOnAnyResource);
      }
    }
  });

  it('keeps no credential where AWS WAF keeps requests: sampling off on the web ACL and every rule, a log with secret headers and the query string redacted', () => {
    const acls = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::WAFv2::WebACL');
    expect(acls).toHaveLength(1);
    const [aclId, acl] = acls[0]!;
    const visibility = [acl.Properties.VisibilityConfig, ...(acl.Properties.Rules as { VisibilityConfig: unknown }[]).map((r) => r.VisibilityConfig)];
    expect(visibility).toHaveLength(3);
    for (const config of visibility) expect(config).toMatchObject({ SampledRequestsEnabled: false, CloudWatchMetricsEnabled: true });

    const logging = Object.values(resources).filter((r) => r.Type === 'AWS::WAFv2::LoggingConfiguration');
    expect(logging).toHaveLength(1);
    const { ResourceArn, LogDestinationConfigs, RedactedFields } = logging[0]!.Properties;
    expect(ResourceArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    expect(RedactedFields).toEqual([
      ...['authorization', 'cookie', 'x-api-key', 'x-amz-security-token', 'x-recallguard-identity'].map((name) => ({ SingleHeader: { Name: name } })),
      { QueryString: {} },
    ]);
    // One log group, named as WAF requires, with a retention; its ARN without CloudFormation's trailing ":*".
    expect(LogDestinationConfigs).toHaveLength(1);
    const destination = JSON.stringify(LogDestinationConfigs[0]);
    expect(destination).toContain(':log-group:');
    expect(destination).not.toContain(':*');
    const [groupId, group] = Object.entries(resources).find(([id, r]) => r.Type === 'AWS::Logs::LogGroup' && destination.includes(`"${id}"`))!;
    expect(group.Properties.LogGroupName, groupId).toBe('aws-waf-logs-RecallGuard');
    expect(group.Properties.RetentionInDays).toBe(180);
  });

  it('encrypts the tables and the topics', () => {
    for (const table of Object.values(resources).filter((r) => r.Type === 'AWS::DynamoDB::Table'))
      expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true });
    const topics = Object.values(resources).filter((r) => r.Type === 'AWS::SNS::Topic');
    expect(topics).toHaveLength(2);
    for (const topic of topics) expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    const keys = Object.values(resources).filter((r) => r.Type === 'AWS::KMS::Key');
    expect(keys.map((k) => k.Properties.EnableKeyRotation)).toEqual([true]);
  });

  it('alarms the operations topic on failed and timed-out executions, function errors and throttles, dead letters, bounces and long-overdue cases', () => {
    const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    const topicId = idOf(stack.operations.topic);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    const metrics = alarms.map((a) => `${a.Properties.Namespace ?? ''}/${a.Properties.MetricName ?? ''}`);
    const count = (metric: string) => metrics.filter((m) => m === metric).length;
    expect(count('AWS/States/ExecutionsFailed')).toBe(3);
    expect(count('AWS/States/ExecutionsTimedOut')).toBe(3);
    expect(count('AWS/Lambda/Errors')).toBe(Object.keys(fns).length);
    expect(count('AWS/Lambda/Throttles')).toBe(Object.keys(fns).length);
    expect(count('AWS/SQS/ApproximateNumberOfMessagesVisible')).toBe(5);
    expect(count('RecallGuard/NoticesBounced')).toBe(1);
    expect(count('RecallGuard/CasesOverdueBeyondLimit')).toBe(1);
    const filter = Object.values(resources).find((r) => r.Type === 'AWS::Logs::MetricFilter')!;
    expect(filter.Properties.FilterPattern).toBe('{ $.message = "notice bounced" }');
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'compliance@example.gov' });
  });

  it('publishes SES bounces and complaints to the mail-events function', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: { Enabled: true, MatchingEventTypes: ['bounce', 'complaint'] },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda', Endpoint: { 'Fn::GetAtt': [idOf(stack.functions.mailEvents), 'Arn'] } });
  });
  it('signs staff in through a Cognito user pool: MFA required, no self sign-up, a password policy, a public client with PKCE on the console', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: { PasswordPolicy: { MinimumLength: 14, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      DeletionProtection: 'ACTIVE',
    });
    const groups = Object.values(resources).filter((r) => r.Type === 'AWS::Cognito::UserPoolGroup');
    expect(groups.map((g) => g.Properties.GroupName).sort()).toEqual(['admin', 'decider', 'viewer']);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
      // The code flow and its refresh tokens only: no password (SRP) or custom authentication flows.
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
    });
    const callback = JSON.stringify(Object.values(resources).find((r) => r.Type === 'AWS::Cognito::UserPoolClient')!.Properties.CallbackURLs);
    expect(callback).toContain('/live/console/callback');
    expect(fns.staffConsole!.Properties.Environment.Variables).toMatchObject({ OIDC_CLIENT_AUTH: 'none', OIDC_ROLES_CLAIM: 'cognito:groups' });
    // Cognito publishes no end_session_endpoint: sign-out ends its session at the domain's /logout.
    expect(JSON.stringify(fns.staffConsole!.Properties.Environment.Variables.OIDC_LOGOUT_URL)).toMatch(/\.auth\..*amazoncognito\.com\/logout/);
  });

  it('serves the console on a domain of its own when cdk.json names one: its URL, its sign-in callback and the digest links there', () => {
    const consoleDomain = { domainName: 'console.recalls.agency.example', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' };
    const { stack: own } = buildApp({ context: { 'aws:cdk:bundling-stacks': [] }, config: { consoleDomain } });
    const ownTemplate = Template.fromStack(own);
    ownTemplate.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: consoleDomain.domainName,
      RegionalCertificateArn: consoleDomain.certificateArn,
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
    });
    ownTemplate.resourceCountIs('AWS::ApiGateway::BasePathMapping', 1);
    const json = ownTemplate.toJSON();
    const variables = (fn: { node: { defaultChild?: unknown } }) =>
      (json.Resources[own.getLogicalId(fn.node.defaultChild as CfnElement)] as Resource).Properties.Environment.Variables;
    expect(variables(own.functions.staffConsole)).toMatchObject({ CONSOLE_URL: 'https://console.recalls.agency.example/console/' });
    expect(variables(own.functions.staffReports)).toMatchObject({ CASE_URL_TEMPLATE: 'https://console.recalls.agency.example/console/cases/{caseId}' });
    // Response pages are not served on the console's domain, where they would share its origin.
    expect(variables(own.functions.respond)).toMatchObject({ CONSOLE_HOST: 'console.recalls.agency.example' });
    ownTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', { CallbackURLs: ['https://console.recalls.agency.example/console/callback'] });
    expect(json.Outputs.ConsoleDomainTarget).toBeDefined();
    expect(() =>
      parseAppConfig({ senderEmail: 'a@b.example', staffEmails: ['s@b.example'], consoleDomain: { ...consoleDomain, domainName: 'https://x' } }),
    ).toThrow(/consoleDomain\.domainName is a host name/);
  });

  it("points the console at the agency's own provider when cdk.json names one, with no user pool, and refuses one that is not https", () => {
    const idp = { name: 'login.gov', issuer: 'https://idp.int.identitysandbox.gov/', clientId: 'urn:gov:gsa:openidconnect.profiles:sp:sso:agency:recallguard' };
    const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:recallguard-logingov-AbCdEf';
    const { stack: own } = buildApp({
      context: { 'aws:cdk:bundling-stacks': [] },
      config: {
        identityProvider: {
          ...idp,
          clientAuth: 'private_key_jwt',
          clientSecretArn: secretArn,
          rolesClaim: 'roles',
          requiredAcr: ['http://idmanagement.gov/ns/assurance/aal/2'],
        },
      },
    });
    const ownTemplate = Template.fromStack(own);
    ownTemplate.resourceCountIs('AWS::Cognito::UserPool', 0);
    const consoleFn = ownTemplate.toJSON().Resources[own.getLogicalId(own.functions.staffConsole.node.defaultChild as CfnElement)] as Resource;
    expect(consoleFn.Properties.Environment.Variables).toMatchObject({
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: idp.clientId,
      OIDC_CLIENT_AUTH: 'private_key_jwt',
      OIDC_CLIENT_SECRET_ARN: secretArn,
      OIDC_ROLES_CLAIM: 'roles',
      OIDC_PROVIDER_NAME: 'login.gov',
      OIDC_REQUIRED_ACR: 'http://idmanagement.gov/ns/assurance/aal/2',
      OIDC_REQUIRED_AMR: '',
    });
    expect(() =>
      parseAppConfig({ senderEmail: 'a@b.example', staffEmails: ['s@b.example'], identityProvider: { ...idp, issuer: 'http://idp.example' } }),
    ).toThrow(/identityProvider\.issuer must be the https/);
    expect(() => parseAppConfig({ senderEmail: 'a@b.example', staffEmails: ['s@b.example'], identityProvider: idp })).toThrow(
      /clientSecretArn is needed unless clientAuth is none/,
    );
  });
});

describe('the cdk.json context', () => {
  const base = { senderEmail: 'a@b.example', staffEmails: ['s@b.example'] };

  it('takes the schedules, the default policy, the ops addresses and the region', () => {
    const config = parseAppConfig({
      ...base,
      opsEmails: ['ops@b.example'],
      region: 'us-gov-west-1',
      defaultPolicy: { deadlineWorkingDays: 3 },
      schedules: { startSweep: 'rate(5 minutes)' },
    });
    expect(config).toMatchObject({
      opsEmails: ['ops@b.example'],
      region: 'us-gov-west-1',
      defaultPolicy: { reminderAfterWorkingDays: 1, deadlineWorkingDays: 3, finalNoticeAfterWorkingDays: 5, expireAfterWorkingDays: 60 },
      schedules: { startSweep: 'rate(5 minutes)', dailyPull: 'cron(0 6 ? * MON-FRI *)' },
      overdueAlarmWorkingDays: 5,
    });
  });

  it('refuses anything missing, misspelled or invalid, naming it', () => {
    expect(() => parseAppConfig({ ...base, staffEmail: ['x@b.example'] })).toThrow(/Unrecognized key.*staffEmail/);
    expect(() => parseAppConfig({ ...base, schedules: { dailyPull: 'every day' } })).toThrow(/recallguard\.schedules\.dailyPull: a schedule is cron/);
    expect(() => parseAppConfig({ ...base, defaultPolicy: { deadlineWorkingDays: 9 } })).toThrow(
      /recallguard\.defaultPolicy: finalNoticeAfterWorkingDays must be more than deadlineWorkingDays/,
    );
    expect(() => parseAppConfig({ ...base, region: 'mars' })).toThrow(/recallguard\.region: region is an AWS region/);
    expect(() => parseAppConfig({ staffEmails: ['s@b.example'] })).toThrow(/recallguard\.senderEmail/);
  });
});

describe('the sender identity and the sample addresses', () => {
  const synth = (recallguard: Record<string, unknown>) => buildApp({ context: { 'aws:cdk:bundling-stacks': [], recallguard } }).stack;
  const agency = { senderEmail: 'recalls@agency.gov', staffEmails: ['compliance@agency.gov'] };
  const sesStatements = (stack: ReturnType<typeof synth>) =>
    Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[]).filter((s) => JSON.stringify(s.Action).includes('ses:')),
    );

  it('takes the context as the JSON text the CDK CLI passes with -c, and says which part is not JSON', () => {
    expect(parseAppConfig(JSON.stringify(agency))).toMatchObject({ senderEmail: 'recalls@agency.gov', senderIdentity: 'domain' });
    expect(() => parseAppConfig("{senderEmail:'x'}")).toThrow(/recallguard: the -c recallguard='...' value is not JSON/);
  });

  it('creates the sender domain with Easy DKIM, whose records it outputs, and lets each mail role send through the identity and the configuration set', () => {
    const stack = synth(agency);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'agency.gov' });
    expect(Object.keys(template.toJSON().Outputs).filter((o) => o.startsWith('Dkim'))).toEqual(['DkimRecord1', 'DkimRecord2', 'DkimRecord3']);
    const statements = sesStatements(stack);
    expect(statements).toHaveLength(9);
    for (const statement of statements) {
      expect(statement.Action).toBe('ses:SendEmail');
      const resources = JSON.stringify(statement.Resource);
      expect(resources).toContain(':identity/agency.gov');
      expect(resources).toContain(':configuration-set/');
    }
  });

  it('creates no identity when it names one the account has, and refuses one that does not cover the sender', () => {
    const stack = synth({ ...agency, senderIdentity: { existing: 'agency.gov' } });
    Template.fromStack(stack).resourceCountIs('AWS::SES::EmailIdentity', 0);
    expect(JSON.stringify(sesStatements(stack)[0]!.Resource)).toContain(':identity/agency.gov');
    expect(() => parseAppConfig({ ...agency, senderIdentity: { existing: 'other.gov' } })).toThrow(
      /recallguard\.senderIdentity\.existing: senderIdentity\.existing must be the sender address or a domain it belongs to/,
    );
  });

  it('warns at synth of each address in a reserved example domain, naming its key, and not of real ones', () => {
    const warnings = (stack: ReturnType<typeof synth>) =>
      Annotations.fromStack(stack)
        .findWarning('*', Match.anyValue())
        .map((w) => String(w.entry.data));
    expect(warnings(synth({ senderEmail: 'recalls@example.gov', staffEmails: ['a@agency.gov', 'b@x.example'], opsEmails: ['ops@test.test'] }))).toContainEqual(
      expect.stringMatching(
        /^recallguard\.senderEmail \(recalls@example\.gov\), recallguard\.staffEmails\[1\] \(b@x\.example\), recallguard\.opsEmails\[0\] \(ops@test\.test\): sample addresses/,
      ),
    );
    expect(warnings(synth(agency)).filter((w) => w.includes('sample addresses'))).toEqual([]);
  });
});
