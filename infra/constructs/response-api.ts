import {
  AccessLogFormat,
  AuthorizationType,
  DomainName,
  EndpointType,
  SecurityPolicy,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { PROOF_HEADER } from '#shared/iam-proof.ts';

/** The stage every response link and API call goes through. */
export const API_STAGE = 'live';

export interface ApiLimits {
  /** The stage's overall throttle (requests a second, and the burst): the last line, behind the per-caller limits. */
  rateLimit: number;
  burstLimit: number;
  /** Requests one source IP may make in 5 minutes (AWS WAF). */
  perIpPer5Minutes: number;
  /** Requests one API key may make in 5 minutes, whichever IPs they come from (AWS WAF). */
  perKeyPer5Minutes: number;
}

/** Paths and statuses, never query strings or bodies (a link's signature stays out of the logs). */
const ACCESS_LOG = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    time: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    method: '$context.httpMethod',
    resource: '$context.resourcePath',
    status: '$context.status',
    latencyMs: '$context.responseLatency',
    waf: '$context.wafResponseCode',
    error: '$context.integrationErrorMessage',
  }),
);

/**
 * Headers that carry a credential: SigV4 signatures and session tokens, staff session cookies, API
 * keys, and the agency callers' proof of identity. AWS WAF logs them as REDACTED.
 */
const SECRET_HEADERS = ['authorization', 'cookie', 'x-api-key', 'x-amz-security-token', PROOF_HEADER];

/**
 * The API marketplaces answer through: the response pages, and the JSON API. A REST API, so
 * that AWS WAF can stand in front of it: each source IP and each API key has its own rate
 * limit (too many requests get 429 from WAF, before they reach API Gateway's throttle or a
 * function), so one caller cannot starve the others; the stage's throttle is the last line.
 */
export class ResponseApi extends Construct {
  readonly api: RestApi;

  constructor(scope: Construct, id: string, props: { handler: IFunction; answerApi: IFunction; limits: ApiLimits }) {
    super(scope, id);
    this.api = new RestApi(this, 'Api', {
      description: 'recallguard: marketplace answers to recall notices',
      endpointTypes: [EndpointType.REGIONAL],
      cloudWatchRole: true,
      deployOptions: {
        stageName: API_STAGE,
        throttlingRateLimit: props.limits.rateLimit,
        throttlingBurstLimit: props.limits.burstLimit,
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        tracingEnabled: true,
        accessLogDestination: new LogGroupLogDestination(new LogGroup(this, 'AccessLogs', { retention: RetentionDays.SIX_MONTHS })),
        accessLogFormat: ACCESS_LOG,
      },
    });
    const pages = new LambdaIntegration(props.handler);
    const answer = this.api.root.addResource('respond').addResource('{caseId}');
    answer.addMethod('GET', pages);
    answer.addMethod('POST', pages);
    // The JSON API for marketplaces that answer in bulk (functions/answer-api/openapi.json).
    const json = new LambdaIntegration(props.answerApi);
    const v1 = this.api.root.addResource('v1');
    const cases = v1.addResource('cases');
    cases.addMethod('GET', json);
    const oneCase = cases.addResource('{caseId}');
    oneCase.addMethod('GET', json);
    oneCase.addResource('answer').addMethod('POST', json);
    oneCase.addResource('attestation').addMethod('POST', json);
    v1.addResource('openapi.json').addMethod('GET', json);
    // The agency's own tools (monitoring, the CLI): IAM-authorized (SigV4); the function records the verified principal.
    this.firewall(props.limits);
    this.suppressFindings();
  }

