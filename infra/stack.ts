import { fileURLToPath } from 'node:url';
import { Aws, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { answerApiEnv } from '#functions/answer-api/env.ts';
import { applyDecisionEnv } from '#functions/apply-decision/env.ts';
import { awaitAnswerEnv } from '#functions/await-answer/env.ts';
import { followUpEnv } from '#functions/follow-up/env.ts';
import { ingestEnv } from '#functions/ingest/env.ts';
import { mailEventsEnv } from '#functions/mail-events/env.ts';
import { workflowFailedEnv } from '#functions/workflow-failed/env.ts';
import { overdueCheckEnv } from '#functions/overdue-check/env.ts';
import { OVERDUE_METRIC } from '#functions/overdue-check/overdue-check.ts';
import { pullRecallsEnv } from '#functions/pull-recalls/env.ts';
import { startWorkflowsEnv } from '#functions/start-workflows/env.ts';
import { notifyEnv } from '#functions/notify/env.ts';
import { planCasesEnv } from '#functions/plan-cases/env.ts';
import { recordAnswerEnv } from '#functions/record-answer/env.ts';
import { respondEnv } from '#functions/respond/env.ts';
import { staffDecisionEnv } from '#functions/staff-decision/env.ts';
import { staffReportsEnv } from '#functions/staff-reports/env.ts';
import type { AppConfig } from './config.ts';
import { CaseWorkflow } from './constructs/case-workflow.ts';
import { HandlerFunction } from './constructs/handler-function.ts';
import { Mail } from './constructs/mail.ts';
import { loadMarketplacesFile, MarketplaceSeed } from './constructs/marketplace-seed.ts';
import { RecallWorkflow } from './constructs/recall-workflow.ts';
import { ResponseApi } from './constructs/response-api.ts';
import { Schedules } from './constructs/schedules.ts';
import { Operations } from './constructs/operations.ts';
import { Tables } from './constructs/tables.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));

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
  | 'awaitAnswer'
  | 'followUp'
  | 'recordAnswer'
  | 'applyDecision'
  | 'staffDecision'
  | 'respond'
  | 'answerApi'
  | 'mailEvents'
  | 'workflowFailed'
  | 'overdueCheck'
  | 'staffReports';

export class RecallGuardStack extends Stack {
  readonly functions: Record<FunctionRole, NodejsFunction>;
  readonly tables: Tables;
  readonly caseWorkflow: CaseWorkflow;
  readonly recallWorkflow: RecallWorkflow;
  readonly responseApi: ResponseApi;
  readonly config: AppConfig;
  readonly operations: Operations;

  constructor(scope: Construct, id: string, props: RecallGuardStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;
    const tables = new Tables(this, 'Tables');
    // One customer-managed key for the SNS topics: SES and CloudWatch alarms publish to them.
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
    const mail = new Mail(this, 'Mail', { senderEmail: config.senderEmail, key: topicKey });
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
    const tableEnv = {
      RECALLS_TABLE: tables.recalls.tableName,
      MARKETPLACES_TABLE: tables.marketplaces.tableName,
      CASES_TABLE: tables.cases.tableName,
      AUDIT_TABLE: tables.audit.tableName,
    };
    if (config.marketplacesFile) {
      new MarketplaceSeed(this, 'Marketplaces', {
        table: tables.marketplaces,
        marketplaces: loadMarketplacesFile(config.marketplacesFile, PROJECT_ROOT, config.defaultPolicy),
      });
    }
    const caseTables = { CASES_TABLE: tables.cases.tableName, AUDIT_TABLE: tables.audit.tableName };

    const respond = new HandlerFunction(this, 'Respond', {
      name: 'respond',
      environmentSchema: respondEnv,
      environment: { ...tableEnv, LINK_KEY_SECRET_ARN: linkKey.secretArn },
    });
    const answerApi = new HandlerFunction(this, 'AnswerApi', {
      name: 'answer-api',
      environmentSchema: answerApiEnv,
      environment: {
        RECALLS_TABLE: tables.recalls.tableName,
        CASES_TABLE: tables.cases.tableName,
        AUDIT_TABLE: tables.audit.tableName,
        API_KEYS_TABLE: tables.apiKeys.tableName,
      },
    });
    const api = new ResponseApi(this, 'ResponseApi', { handler: respond, answerApi, ...config.apiThrottle });

    const caseMailEnv = {
      ...tableEnv,
      AGENCY_NAME: config.agencyName,
      SENDER_EMAIL: config.senderEmail,
      SES_CONFIGURATION_SET: mail.configurationSet.configurationSetName,
      STAFF_EMAILS: config.staffEmails.join(','),
      RESPOND_BASE_URL: api.baseUrl,
      LINK_KEY_SECRET_ARN: linkKey.secretArn,
      LINK_VALIDITY_DAYS: String(config.linkValidityDays),
      CASE_URL_TEMPLATE: `https://${Aws.REGION}.console.aws.amazon.com/states/home?region=${Aws.REGION}#/v2/executions/details/{executionArn}`,
      CLOSURE_DAYS: config.closureDays.join(','),
    };
    const notify = new HandlerFunction(this, 'Notify', { name: 'notify', environmentSchema: notifyEnv, environment: caseMailEnv });
    const sendSlots = { SEND_SLOTS_TABLE: tables.ingestState.tableName, SES_MAX_SEND_RATE: String(config.sesMaxSendRate) };
    const followUp = new HandlerFunction(this, 'FollowUp', {
      name: 'follow-up',
      environmentSchema: followUpEnv,
      environment: { ...caseMailEnv, ...sendSlots },
    });
    const recordAnswer = new HandlerFunction(this, 'RecordAnswer', { name: 'record-answer', environmentSchema: recordAnswerEnv, environment: caseMailEnv });
    const applyDecision = new HandlerFunction(this, 'ApplyDecision', { name: 'apply-decision', environmentSchema: applyDecisionEnv, environment: caseMailEnv });
    const mailEvents = new HandlerFunction(this, 'MailEvents', {
      name: 'mail-events',
      environmentSchema: mailEventsEnv,
      environment: caseMailEnv,
      asynchronous: true,
    });
    mail.deliverEventsTo(mailEvents);
    const awaitAnswer = new HandlerFunction(this, 'AwaitAnswer', {
      name: 'await-answer',
      environmentSchema: awaitAnswerEnv,
      environment: { CASES_TABLE: tables.cases.tableName },
    });
    const staffDecision = new HandlerFunction(this, 'StaffDecision', { name: 'staff-decision', environmentSchema: staffDecisionEnv, environment: caseTables });
    const workflowFailed = new HandlerFunction(this, 'WorkflowFailed', {
      name: 'workflow-failed',
      environmentSchema: workflowFailedEnv,
      environment: caseMailEnv,
    });
    const caseWorkflow = new CaseWorkflow(this, 'CaseWorkflow', { notify, awaitAnswer, followUp, recordAnswer, applyDecision, workflowFailed });

    const planCases = new HandlerFunction(this, 'PlanCases', {
      name: 'plan-cases',
      environmentSchema: planCasesEnv,
      environment: {
        RECALLS_TABLE: tables.recalls.tableName,
        MARKETPLACES_TABLE: tables.marketplaces.tableName,
        ...sendSlots,
      },
    });
    const recallWorkflow = new RecallWorkflow(this, 'RecallWorkflow', { planCases, caseWorkflow: caseWorkflow.stateMachine, workflowFailed });
    const ingestTables = {
      RECALLS_TABLE: tables.recalls.tableName,
      INGEST_STATE_TABLE: tables.ingestState.tableName,
      QUARANTINE_TABLE: tables.quarantine.tableName,
      AUDIT_TABLE: tables.audit.tableName,
      RECALL_STATE_MACHINE_ARN: recallWorkflow.stateMachine.stateMachineArn,
    };
    const ingest = new HandlerFunction(this, 'Ingest', {
      name: 'ingest',
      environmentSchema: ingestEnv,
      environment: ingestTables,
      timeout: Duration.minutes(10),
      memorySize: 1024,
    });
    const pullRecalls = new HandlerFunction(this, 'PullRecalls', {
      name: 'pull-recalls',
      environmentSchema: pullRecallsEnv,
      environment: {
        ...ingestTables,
        CPSC_API_URL: config.cpscApiUrl,
        PULL_OVERLAP_DAYS: String(config.pullOverlapDays),
        RESCAN_DAYS: String(config.rescanDays),
        CLOSURE_DAYS: config.closureDays.join(','),
      },
      timeout: Duration.minutes(15),
      memorySize: 1024,
      asynchronous: true,
    });
    const startWorkflows = new HandlerFunction(this, 'StartWorkflows', {
      name: 'start-workflows',
      environmentSchema: startWorkflowsEnv,
      environment: {
        RECALLS_TABLE: tables.recalls.tableName,
        INGEST_STATE_TABLE: tables.ingestState.tableName,
        RECALL_STATE_MACHINE_ARN: recallWorkflow.stateMachine.stateMachineArn,
      },
      timeout: Duration.minutes(5),
      asynchronous: true,
    });
    const overdueCheck = new HandlerFunction(this, 'OverdueCheck', {
      name: 'overdue-check',
      environmentSchema: overdueCheckEnv,
      environment: {
        CASES_TABLE: tables.cases.tableName,
        OVERDUE_ALARM_WORKING_DAYS: String(config.overdueAlarmWorkingDays),
        CLOSURE_DAYS: config.closureDays.join(','),
      },
      timeout: Duration.minutes(2),
      asynchronous: true,
    });
    tables.cases.grantReadData(overdueCheck);
    const staffReports = new HandlerFunction(this, 'StaffReports', {
      name: 'staff-reports',
      environmentSchema: staffReportsEnv,
      environment: {
        CASES_TABLE: tables.cases.tableName,
        RECALLS_TABLE: tables.recalls.tableName,
        MARKETPLACES_TABLE: tables.marketplaces.tableName,
        AGENCY_NAME: config.agencyName,
        SENDER_EMAIL: config.senderEmail,
        SES_CONFIGURATION_SET: mail.configurationSet.configurationSetName,
        STAFF_EMAILS: config.staffEmails.join(','),
        CASE_URL_TEMPLATE: caseMailEnv.CASE_URL_TEMPLATE,
        // The console lists the case workflow's executions; it cannot filter by marketplace or status.
        CASE_LIST_URL_TEMPLATE: `https://${Aws.REGION}.console.aws.amazon.com/states/home?region=${Aws.REGION}#/statemachines/view/${caseWorkflow.stateMachine.stateMachineArn}`,
        CLOSURE_DAYS: config.closureDays.join(','),
        DIGEST_WHEN_EMPTY: String(config.digestWhenEmpty),
      },
      timeout: Duration.minutes(5),
      memorySize: 1024,
      asynchronous: true,
    });
    tables.cases.grantReadData(staffReports);
    tables.recalls.grantReadData(staffReports);
    tables.marketplaces.grantReadData(staffReports);
    mail.identity.grantSendEmail(staffReports);
    new Schedules(this, 'Schedules', { pullRecalls, startWorkflows, overdueCheck, staffReports, expressions: config.schedules });

    // Each function gets what it uses and nothing more.
    for (const fn of [ingest, pullRecalls]) {
      tables.recalls.grantReadWriteData(fn);
      tables.ingestState.grantReadWriteData(fn);
      tables.quarantine.grantWriteData(fn);
      tables.audit.grantWriteData(fn);
      recallWorkflow.stateMachine.grantStartExecution(fn);
    }
    tables.recalls.grantReadWriteData(startWorkflows);
    tables.ingestState.grantReadWriteData(startWorkflows);
    recallWorkflow.stateMachine.grantStartExecution(startWorkflows);
    tables.recalls.grantReadData(planCases);
    tables.marketplaces.grantReadData(planCases);
    tables.ingestState.grantReadWriteData(planCases);
    tables.ingestState.grantReadWriteData(followUp);
    for (const fn of [notify, followUp, recordAnswer, applyDecision, mailEvents, workflowFailed]) {
      tables.recalls.grantReadData(fn);
      tables.marketplaces.grantReadData(fn);
      tables.cases.grantReadWriteData(fn);
      tables.audit.grantReadWriteData(fn);
      linkKey.grantRead(fn);
      mail.identity.grantSendEmail(fn);
    }
    for (const fn of [awaitAnswer, staffDecision]) {
      tables.cases.grantReadWriteData(fn);
      caseWorkflow.grantTaskResponse(fn);
    }
    tables.audit.grantWriteData(staffDecision);
    tables.recalls.grantReadData(respond);
    tables.marketplaces.grantReadData(respond);
    tables.cases.grantReadWriteData(respond);
    tables.audit.grantWriteData(respond);
    linkKey.grantRead(respond);
    caseWorkflow.grantTaskResponse(respond);
    tables.recalls.grantReadData(answerApi);
    tables.cases.grantReadWriteData(answerApi);
    tables.audit.grantWriteData(answerApi);
    tables.apiKeys.grantReadData(answerApi);
    caseWorkflow.grantTaskResponse(answerApi);

    this.tables = tables;
    this.caseWorkflow = caseWorkflow;
    this.recallWorkflow = recallWorkflow;
    this.responseApi = api;
    this.functions = {
      ingest,
      pullRecalls,
      startWorkflows,
      planCases,
      notify,
      awaitAnswer,
      followUp,
      recordAnswer,
      applyDecision,
      staffDecision,
      respond,
      answerApi,
      mailEvents,
      workflowFailed,
      overdueCheck,
      staffReports,
    };
    // What staff tools need from a deployment (npx cdk deploy --outputs-file F; the CLI's --aws F).
    const outputs: Record<string, string> = {
      CasesTable: tables.cases.tableName,
      AuditTable: tables.audit.tableName,
      CaseStateMachine: caseWorkflow.stateMachine.stateMachineArn,
      StaffDecisionFunction: staffDecision.functionName,
      StaffReportsFunction: staffReports.functionName,
      ResponseApiUrl: api.baseUrl,
    };
    for (const [id, value] of Object.entries(outputs)) new CfnOutput(this, id, { value });
    this.operations = new Operations(this, 'Operations', {
      opsEmails: config.opsEmails ?? config.staffEmails,
      functions: this.functions,
      stateMachines: { CaseWorkflow: caseWorkflow.stateMachine, RecallWorkflow: recallWorkflow.stateMachine },
      mailEventsLogs: mailEvents.logGroup,
      overdueMetricName: OVERDUE_METRIC,
      overdueWorkingDays: config.overdueAlarmWorkingDays,
      key: topicKey,
    });
  }
}
