import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { LocalIam } from '#infra/local-cloud/iam/local-iam.ts';
import { TemplateIam } from '#infra/local-cloud/iam/policies.ts';
import { dynamodbRequest, identityOf, sesRequest } from '#infra/local-cloud/iam/requests.mjs';
import { verifySignature } from '#infra/local-cloud/iam/sigv4.mjs';
import { TemplateResolver, type Template } from '#infra/local-cloud/template.ts';

const where = { region: 'us-east-1', account: '000000000000' };
const arn = (service: string, resource: string) => `arn:aws:${service}:us-east-1:000000000000:${resource}`;

/** A template with one function role (a DynamoDB and an SES grant, an explicit deny) and one function policy for API Gateway. */
function template(extra: Template['Resources'] = {}): Template {
  return {
    Resources: {
      FnRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
          },
        },
      },
      FnPolicy: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          Roles: [{ Ref: 'FnRole' }],
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: ['dynamodb:Query', 'dynamodb:GetItem'],
                Resource: [arn('dynamodb', 'table/Cases'), arn('dynamodb', 'table/Cases/index/*')],
              },
              { Effect: 'Allow', Action: 'ses:SendEmail', Resource: arn('ses', 'identity/agency.gov') },
              { Effect: 'Allow', Action: 'states:SendTaskSuccess', Resource: arn('states', 'stateMachine:case') },
              { Sid: 'NeverDelete', Effect: 'Deny', Action: 'dynamodb:DeleteItem', Resource: '*' },
              { Effect: 'Allow', Action: 'dynamodb:DeleteItem', Resource: arn('dynamodb', 'table/Cases') },
            ],
          },
        },
      },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'fn', Role: { 'Fn::GetAtt': ['FnRole', 'Arn'] } } },
      FnFromApi: {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          FunctionName: { 'Fn::GetAtt': ['Fn', 'Arn'] },
          Action: 'lambda:InvokeFunction',
          Principal: 'apigateway.amazonaws.com',
          SourceArn: arn('execute-api', 'api/live/GET/respond/*'),
        },
      },
      ...extra,
    },
  };
}

function deployed(t = template()): LocalIam {
  const iam = new LocalIam(where.account, where.region, () => new Date('2026-03-02T14:00:00Z'));
  iam.deploy(new TemplateIam(new TemplateResolver(t, { ...where, stackName: 'S' })));
  return iam;
}

