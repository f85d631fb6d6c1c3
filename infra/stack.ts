import { Annotations, Aws, CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { OVERDUE_METRIC } from '#functions/overdue-check/overdue-check.ts';
import { sampleAddresses, type AppConfig } from './config.ts';
import { Answers } from './constructs/answers.ts';
import { FUNCTION_ROLE_TAG } from './constructs/handler-function.ts';
import { CaseMail } from './constructs/case-mail.ts';
import { CaseWorkflow } from './constructs/case-workflow.ts';
import { Ingest } from './constructs/ingest.ts';
import { Mail } from './constructs/mail.ts';
import { Operations } from './constructs/operations.ts';
import { RecallWorkflow } from './constructs/recall-workflow.ts';
import type { ResponseApi } from './constructs/response-api.ts';
import { Schedules } from './constructs/schedules.ts';
import { Staff } from './constructs/staff.ts';
import { StaffConsole } from './constructs/staff-console.ts';
import { consoleUrlOf } from '#shared/console-links.ts';
import { StaydownWorkflow } from './constructs/staydown-workflow.ts';
import { Tables } from './constructs/tables.ts';
import type { StackOutputs } from './deployment/outputs.ts';

/** Some of a construct's members, by name. */
function pick<T, K extends keyof T>(from: T, ...keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, from[key]])) as Pick<T, K>;
}

/** Every function of the stack by role, from the constructs that own them. */
function functionsByRole(c: {
  ingest: Ingest;
  recallWorkflow: RecallWorkflow;
  caseWorkflow: CaseWorkflow;
  caseMail: CaseMail;
  answers: Answers;
  staff: Staff;
  staffConsole: StaffConsole;
}): Record<FunctionRole, NodejsFunction> {
  return {
    ...pick(c.ingest, 'ingest', 'pullRecalls', 'startWorkflows'),
    ...pick(c.recallWorkflow, 'planCases'),
    ...pick(c.caseWorkflow, 'awaitCallback'),
    ...pick(c.caseMail, 'notify', 'followUp', 'actOnAnswer', 'applyDecision', 'mailEvents', 'workflowFailed', 'reissueLink', 'staydown'),
    ...pick(c.answers, 'respond', 'answerApi'),
    ...pick(c.staff, 'staffDecision', 'staffReports', 'overdueCheck', 'reportRelisting', 'marketplaceAdmin'),
    staffConsole: c.staffConsole.handler,
  };
}

export interface RecallGuardStackProps extends StackProps {
  config: AppConfig;
}

/** The functions by role, so tools (the local cloud, tests) find them without guessing ids. */
export type FunctionRole =
  | 'ingest'
  | 'pullRecalls'
  | 'startWorkflows'
  | 'planCases'
  | 'notify'
  | 'awaitCallback'
  | 'followUp'
  | 'actOnAnswer'
  | 'applyDecision'
  | 'staffDecision'
  | 'respond'
  | 'answerApi'
  | 'mailEvents'
  | 'workflowFailed'
  | 'overdueCheck'
  | 'staffReports'
  | 'reissueLink'
  | 'staydown'
  | 'reportRelisting'
  | 'marketplaceAdmin'
  | 'staffConsole';

/**
 * recallguard in one stack, by concern: the tables; the answers marketplaces send (HTTP API);
 * the functions that act on a case and email about it; the case and recall workflows;
 * ingestion; what serves staff; the schedules; and operations (alarms).
 */
export class RecallGuardStack extends Stack {
  readonly functions: Record<FunctionRole, NodejsFunction>;
  readonly tables: Tables;
  readonly caseWorkflow: CaseWorkflow;
  readonly recallWorkflow: RecallWorkflow;
  readonly staydownWorkflow: StaydownWorkflow;
  readonly responseApi: ResponseApi;
  /** The ARNs of the agency's IAM-authorized routes, for execute-api:Invoke. */
  readonly agencyRoutes: Record<'RelistingRouteArn' | 'DecisionRouteArn' | 'LinkRouteArn' | 'MarketplacesRouteArn', string>;
  readonly config: AppConfig;
  readonly operations: Operations;
  readonly staffConsole: StaffConsole;

