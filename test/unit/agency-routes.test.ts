import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { decisionEvent } from '#functions/staff-decision/events.ts';
import { httpEvent } from '#functions/runtime/http-event.ts';

const PRINCIPAL = 'arn:aws:iam::123456789012:role/compliance-officer';
const apiEvent = (body: string, userArn?: string) =>
  ({
    httpMethod: 'POST',
    resource: '/v1/agency/cases/{caseId}/decision',
    path: '/v1/agency/cases/26582.alimart/decision',
    pathParameters: { caseId: '26582.alimart' },
    headers: { 'content-type': 'application/json' },
    body,
    isBase64Encoded: false,
    requestContext: { identity: userArn ? { userArn } : {} },
  }) as unknown as APIGatewayProxyEvent;

describe('who decides: the staff-decision function reads its decider from the door it came in by', () => {
  it('through the IAM-authorized route, the verified principal and never a name in the body', () => {
    const read = decisionEvent(apiEvent(JSON.stringify({ decision: 'close', reason: 'done', by: 'director@agency.example' }), PRINCIPAL), httpEvent);
    expect(read.input).toEqual({
      caseId: '26582.alimart',
      decider: { kind: 'iam', principalArn: PRINCIPAL },
      decision: { decision: 'close', reason: 'done', by: 'director@agency.example' },
    });
  });

  it('refuses a route request with no verified identity (403) and a body that is not a JSON object (400)', () => {
    const unsigned = decisionEvent(apiEvent('{"decision":"close","reason":"x"}'), httpEvent);
    expect(unsigned.error).toBe('the request carries no verified IAM identity');
    expect(unsigned.respond({ ok: false, error: unsigned.error!, kind: 'invalid' })).toMatchObject({ statusCode: 403 });
    for (const body of ['[1]', 'null', 'not json', '']) {
      const read = decisionEvent(apiEvent(body, PRINCIPAL), httpEvent);
      expect(read.error, body).toMatch(/^the body must be a JSON object/);
      expect(read.respond({ ok: false, error: read.error!, kind: 'invalid' })).toMatchObject({ statusCode: 400 });
    }
  });

  it('answers each refusal with its status: 404 for no such case, 409 for a decision the case does not take', () => {
    const read = decisionEvent(apiEvent('{}', PRINCIPAL), httpEvent);
    expect(read.respond({ ok: false, error: 'case x does not exist', kind: 'not-found' })).toMatchObject({ statusCode: 404 });
    expect(read.respond({ ok: false, error: 'already decided', kind: 'conflict' })).toMatchObject({ statusCode: 409 });
    expect(read.respond({ ok: true, status: 'DISPUTED', delivery: 'delivered' })).toMatchObject({ statusCode: 200 });
  });

  it('takes a direct invocation only with a staff member named by email', () => {
    expect(decisionEvent({ caseId: '26582.alimart', by: 'officer@agency.example', decision: {} }, httpEvent).input?.decider).toEqual({
      kind: 'staff',
      email: 'officer@agency.example',
    });
    for (const by of [undefined, '', 'officer', 42, { email: 'a@b' }]) {
      expect(decisionEvent({ caseId: '26582.alimart', by, decision: {} }, httpEvent).error, String(by)).toBe(
        'by: give the deciding staff member as an email address',
      );
    }
  });
});
