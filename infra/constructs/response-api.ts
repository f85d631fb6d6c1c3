import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** The HTTP API marketplaces answer through: the response pages, and the JSON API. Throttled. */
export class ResponseApi extends Construct {
  readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: { handler: IFunction; answerApi: IFunction; rateLimit: number; burstLimit: number }) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', { description: 'recallguard: marketplace answers to recall notices', createDefaultStage: false });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.SIX_MONTHS });
    this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      // Paths and statuses, never query strings or bodies (a link's signature stays out of the logs).
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            error: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    this.api.addRoutes({
      path: '/respond/{caseId}',
      methods: [HttpMethod.GET, HttpMethod.POST],
      integration: new HttpLambdaIntegration('Respond', props.handler),
    });
    // The JSON API for marketplaces that answer in bulk (functions/answer-api/openapi.json).
    const answerApi = new HttpLambdaIntegration('AnswerApi', props.answerApi);
    this.api.addRoutes({ path: '/v1/cases', methods: [HttpMethod.GET], integration: answerApi });
    this.api.addRoutes({ path: '/v1/cases/{caseId}/answer', methods: [HttpMethod.POST], integration: answerApi });
    this.api.addRoutes({ path: '/v1/openapi.json', methods: [HttpMethod.GET], integration: answerApi });
    NagSuppressions.addResourceSuppressions(
      this.api,
      [
        {
          id: 'AwsSolutions-APIG4',
          reason:
            'Marketplaces are outside the agency: /respond is authorized by the HMAC-signed, expiring link (checked in the function), /v1 by the per-marketplace API key (hashed at rest, checked in the function); the OpenAPI document is public.',
        },
      ],
      true,
    );
  }

  /** The base URL response links start with. */
  get baseUrl(): string {
    return `${this.api.apiEndpoint}/`;
  }
}
