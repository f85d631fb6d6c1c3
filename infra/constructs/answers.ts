import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { answerApiEnv } from '#functions/answer-api/env.ts';
import { respondEnv } from '#functions/respond/env.ts';
import { readSecret, readTable, readWriteTable, taskResponses, writeTable } from './bindings.ts';
import { HandlerFunction } from './handler-function.ts';
import { ResponseApi } from './response-api.ts';
import type { Tables } from './tables.ts';

export interface AnswersProps {
  tables: Tables;
  linkKey: ISecret;
  /** The case workflow the answers resume. */
  caseWorkflowArn: string;
  throttle: { rateLimit: number; burstLimit: number };
}

/**
 * Where marketplaces answer, from outside the agency: the response pages behind the signed link,
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
    const resumesCases = [taskResponses(props.caseWorkflowArn)];
    this.respond = new HandlerFunction(this, 'Respond', {
      name: 'respond',
      environmentSchema: respondEnv,
      environment: {
        RECALLS_TABLE: readTable(tables.recalls),
        MARKETPLACES_TABLE: readTable(tables.marketplaces),
        CASES_TABLE: readWriteTable(tables.cases),
        AUDIT_TABLE: writeTable(tables.audit),
        LINK_KEY_SECRET_ARN: readSecret(props.linkKey),
      },
      grants: resumesCases,
    });
    this.answerApi = new HandlerFunction(this, 'AnswerApi', {
      name: 'answer-api',
      environmentSchema: answerApiEnv,
      environment: {
        RECALLS_TABLE: readTable(tables.recalls),
        CASES_TABLE: readWriteTable(tables.cases),
        AUDIT_TABLE: writeTable(tables.audit),
        API_KEYS_TABLE: readTable(tables.apiKeys),
      },
      grants: resumesCases,
    });
    this.api = new ResponseApi(this, 'ResponseApi', { handler: this.respond, answerApi: this.answerApi, ...props.throttle });
  }
}