  /**
   * AWS WAF on the stage: rate limits per source IP and per API key. Sampled requests stay off:
   * WAF keeps them with every header whole, for anyone who may read the web ACL. What it saw is
   * logged instead, with the credentials and the query string (a response link's signature) redacted.
   */
  private firewall(limits: ApiLimits): void {
    const tooMany = { block: { customResponse: { responseCode: 429 } } };
    const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: false });
    const acl = new CfnWebACL(this, 'Firewall', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('recallguard-api'),
      rules: [
        {
          name: 'PerSourceIp',
          priority: 0,
          action: tooMany,
          statement: { rateBasedStatement: { limit: limits.perIpPer5Minutes, evaluationWindowSec: 300, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('recallguard-per-ip'),
        },
        {
          name: 'PerApiKey',
          priority: 1,
          action: tooMany,
          statement: {
            rateBasedStatement: {
              limit: limits.perKeyPer5Minutes,
              evaluationWindowSec: 300,
              aggregateKeyType: 'CUSTOM_KEYS',
              customKeys: [{ header: { name: 'x-api-key', textTransformations: [{ priority: 0, type: 'NONE' }] } }],
            },
          },
          visibilityConfig: visibility('recallguard-per-key'),
        },
      ],
    });
    new CfnWebACLAssociation(this, 'FirewallOnStage', { resourceArn: this.api.deploymentStage.stageArn, webAclArn: acl.attrArn });
    this.firewallLog(acl);
  }

  /** WAF's log of the requests it inspected, in a log group of the name WAF requires (aws-waf-logs-...). */
  private firewallLog(acl: CfnWebACL): void {
    const stack = Stack.of(this);
    const group = new LogGroup(this, 'FirewallLogs', { logGroupName: `aws-waf-logs-${stack.stackName}`, retention: RetentionDays.SIX_MONTHS });
    new CfnLoggingConfiguration(this, 'FirewallLogging', {
      resourceArn: acl.attrArn,
      // WAF takes the log group's ARN without the ":*" that CloudFormation's Arn attribute ends with.
      logDestinationConfigs: [
        stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: group.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      ],
      redactedFields: [...SECRET_HEADERS.map((name) => ({ singleHeader: { Name: name } })), { queryString: {} }],
    });
  }

  private suppressFindings(): void {
    NagSuppressions.addResourceSuppressions(
      this.api,
      [
        {
          id: 'AwsSolutions-APIG4',
          reason:
            'Marketplaces are outside the agency: /respond is authorized by the HMAC-signed, expiring link (checked in the function), /v1 by the per-marketplace API key (hashed at rest, checked in the function); the OpenAPI document is public. /v1/agency is IAM-authorized.',
        },
        {
          id: 'AwsSolutions-COG4',
          reason: 'Marketplaces have no user pool: /respond is authorized by the signed link and /v1 by the marketplace API key, both checked in the function.',
        },
        {
          id: 'AwsSolutions-APIG2',
          reason:
            'Bodies are validated by the functions with the same zod schema as the form, which names the field that is wrong; a model here would answer less helpfully.',
        },
        {
          id: 'AwsSolutions-IAM4',
          reason:
            "API Gateway's account-level role for CloudWatch logging uses AWS's own AmazonAPIGatewayPushToCloudWatchLogs policy, which API Gateway requires.",
          appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs'],
        },
      ],
      true,
    );
  }

  /** The base URL response links start with (the stage's). */
  /**
   * One of the agency's own routes, `POST /v1/agency/<path>`: IAM-authorized
   * (SigV4), so the function gets the verified principal. Returns the ARN callers need leave to
   * invoke (execute-api:Invoke).
   */
  addAgencyRoute(path: string, fn: IFunction): string {
    const resource = this.api.root.resourceForPath(`/v1/agency/${path}`);
    const method = resource.addMethod('POST', new LambdaIntegration(fn), { authorizationType: AuthorizationType.IAM });
    NagSuppressions.addResourceSuppressions(method, [
      { id: 'AwsSolutions-COG4', reason: "The agency's own tools and the CLI sign with their IAM identity (SigV4): IAM authorization, no user pool." },
    ]);
    return this.api.arnForExecuteApi('POST', `/v1/agency/${path.replace(/\{[^}]+\}/g, '*')}`, API_STAGE);
  }

  /**
   * Serves the stage on a domain of its own, for the staff console: its URL there. The console
   * answers only on that host, so that its cookie is set for, and sent to, that host alone.
   */
  consoleOn(domain: { domainName: string; certificateArn: string }): { url: string; target: string } {
    const custom = new DomainName(this, 'ConsoleDomain', {
      domainName: domain.domainName,
      certificate: Certificate.fromCertificateArn(this, 'ConsoleCertificate', domain.certificateArn),
      endpointType: EndpointType.REGIONAL,
      securityPolicy: SecurityPolicy.TLS_1_2,
    });
    custom.addBasePathMapping(this.api, { stage: this.api.deploymentStage });
    return { url: `https://${domain.domainName}/console/`, target: custom.domainNameAliasDomainName };
  }

  /**
   * The stage's URL, from the API's id and the stage's name rather than the stage resource: the
   * functions that put it in their emails also sit behind the API's routes, and the stage depends
   * on those routes, so a reference to the stage would be a dependency cycle.
   */
  get baseUrl(): string {
    const stack = Stack.of(this);
    return `https://${this.api.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}/${API_STAGE}/`;
  }
}
