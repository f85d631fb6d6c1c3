import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** The HTTP API marketplaces answer through: GET shows a case, POST records an answer. Throttled. */
export class ResponseApi extends Construct {
  readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: { handler: IFunction; rateLimit: number; burstLimit: number }) {
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
  }

  /** The base URL response links start with. */
  get baseUrl(): string {
    return `${this.api.apiEndpoint}/`;
  }
}
