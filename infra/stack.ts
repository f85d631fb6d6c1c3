import { Stack, type StackProps } from 'aws-cdk-lib';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { awaitAnswerEnv } from '#functions/await-answer/env.ts';
import { escalateEnv } from '#functions/escalate/env.ts';
import { ingestEnv } from '#functions/ingest/env.ts';
import { notifyEnv } from '#functions/notify/env.ts';
import { recordAnswerEnv } from '#functions/record-answer/env.ts';
import { respondEnv } from '#functions/respond/env.ts';
import type { AppConfig } from './config.ts';
import { CaseWorkflow } from './constructs/case-workflow.ts';
import { HandlerFunction } from './constructs/handler-function.ts';
import { Mail } from './constructs/mail.ts';
import { ResponseApi } from './constructs/response-api.ts';
import { Tables } from './constructs/tables.ts';

export interface RecallGuardStackProps extends StackProps {
  config: AppConfig;
}

/** The functions by role, so tools (the local cloud, tests) find them without guessing ids. */
export type FunctionRole = 'ingest' | 'notify' | 'awaitAnswer' | 'recordAnswer' | 'escalate' | 'respond';

export class RecallGuardStack extends Stack {
  readonly functions: Record<FunctionRole, NodejsFunction>;
  readonly tables: Tables;
  readonly workflow: CaseWorkflow;
  readonly responseApi: ResponseApi;

  constructor(scope: Construct, id: string, props: RecallGuardStackProps) {
    super(scope, id, props);
    const { config } = props;
    const tables = new Tables(this, 'Tables');
    const mail = new Mail(this, 'Mail', { senderEmail: config.senderEmail });
    const linkKey = new Secret(this, 'LinkSigningKey', {
      description: 'HMAC keys for response links: {"current": key, "previous"?: key during a rotation}',
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'current', passwordLength: 64, excludePunctuation: true },
    });
    const tableEnv = {
      RECALLS_TABLE: tables.recalls.tableName,
      MARKETPLACES_TABLE: tables.marketplaces.tableName,
      CASES_TABLE: tables.cases.tableName,
      AUDIT_TABLE: tables.audit.tableName,
    };

    const respond = new HandlerFunction(this, 'Respond', {
      name: 'respond',
      environmentSchema: respondEnv,
      environment: { ...tableEnv, LINK_KEY_SECRET_ARN: linkKey.secretArn },
    });
    const api = new ResponseApi(this, 'ResponseApi', { handler: respond, ...config.apiThrottle });

    const mailEnv = {
      SENDER_EMAIL: config.senderEmail,
      SES_CONFIGURATION_SET: mail.configurationSet.configurationSetName,
      RESPOND_BASE_URL: api.baseUrl,
      LINK_KEY_SECRET_ARN: linkKey.secretArn,
      LINK_VALIDITY_DAYS: String(config.linkValidityDays),
    };
    const notify = new HandlerFunction(this, 'Notify', { name: 'notify', environmentSchema: notifyEnv, environment: { ...tableEnv, ...mailEnv } });
    const escalate = new HandlerFunction(this, 'Escalate', {
      name: 'escalate',
      environmentSchema: escalateEnv,
      environment: { ...tableEnv, ...mailEnv, STAFF_EMAILS: config.staffEmails.join(',') },
    });
    const awaitAnswer = new HandlerFunction(this, 'AwaitAnswer', {
      name: 'await-answer',
      environmentSchema: awaitAnswerEnv,
      environment: { CASES_TABLE: tables.cases.tableName, AUDIT_TABLE: tables.audit.tableName },
    });
    const recordAnswer = new HandlerFunction(this, 'RecordAnswer', {
      name: 'record-answer',
      environmentSchema: recordAnswerEnv,
      environment: { CASES_TABLE: tables.cases.tableName, AUDIT_TABLE: tables.audit.tableName },
    });
    const workflow = new CaseWorkflow(this, 'CaseWorkflow', { notify, awaitAnswer, recordAnswer, escalate });
    const ingest = new HandlerFunction(this, 'Ingest', {
      name: 'ingest',
      environmentSchema: ingestEnv,
      environment: {
        RECALLS_TABLE: tables.recalls.tableName,
        MARKETPLACES_TABLE: tables.marketplaces.tableName,
        CASE_STATE_MACHINE_ARN: workflow.stateMachine.stateMachineArn,
      },
    });

    // Each function gets what it uses and nothing more.
    tables.recalls.grantReadWriteData(ingest);
    tables.marketplaces.grantReadData(ingest);
    workflow.stateMachine.grantStartExecution(ingest);
    for (const fn of [notify, escalate]) {
      tables.recalls.grantReadData(fn);
      tables.marketplaces.grantReadData(fn);
      tables.cases.grantReadWriteData(fn);
      tables.audit.grantWriteData(fn);
      linkKey.grantRead(fn);
      mail.identity.grantSendEmail(fn);
    }
    for (const fn of [awaitAnswer, recordAnswer]) {
      tables.cases.grantReadWriteData(fn);
      tables.audit.grantWriteData(fn);
    }
    workflow.grantTaskResponse(awaitAnswer);
    tables.recalls.grantReadData(respond);
    tables.marketplaces.grantReadData(respond);
    tables.cases.grantReadWriteData(respond);
    tables.audit.grantWriteData(respond);
    linkKey.grantRead(respond);
    workflow.grantTaskResponse(respond);

    this.tables = tables;
    this.workflow = workflow;
    this.responseApi = api;
    this.functions = { ingest, notify, awaitAnswer, recordAnswer, escalate, respond };
  }
}