  constructor(scope: Construct, id: string, props: RecallGuardStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;
    this.warnOfSampleAddresses();
    const tables = new Tables(this, 'Tables');
    const { topicKey, linkKey } = this.keys();
    const mail = new Mail(this, 'Mail', { senderEmail: config.senderEmail, senderIdentity: config.senderIdentity, key: topicKey });
    const caseWorkflowArn = CaseWorkflow.arnIn(this);
    const staydownWorkflowArn = StaydownWorkflow.arnIn(this);
    const answers = new Answers(this, 'Answers', {
      tables,
      linkKey,
      resumes: [caseWorkflowArn, staydownWorkflowArn],
      throttle: config.apiThrottle,
      trustedLinkHosts: config.trustedLinkHosts,
      ...(config.consoleDomain ? { consoleHost: config.consoleDomain.domainName } : {}),
    });
    const consoleUrl = this.consoleUrlOn(answers.api);
    const staff = new Staff(this, 'Staff', { tables, mail, caseWorkflowArn, consoleUrl, config });
    const caseMail = new CaseMail(this, 'CaseMail', { tables, mail, linkKey, respondBaseUrl: answers.api.baseUrl, consoleUrl, staydownWorkflowArn, config });
    const caseWorkflow = new CaseWorkflow(this, 'CaseWorkflow', { steps: caseMail, tables, staydownWorkflowArn });
    const staydownWorkflow = new StaydownWorkflow(this, 'StaydownWorkflow', {
      steps: { staydown: caseMail.staydown, awaitCallback: caseWorkflow.awaitCallback, workflowFailed: caseMail.workflowFailed },
    });
    const recallWorkflow = new RecallWorkflow(this, 'RecallWorkflow', {
      tables,
      sesMaxSendRate: config.sesMaxSendRate,
      caseWorkflow: caseWorkflow.stateMachine,
      workflowFailed: caseMail.workflowFailed,
    });
    const staffConsole = new StaffConsole(this, 'StaffConsole', {
      tables,
      api: answers.api,
      url: consoleUrl,
      actions: { ...pick(staff, 'staffDecision', 'reportRelisting', 'marketplaceAdmin'), reissueLink: caseMail.reissueLink },
      stateMachineArns: [caseWorkflowArn, staydownWorkflowArn],
      config,
    });
    const ingest = new Ingest(this, 'Ingest', { tables, recallWorkflow: recallWorkflow.stateMachine, config });
    new Schedules(this, 'Schedules', {
      ...pick(ingest, 'pullRecalls', 'startWorkflows'),
      ...pick(staff, 'overdueCheck', 'staffReports'),
      expressions: config.schedules,
    });

    this.tables = tables;
    this.caseWorkflow = caseWorkflow;
    this.recallWorkflow = recallWorkflow;
    this.staydownWorkflow = staydownWorkflow;
    this.responseApi = answers.api;
    this.agencyRoutes = agencyRoutes(answers.api, staff, caseMail);
    this.staffConsole = staffConsole;
    this.functions = functionsByRole({ ingest, recallWorkflow, caseWorkflow, caseMail, answers, staff, staffConsole });
    for (const [role, fn] of Object.entries(this.functions)) Tags.of(fn).add(FUNCTION_ROLE_TAG, role);
    this.outputs(staff, caseMail, mail);
    this.operations = this.alarms(caseMail, topicKey);
  }

  /** `cdk synth` and `cdk deploy` warn when the addresses are the samples cdk.json ships: mail to them reaches no one. */
  private warnOfSampleAddresses(): void {
    const samples = sampleAddresses(this.config);
    if (!samples.length) return;
    Annotations.of(this).addWarningV2(
      'recallguard:sample-addresses',
      `${samples.map((s) => `${s.key} (${s.address})`).join(', ')}: sample addresses in a reserved example domain, which reach no one. Set them to the agency's own in cdk.json or with -c recallguard='{...}' before deploying.`,
    );
  }

  /** The alarms on every function, state machine and the overdue count, to the operations addresses. */
  private alarms(caseMail: CaseMail, key: Key): Operations {
    return new Operations(this, 'Operations', {
      opsEmails: this.config.opsEmails ?? this.config.staffEmails,
      functions: this.functions,
      stateMachines: {
        CaseWorkflow: this.caseWorkflow.stateMachine,
        RecallWorkflow: this.recallWorkflow.stateMachine,
        StaydownWorkflow: this.staydownWorkflow.stateMachine,
      },
      mailEventsLogs: caseMail.mailEvents.logGroup,
      overdueMetricName: OVERDUE_METRIC,
      overdueWorkingDays: this.config.overdueAlarmWorkingDays,
      key,
    });
  }

