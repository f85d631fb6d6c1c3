import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { marketplaceAdminEnv } from '#functions/marketplace-admin/env.ts';
import { overdueCheckEnv } from '#functions/overdue-check/env.ts';
import { reportRelistingEnv } from '#functions/report-relisting/env.ts';
import { staffDecisionEnv } from '#functions/staff-decision/env.ts';
import { staffReportsEnv } from '#functions/staff-reports/env.ts';
import type { AppConfig } from '../config.ts';
import { appendAudit, readTable, sendFrom, startExecutionsOf, storeMarketplaces, storeApiKeys, taskResponses, updateCases } from './bindings.ts';
import { EXECUTION_URL_TEMPLATE, executionListUrl } from './console-links.ts';
import { HandlerFunction } from './handler-function.ts';
import type { Mail } from './mail.ts';
import type { Tables } from './tables.ts';

export interface StaffProps {
  tables: Tables;
  mail: Mail;
  /** The case workflow whose decisions staff send, and whose executions the digest links to. */
  caseWorkflowArn: string;
  config: AppConfig;
}

/**
 * What serves compliance staff: their decisions on disputes and extensions (a callback into the
 * case's workflow), relistings they (or the agency's monitoring tools) report, the morning digest and the monthly scorecard, and the daily count of cases
 * overdue too long that an alarm watches.
 */
export class Staff extends Construct {
  readonly staffDecision: HandlerFunction<typeof staffDecisionEnv>;
  readonly staffReports: HandlerFunction<typeof staffReportsEnv>;
  readonly overdueCheck: HandlerFunction<typeof overdueCheckEnv>;
  /** A listing seen live after the block (the CLI, and the IAM-authorized API route): the case reopens as RELISTED. */
  readonly reportRelisting: HandlerFunction<typeof reportRelistingEnv>;
  /** Marketplaces stored, API keys issued and revoked (the CLI, through the IAM-authorized API routes), each audited. */
  readonly marketplaceAdmin: HandlerFunction<typeof marketplaceAdminEnv>;

  constructor(scope: Construct, id: string, props: StaffProps) {
    super(scope, id);
    const { tables, config } = props;
    this.staffDecision = new HandlerFunction(this, 'Decision', {
      name: 'staff-decision',
      environmentSchema: staffDecisionEnv,
      environment: { CASES_TABLE: updateCases(tables.cases), AUDIT_TABLE: appendAudit(tables.audit) },
      grants: [taskResponses(props.caseWorkflowArn)],
    });
    this.reportRelisting = new HandlerFunction(this, 'ReportRelisting', {
      name: 'report-relisting',
      environmentSchema: reportRelistingEnv,
      environment: {
        CASES_TABLE: updateCases(tables.cases),
        AUDIT_TABLE: appendAudit(tables.audit),
        CASE_STATE_MACHINE_ARN: startExecutionsOf(props.caseWorkflowArn),
      },
    });
    this.marketplaceAdmin = new HandlerFunction(this, 'MarketplaceAdmin', {
      name: 'marketplace-admin',
      environmentSchema: marketplaceAdminEnv,
      environment: {
        MARKETPLACES_TABLE: storeMarketplaces(tables.marketplaces),
        API_KEYS_TABLE: storeApiKeys(tables.apiKeys),
        AUDIT_TABLE: appendAudit(tables.audit),
        DEFAULT_POLICY: JSON.stringify(config.defaultPolicy),
      },
    });
    this.staffReports = new HandlerFunction(this, 'Reports', {
      name: 'staff-reports',
      environmentSchema: staffReportsEnv,
      environment: {
        CASES_TABLE: readTable(tables.cases),
        RECALLS_TABLE: readTable(tables.recalls),
        MARKETPLACES_TABLE: readTable(tables.marketplaces),
        AGENCY_NAME: config.agencyName,
        SENDER_EMAIL: sendFrom(config.senderEmail, props.mail.identity),
        SES_CONFIGURATION_SET: props.mail.configurationSet.configurationSetName,
        STAFF_EMAILS: config.staffEmails.join(','),
        CASE_URL_TEMPLATE: EXECUTION_URL_TEMPLATE,
        CASE_LIST_URL_TEMPLATE: executionListUrl(props.caseWorkflowArn),
        CLOSURE_DAYS: config.closureDays.join(','),
        DIGEST_WHEN_EMPTY: String(config.digestWhenEmpty),
      },
      timeout: Duration.minutes(5),
      memorySize: 1024,
      asynchronous: true,
    });
    this.overdueCheck = new HandlerFunction(this, 'OverdueCheck', {
      name: 'overdue-check',
      environmentSchema: overdueCheckEnv,
      environment: {
        CASES_TABLE: readTable(tables.cases),
        OVERDUE_ALARM_WORKING_DAYS: String(config.overdueAlarmWorkingDays),
        CLOSURE_DAYS: config.closureDays.join(','),
      },
      timeout: Duration.minutes(2),
      asynchronous: true,
    });
  }
}
