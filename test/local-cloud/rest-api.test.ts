import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { close, listen } from '#infra/local-cloud/http.ts';
import type { LocalIam } from '#infra/local-cloud/iam/local-iam.ts';
import { LocalRestApi, routesOf } from '#infra/local-cloud/rest-api.ts';
import { TemplateResolver, type Template } from '#infra/local-cloud/template.ts';
import { VirtualClock } from '#infra/local-cloud/virtual-clock.ts';

/** One method, GET /respond/{caseId}, integrated with the function `respond`. */
const TEMPLATE: Template = {
  Resources: {
    Api: { Type: 'AWS::ApiGateway::RestApi' },
    Respond: { Type: 'AWS::ApiGateway::Resource', Properties: { ParentId: { 'Fn::GetAtt': ['Api', 'RootResourceId'] }, PathPart: 'respond' } },
    Case: { Type: 'AWS::ApiGateway::Resource', Properties: { ParentId: { Ref: 'Respond' }, PathPart: '{caseId}' } },
    Get: {
      Type: 'AWS::ApiGateway::Method',
      Properties: {
        RestApiId: { Ref: 'Api' },
        ResourceId: { Ref: 'Case' },
        HttpMethod: 'GET',
        AuthorizationType: 'NONE',
        Integration: {
          Type: 'AWS_PROXY',
          Uri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:respond/invocations',
        },
      },
    },
  },
};

describe('the local REST API', () => {
  const events: { path: string; pathParameters: Record<string, string> | null }[] = [];
  const invoke = async (_name: string, event: unknown) => {
    events.push(event as (typeof events)[number]);
    return { statusCode: 200, body: 'ok' };
  };
  // The function's policy lets API Gateway invoke it: what is under test here is the path, not IAM.
  const iam = { region: 'us-east-1', account: '000000000000', authorize: async () => ({ allowed: true }) } as unknown as LocalIam;
  const api = new LocalRestApi(invoke, new VirtualClock(new Date('2026-03-02T14:00:00Z')), iam);
  let server: Awaited<ReturnType<typeof listen>>;
  /** A GET of the path exactly as written: no client normalizes it. */
  const get = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const { port } = new URL(server.url);
      request({ host: '127.0.0.1', port, path, method: 'GET' }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode!, body }));
      })
        .on('error', reject)
        .end();
    });

  beforeAll(async () => {
    api.deploy({
      apiId: 'api',
      stage: 'live',
      routes: routesOf(new TemplateResolver(TEMPLATE, { region: 'us-east-1', account: '000000000000', stackName: 'S' }), 'Api'),
    });
    server = await listen(api.handle);
  });
  afterAll(() => close(server.server));

  it('hands the function each path parameter decoded once, as API Gateway does, and the path as it came', async () => {
    for (const [raw, decoded] of [
      ['26582.alimart', '26582.alimart'],
      ['%2525', '%25'],
      ['a%20b', 'a b'],
      ['%E2%82%AC', '€'],
    ]) {
      events.length = 0;
      expect((await get(`/live/respond/${raw}`)).status, raw).toBe(200);
      expect(
        events.map((e) => [e.path, e.pathParameters]),
        raw,
      ).toEqual([[`/respond/${raw}`, { caseId: decoded }]]);
    }
  });

  it('answers 400 to a malformed escape in the path or the query, and invokes nothing', async () => {
    events.length = 0;
    for (const path of ['/live/respond/%zz', '/live/respond/%', '/live/respond/%C3%28', '/live/respond/ok?exp=%']) {
      expect(await get(path), path).toEqual({ status: 400, body: JSON.stringify({ message: 'Bad Request' }) });
    }
    expect(events).toEqual([]);
  });
});