  /** The customer-managed key of the SNS topics (SES and CloudWatch publish to them), and the link-signing secret. */
  private keys(): { topicKey: Key; linkKey: Secret } {
    const topicKey = new Key(this, 'TopicKey', { description: 'recallguard: SNS topics (SES events, operations alarms)', enableKeyRotation: true });
    for (const service of ['ses.amazonaws.com', 'cloudwatch.amazonaws.com']) {
      topicKey.addToResourcePolicy(
        new PolicyStatement({
          principals: [new ServicePrincipal(service)],
          actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
        }),
      );
    }
    const linkKey = new Secret(this, 'LinkSigningKey', {
      description: 'HMAC keys for response links: {"current": key, "previous"?: key during a rotation}',
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'current', passwordLength: 64, excludePunctuation: true },
    });
    NagSuppressions.addResourceSuppressions(linkKey, [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'Rotated by staff, not on a timer: links must verify for their whole validity, so a rotation moves "current" to "previous" (both verify) and retires "previous" only after linkValidityDays (README, Key rotation).',
      },
    ]);
    return { topicKey, linkKey };
  }

  /** What staff tools need from a deployment (npx cdk deploy --outputs-file F; the CLI's --aws F). */
  private outputs(staff: Staff, caseMail: CaseMail, mail: Mail): void {
    const outputs: StackOutputs = {
      CasesTable: this.tables.cases.tableName,
      AuditTable: this.tables.audit.tableName,
      RecallsTable: this.tables.recalls.tableName,
      MarketplacesTable: this.tables.marketplaces.tableName,
      ApiKeysTable: this.tables.apiKeys.tableName,
      QuarantineTable: this.tables.quarantine.tableName,
      BookkeepingTable: this.tables.bookkeeping.tableName,
      SessionsTable: this.tables.sessions.tableName,
      CaseStateMachine: this.caseWorkflow.stateMachine.stateMachineArn,
      RecallStateMachine: this.recallWorkflow.stateMachine.stateMachineArn,
      StaffDecisionFunction: staff.staffDecision.functionName,
      StaffReportsFunction: staff.staffReports.functionName,
      ReissueLinkFunction: caseMail.reissueLink.functionName,
      ReportRelistingFunction: staff.reportRelisting.functionName,
      ...this.agencyRoutes,
      StaydownStateMachine: this.staydownWorkflow.stateMachine.stateMachineArn,
      ResponseApiUrl: this.responseApi.baseUrl,
      // What an IAM caller's identity proof names (the CLI signs it into each request): this stack.
      CallerAudience: this.stackId,
      ConsoleUrl: this.staffConsole.url,
      StaffUserPool: this.staffConsole.userPool?.userPoolId ?? 'none: the agency identity provider of cdk.json',
      SenderIdentity: mail.identityName,
      DefaultPolicy: JSON.stringify(this.config.defaultPolicy),
      ClosureDays: JSON.stringify(this.config.closureDays),
    };
    for (const [id, value] of Object.entries(outputs)) new CfnOutput(this, id, { value });
  }
  /** The console on the stage, or on a domain of its own, where its cookie goes with no marketplace's request. */
  private consoleUrlOn(api: ResponseApi): string {
    const on = this.config.consoleDomain && api.consoleOn(this.config.consoleDomain);
    if (!on) return consoleUrlOf(api.baseUrl);
    new CfnOutput(this, 'ConsoleDomainTarget', { value: on.target, description: "Point the console domain's DNS (CNAME or alias) here" });
    return on.url;
  }
}

/** The agency's own routes (its tools, the CLI with --aws), behind IAM authorization: the ARNs callers need leave to invoke. */
function agencyRoutes(api: ResponseApi, staff: Staff, caseMail: CaseMail): RecallGuardStack['agencyRoutes'] {
  return {
    RelistingRouteArn: api.addAgencyRoute('cases/{caseId}/relisting', staff.reportRelisting),
    DecisionRouteArn: api.addAgencyRoute('cases/{caseId}/decision', staff.staffDecision),
    LinkRouteArn: api.addAgencyRoute('cases/{caseId}/link', caseMail.reissueLink),
    MarketplacesRouteArn: [
      api.addAgencyRoute('marketplaces', staff.marketplaceAdmin),
      api.addAgencyRoute('marketplaces/{marketplaceId}/keys', staff.marketplaceAdmin),
      api.addAgencyRoute('keys/{keyId}/revoke', staff.marketplaceAdmin),
      api.addAgencyRoute('staff/sessions/end', staff.marketplaceAdmin),
    ].join(','),
  };
}
