import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** The HTTP API marketplaces answer through: the response pages, and the JSON API. Throttled. */
export class ResponseApi extends Construct {
  readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: { handler: IFunction; answerApi: IFunction; rateLimit: number; burstLimit: number }) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', { description: 'recallguard: marketplace answers to recall notices', createDefaultStage: false });
    this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
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
  }

  /** The base URL response links start with. */
  get baseUrl(): string {
    return `${this.api.apiEndpoint}/`;
  }
}
