import { Duration } from 'aws-cdk-lib';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { marketplaceAdminEnv } from '#functions/marketplace-admin/env.ts';
import { overdueCheckEnv } from '#functions/overdue-check/env.ts';
import { reportRelistingEnv } from '#functions/report-relisting/env.ts';
import { staffDecisionEnv } from '#functions/staff-decision/env.ts';
import { staffReportsEnv } from '#functions/staff-reports/env.ts';
import type { AppConfig } from '../config.ts';
import { appendAudit, readHistories, readTable, sendFrom, startExecutionsOf, storeMarketplaces, storeApiKeys, taskResponses, updateCases } from './bindings.ts';
import { caseListUrlTemplate, caseUrlTemplate } from '#shared/console-links.ts';
import { agencyCallers } from './agency-callers.ts';
import { HandlerFunction } from './handler-function.ts';
import type { Mail } from './mail.ts';
import type { Tables } from './tables.ts';

export interface StaffProps {
  tables: Tables;
  mail: Mail;
  /** The case workflow whose decisions staff send. */
  caseWorkflowArn: string;
  /** The staff console, which the digest's links open. */
  consoleUrl: string;
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
      environment: { CASES_TABLE: updateCases(tables.cases), AUDIT_TABLE: appendAudit(tables.audit), ...agencyCallers(this, tables.sessions) },
      // A repeated decision that finds the token spent reads the history: did the first one reach the workflow?
      grants: [taskResponses(props.caseWorkflowArn), readHistories([props.caseWorkflowArn])],
    });
    NagSuppressions.addResourceSuppressions(
      this.staffDecision.role!,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: "A case's executions are named by the case: the history of any execution of the case workflow, read only.",
          appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:RecallGuard-case:\\*$/g' }],
        },
      ],
      true,
    );
    this.reportRelisting = new HandlerFunction(this, 'ReportRelisting', {
      name: 'report-relisting',
      environmentSchema: reportRelistingEnv,
      environment: {
        CASES_TABLE: updateCases(tables.cases),
        AUDIT_TABLE: appendAudit(tables.audit),
        ...agencyCallers(this, tables.sessions),
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
        ...agencyCallers(this, tables.sessions),
        DEFAULT_POLICY: JSON.stringify(config.defaultPolicy),
      },
      // An administrator ends a person's console sessions: the live ones found, each deleted.
      grants: [(g) => tables.sessions.grant(g, 'dynamodb:Scan', 'dynamodb:DeleteItem')],
    });
    this.staffReports = this.reports(props);
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

  /** The morning digest and the monthly scorecard, emailed to staff with links into the console. */
  private reports({ tables, config, mail, consoleUrl }: StaffProps): HandlerFunction<typeof staffReportsEnv> {
    return new HandlerFunction(this, 'Reports', {
      name: 'staff-reports',
      environmentSchema: staffReportsEnv,
      environment: {
        CASES_TABLE: readTable(tables.cases),
        RECALLS_TABLE: readTable(tables.recalls),
        MARKETPLACES_TABLE: readTable(tables.marketplaces),
        AGENCY_NAME: config.agencyName,
        SENDER_EMAIL: sendFrom(config.senderEmail, mail),
        SES_CONFIGURATION_SET: mail.configurationSet.configurationSetName,
        STAFF_EMAILS: config.staffEmails.join(','),
        CASE_URL_TEMPLATE: caseUrlTemplate(consoleUrl),
        CASE_LIST_URL_TEMPLATE: caseListUrlTemplate(consoleUrl),
        CLOSURE_DAYS: config.closureDays.join(','),
        DIGEST_WHEN_EMPTY: String(config.digestWhenEmpty),
      },
      timeout: Duration.minutes(5),
      memorySize: 1024,
      asynchronous: true,
    });
  }
}
