import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { actOnAnswerEnv } from '#functions/act-on-answer/env.ts';
import { applyDecisionEnv } from '#functions/apply-decision/env.ts';
import { followUpEnv } from '#functions/follow-up/env.ts';
import { mailEventsEnv } from '#functions/mail-events/env.ts';
import { notifyEnv } from '#functions/notify/env.ts';
import { reissueLinkEnv } from '#functions/reissue-link/env.ts';
import { staydownEnv } from '#functions/staydown/env.ts';
import { workflowFailedEnv } from '#functions/workflow-failed/env.ts';
import type { AppConfig } from '../config.ts';
import { agencyCallers } from './agency-callers.ts';
import { appendAudit, openCases, readSecret, readTable, readWriteTable, sendFrom, startExecutionsOf, updateCases } from './bindings.ts';
import { caseUrlTemplate } from '#shared/console-links.ts';
import { HandlerFunction } from './handler-function.ts';
import type { Mail } from './mail.ts';
import type { Tables } from './tables.ts';

export interface CaseMailProps {
  tables: Tables;
  mail: Mail;
  linkKey: ISecret;
  /** The base URL of response links. */
  respondBaseUrl: string;
  /** The staff console, which the staff emails' links open. */
  consoleUrl: string;
  /** The workflow that runs a blocked case's stay-down checks (CloseCase starts it). */
  staydownWorkflowArn: string;
  config: AppConfig;
}

/**
 * The functions that act on a case and email about it: the notice, the ladder's follow-ups, what
 * an answer or a staff decision leads to, bounces, and failures. They share one environment: the
 * recall and marketplace (read), the case (changed, never deleted) and its audit log (appended
 * to), the sender; those that email the marketplace also sign its link.
 */
export class CaseMail extends Construct {
  readonly notify: HandlerFunction<typeof notifyEnv>;
  readonly followUp: HandlerFunction<typeof followUpEnv>;
  readonly actOnAnswer: HandlerFunction<typeof actOnAnswerEnv>;
  readonly applyDecision: HandlerFunction<typeof applyDecisionEnv>;
  readonly mailEvents: HandlerFunction<typeof mailEventsEnv>;
  readonly workflowFailed: HandlerFunction<typeof workflowFailedEnv>;
  /** Staff's re-issue of a case's response link, emailed to the marketplace. */
  readonly reissueLink: HandlerFunction<typeof reissueLinkEnv>;
  /** The stay-down workflow's steps: the next check, its request, its reminder and escalation. */
  readonly staydown: HandlerFunction<typeof staydownEnv>;

  constructor(scope: Construct, id: string, props: CaseMailProps) {
    super(scope, id);
    const { tables, config } = props;
    // Functions that email staff only: no link to sign, so no link key.
    const staffMail = {
      RECALLS_TABLE: readTable(tables.recalls),
      MARKETPLACES_TABLE: readTable(tables.marketplaces),
      CASES_TABLE: updateCases(tables.cases),
      AUDIT_TABLE: appendAudit(tables.audit),
      AGENCY_NAME: config.agencyName,
      SENDER_EMAIL: sendFrom(config.senderEmail, props.mail),
      SES_CONFIGURATION_SET: props.mail.configurationSet.configurationSetName,
      STAFF_EMAILS: config.staffEmails.join(','),
      CASE_URL_TEMPLATE: caseUrlTemplate(props.consoleUrl),
      CLOSURE_DAYS: config.closureDays.join(','),
      TRUSTED_LINK_HOSTS: config.trustedLinkHosts.join(','),
    };
    // Functions that email the marketplace: each email carries the case's signed link.
    const environment = {
      ...staffMail,
      RESPOND_BASE_URL: props.respondBaseUrl,
      LINK_KEY_SECRET_ARN: readSecret(props.linkKey),
      LINK_VALIDITY_DAYS: String(config.linkValidityDays),
    };
    const reissueEnvironment = { ...environment, ...agencyCallers(this, tables.sessions) };
    const sendSlots = { BOOKKEEPING_TABLE: readWriteTable(tables.bookkeeping), SES_MAX_SEND_RATE: String(config.sesMaxSendRate) };
    this.notify = new HandlerFunction(this, 'Notify', {
      name: 'notify',
      environmentSchema: notifyEnv,
      environment: { ...environment, CASES_TABLE: openCases(tables.cases) },
    });
    this.followUp = new HandlerFunction(this, 'FollowUp', {
      name: 'follow-up',
      environmentSchema: followUpEnv,
      // The ladder's emails take send slots from the counter in the Bookkeeping table.
      environment: { ...environment, ...sendSlots },
    });
    this.staydown = new HandlerFunction(this, 'Staydown', { name: 'staydown', environmentSchema: staydownEnv, environment: { ...environment, ...sendSlots } });
    this.actOnAnswer = new HandlerFunction(this, 'ActOnAnswer', {
      name: 'act-on-answer',
      environmentSchema: actOnAnswerEnv,
      environment: { ...staffMail, STAYDOWN_STATE_MACHINE_ARN: startExecutionsOf(props.staydownWorkflowArn) },
    });
    this.applyDecision = new HandlerFunction(this, 'ApplyDecision', { name: 'apply-decision', environmentSchema: applyDecisionEnv, environment });
    this.mailEvents = new HandlerFunction(this, 'MailEvents', {
      name: 'mail-events',
      environmentSchema: mailEventsEnv,
      environment: staffMail,
      asynchronous: true,
    });
    props.mail.deliverEventsTo(this.mailEvents);
    this.reissueLink = new HandlerFunction(this, 'ReissueLink', { name: 'reissue-link', environmentSchema: reissueLinkEnv, environment: reissueEnvironment });
    this.workflowFailed = new HandlerFunction(this, 'WorkflowFailed', {
      name: 'workflow-failed',
      environmentSchema: workflowFailedEnv,
      environment: staffMail,
    });
  }
}