describe('the local cloud’s IAM', () => {
  const roleArn = 'arn:aws:iam::000000000000:role/FnRole';

  it('allows what a role’s policies grant, on the resources the service authorizes, and denies the rest with AWS’s message', async () => {
    const iam = deployed();
    const principal = iam.assumeRole(roleArn, 'fn').principal;
    expect(await iam.authorize({ principal, action: 'dynamodb:Query', resource: arn('dynamodb', 'table/Cases/index/byStatus') })).toEqual({ allowed: true });
    expect(await iam.authorize({ principal, action: 'ses:SendEmail', resource: arn('ses', 'identity/agency.gov') })).toEqual({ allowed: true });
    const denied = await iam.authorize({ principal, action: 'ses:SendEmail', resource: arn('ses', 'configuration-set/mail') });
    expect(denied).toMatchObject({
      allowed: false,
      message:
        'User: arn:aws:sts::000000000000:assumed-role/FnRole/fn is not authorized to perform: ses:SendEmail on resource: arn:aws:ses:us-east-1:000000000000:configuration-set/mail because no identity-based policy allows the ses:SendEmail action',
    });
    expect(iam.denials()).toEqual([expect.objectContaining({ principal: 'arn:aws:sts::000000000000:assumed-role/FnRole/fn', action: 'ses:SendEmail' })]);
  });

  it('names the explicit deny that decided, over an allow', async () => {
    const iam = deployed();
    const decision = await iam.authorize({ principal: iam.session(roleArn, 's'), action: 'dynamodb:DeleteItem', resource: arn('dynamodb', 'table/Cases') });
    expect(decision).toMatchObject({ allowed: false, denial: { reason: 'with an explicit deny in an identity-based policy (FnPolicy, NeverDelete)' } });
  });

  it('authorizes task responses on the state machine, as AWS does though its reference lists no resource', async () => {
    const iam = deployed();
    const principal = iam.session(roleArn, 's');
    expect(await iam.authorize({ principal, action: 'states:SendTaskSuccess', resource: arn('states', 'stateMachine:case') })).toEqual({ allowed: true });
    expect((await iam.authorize({ principal, action: 'states:SendTaskSuccess', resource: arn('states', 'stateMachine:other') })).allowed).toBe(false);
  });

  it("lets a service in only where the resource's policy names it, for its source", async () => {
    const iam = deployed();
    const apigateway = { kind: 'service' as const, service: 'apigateway.amazonaws.com' };
    const invoke = (sourceArn: string) =>
      iam.authorize({
        principal: apigateway,
        action: 'lambda:InvokeFunction',
        resource: arn('lambda', 'function:fn'),
        context: { 'aws:SourceArn': sourceArn },
      });
    expect(await invoke(arn('execute-api', 'api/live/GET/respond/26582.alimart'))).toEqual({ allowed: true });
    expect(await invoke(arn('execute-api', 'api/live/POST/respond/26582.alimart'))).toMatchObject({
      allowed: false,
      denial: { reason: 'because no resource-based policy allows the lambda:InvokeFunction action' },
    });
    // A role's trust policy is what lets a service assume it.
    expect(await iam.authorize({ principal: { kind: 'service', service: 'lambda.amazonaws.com' }, action: 'sts:AssumeRole', resource: roleArn })).toEqual({
      allowed: true,
    });
    expect(
      (await iam.authorize({ principal: { kind: 'service', service: 'states.amazonaws.com' }, action: 'sts:AssumeRole', resource: roleArn })).allowed,
    ).toBe(false);
  });

  it('decides each kind of call once, and refuses policies it could not decide as AWS would', async () => {
    const iam = deployed();
    const principal = iam.session(roleArn, 's');
    for (let i = 0; i < 5; i++) await iam.authorize({ principal, action: 'dynamodb:GetItem', resource: arn('dynamodb', 'table/Cases') });
    expect(iam.stats).toMatchObject({ evaluations: 1, cached: 4 });
    const policy = (Condition: Record<string, Record<string, string>>) => ({
      Odd: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          Roles: [{ Ref: 'FnRole' }],
          PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*', Condition }] },
        },
      },
    });
    expect(() => deployed(template(policy({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': 'x' } })))).toThrow(
      'Odd tests dynamodb:leadingkeys, which the local cloud does not supply: it cannot decide as AWS would',
    );
    const malformed = template(policy({}));
    (malformed.Resources.Odd!.Properties!.PolicyDocument as { Statement: { Effect: string }[] }).Statement[0]!.Effect = 'Maybe';
    expect(() => deployed(malformed)).toThrow('MalformedPolicyDocument: Odd: Statement[0].Effect: Effect must be present and exactly "Allow" or "Deny"');
  });
});

describe('what a request touches, as IAM sees it', () => {
  it('names the table, the index, or each table of a batch', () => {
    expect(dynamodbRequest('DynamoDB_20120810.Query', { TableName: 'Cases', IndexName: 'byStatus', Select: 'COUNT' }, where)).toEqual({
      action: 'dynamodb:Query',
      resources: [arn('dynamodb', 'table/Cases/index/byStatus')],
      context: { 'dynamodb:Select': 'COUNT' },
    });
    expect(dynamodbRequest('DynamoDB_20120810.BatchGetItem', { RequestItems: { Audit: {}, Cases: {} } }, where)).toMatchObject({
      resources: [arn('dynamodb', 'table/Audit'), arn('dynamodb', 'table/Cases')],
    });
    expect(dynamodbRequest('DynamoDB_20120810.ListTables', {}, where)).toMatchObject({ resources: ['*'] });
    // IAM authorizes each item of a transaction as its own action: refused, not guessed (dynalite has none either).
    expect(dynamodbRequest('DynamoDB_20120810.TransactWriteItems', { TransactItems: [{ Put: { TableName: 'Cases' } }] }, where)).toEqual({
      unsupported: 'TransactWriteItems',
    });
  });

  it('authorizes a send on the identity that covers its From address and on its configuration set', () => {
    const body = {
      FromEmailAddress: 'Recalls <recalls@agency.gov>',
      Destination: { ToAddresses: ['a@m.example'], CcAddresses: ['b@m.example'] },
      ConfigurationSetName: 'mail',
    };
    expect(sesRequest('POST', '/v2/email/outbound-emails', body, { ...where, identities: ['agency.gov'] })).toEqual({
      action: 'ses:SendEmail',
      from: 'recalls@agency.gov',
      verified: true,
      resources: [arn('ses', 'identity/agency.gov'), arn('ses', 'configuration-set/mail')],
      context: { 'ses:FromAddress': 'recalls@agency.gov', 'ses:Recipients': ['a@m.example', 'b@m.example'], 'ses:ApiVersion': '2' },
    });
    expect(identityOf('recalls@agency.gov', ['recalls@agency.gov', 'agency.gov'])).toBe('recalls@agency.gov');
    expect(identityOf('recalls@mail.agency.gov', ['agency.gov'])).toBe('agency.gov');
    expect(sesRequest('POST', '/v2/email/outbound-emails', body, { ...where, identities: [] })).toMatchObject({
      verified: false,
      resources: [arn('ses', 'identity/recalls@agency.gov'), arn('ses', 'configuration-set/mail')],
    });
    expect(sesRequest('GET', '/v2/email/account', {}, { ...where, identities: [] })).toEqual({ unsupported: 'GET /v2/email/account' });
  });
});

describe('SigV4, checked as AWS checks it', () => {
  const secrets = new Map([['ASIAEXAMPLE', { secretAccessKey: 'the-secret', sessionToken: 'the-token' }]]);
  const signed = async (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, at = new Date()) => {
    const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 'dynamodb', sha256: Sha256 });
    const body = '{"TableName":"Cases"}';
    const request = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 4000,
        path: '/',
        headers: { host: '127.0.0.1:4000', 'x-amz-target': 'DynamoDB_20120810.Scan' },
        body,
      },
      { signingDate: at },
    );
    return {
      method: 'POST',
      host: '127.0.0.1:4000',
      path: '/',
      query: new URLSearchParams(),
      headers: request.headers as Record<string, string>,
      body: Buffer.from(body),
    };
  };
  const verify = async (request: Awaited<ReturnType<typeof signed>>) =>
    verifySignature(request, { lookup: (id) => secrets.get(id), region: 'us-east-1', service: 'dynamodb', clocks: [() => Date.now()] });

  it('knows the caller by a signature made with its secret and session token, and refuses any other', async () => {
    expect(await verify(await signed({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'the-secret', sessionToken: 'the-token' }))).toEqual({
      ok: true,
      accessKeyId: 'ASIAEXAMPLE',
    });
    expect(await verify(await signed({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'not-it', sessionToken: 'the-token' }))).toMatchObject({
      ok: false,
      code: 'InvalidSignatureException',
    });
    expect(await verify(await signed({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'the-secret' }))).toMatchObject({
      ok: false,
      code: 'UnrecognizedClientException',
    });
    expect(await verify(await signed({ accessKeyId: 'AKIAOTHER', secretAccessKey: 'x' }))).toMatchObject({ ok: false, code: 'UnrecognizedClientException' });
    const old = await signed({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'the-secret', sessionToken: 'the-token' }, new Date(Date.now() - 6 * 60_000));
    expect(await verify(old)).toMatchObject({ ok: false, message: expect.stringContaining('Signature expired') });
  });
});
