import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { answerApiEnv } from '#functions/answer-api/env.ts';
import { respondEnv } from '#functions/respond/env.ts';
import { answerCases, appendAudit, countRefusals, readSecret, readTable, taskResponses, updateCases } from './bindings.ts';
import { HandlerFunction } from './handler-function.ts';
import { ResponseApi, type ApiLimits } from './response-api.ts';
import type { Tables } from './tables.ts';

export interface AnswersProps {
  tables: Tables;
  /** The staff console's own domain, if it has one: no response page is served there. */
  consoleHost?: string;
  linkKey: ISecret;
  /** The workflows the answers resume: the case's, and the stay-down checks'. */
  resumes: string[];
  throttle: ApiLimits;
  /** Hosts whose recall pages and images the response page shows as links and images. */
  trustedLinkHosts: string[];
}

/**
 * Where marketplaces answer, from outside the agency (so with the least they need: cases read
 * and changed, never deleted; the audit log appended to; refusals counted): the response pages behind the signed link,
 * and the JSON API with per-marketplace keys, both behind one throttled HTTP API. Each records
 * the answer on the case, audits it, and resumes the case's workflow.
 */
export class Answers extends Construct {
  readonly respond: HandlerFunction<typeof respondEnv>;
  readonly answerApi: HandlerFunction<typeof answerApiEnv>;
  readonly api: ResponseApi;

  constructor(scope: Construct, id: string, props: AnswersProps) {
    super(scope, id);
    const { tables } = props;
    const resumesCases = [taskResponses(...props.resumes)];
    this.respond = new HandlerFunction(this, 'Respond', {
      name: 'respond',
      environmentSchema: respondEnv,
      environment: {
        RECALLS_TABLE: readTable(tables.recalls),
        MARKETPLACES_TABLE: readTable(tables.marketplaces),
        CASES_TABLE: updateCases(tables.cases),
        AUDIT_TABLE: appendAudit(tables.audit),
        REFUSALS_TABLE: countRefusals(tables.bookkeeping),
        LINK_KEY_SECRET_ARN: readSecret(props.linkKey),
        TRUSTED_LINK_HOSTS: props.trustedLinkHosts.join(','),
        ...(props.consoleHost ? { CONSOLE_HOST: props.consoleHost } : {}),
      },
      grants: resumesCases,
    });
    this.answerApi = new HandlerFunction(this, 'AnswerApi', {
      name: 'answer-api',
      environmentSchema: answerApiEnv,
      environment: {
        RECALLS_TABLE: readTable(tables.recalls),
        CASES_TABLE: answerCases(tables.cases),
        AUDIT_TABLE: appendAudit(tables.audit),
        REFUSALS_TABLE: countRefusals(tables.bookkeeping),
        API_KEYS_TABLE: readTable(tables.apiKeys),
      },
      grants: resumesCases,
    });
    this.api = new ResponseApi(this, 'ResponseApi', {
      handler: this.respond,
      answerApi: this.answerApi,
      limits: props.throttle,
    });
  }
}
