import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { provenCaller } from '#functions/runtime/iam-caller.ts';
import { actorOfRecord, iamIdentity, identityActor, verifiedIdentity } from '#shared/agency-identity.ts';
import { GET_CALLER_IDENTITY, PROOF_HEADER } from '#shared/iam-proof.ts';
import { AUDIENCE, callerCheck, decisionRouteEvent, STS, stubSts, withProof } from '../support/iam-proof.ts';

const OFFICER = 'arn:aws:sts::123456789012:assumed-role/Compliance/director@agency.example';
const OTHER = 'arn:aws:iam::123456789012:user/colleague';
const event = (body = '{"decision":"close","reason":"done"}', userArn?: string) => decisionRouteEvent(body, userArn);

afterEach(() => void vi.unstubAllGlobals());

describe('an IAM caller proves who it is: STS names it, never the event', () => {
  it('sends the signed GetCallerIdentity to STS, and records the role and the session name apart', async () => {
    const sent = stubSts(OFFICER);
    const found = await provenCaller(await withProof(event()), callerCheck());
    expect(found).toEqual({
      identity: {
        kind: 'iam',
        principalArn: OFFICER,
        account: '123456789012',
        userId: 'AROATEST:x',
        principal: 'arn:aws:iam::123456789012:role/Compliance',
        sessionName: 'director@agency.example',
      },
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ url: STS, body: GET_CALLER_IDENTITY });
    expect(sent[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIATEST\/\d{8}\/us-east-1\/sts\/aws4_request/);
    const identity = (found as { identity: Parameters<typeof identityActor>[0] }).identity;
    expect(identityActor(identity)).toBe('agency:arn:aws:iam::123456789012:role/Compliance');
    expect(verifiedIdentity(identity)).toMatchObject({ principal: { sessionName: 'director@agency.example', sessionNameIs: 'claimed by the caller' } });
  });

  it('refuses an event that names its caller but proves nothing (a direct invocation), without asking STS', async () => {
    const sent = stubSts(OTHER);
    expect(await provenCaller(event(undefined, OFFICER), callerCheck())).toEqual({
      error: expect.stringMatching(/^the request carries no proof of its IAM identity/),
    });
    const garbled = { ...event(), headers: { [PROOF_HEADER]: 'not-a-proof' } } as unknown as APIGatewayProxyEvent;
    expect(await provenCaller(garbled, callerCheck())).toMatchObject({ error: expect.stringMatching(/no proof/) });
    expect(sent).toEqual([]);
  });

  it('refuses a proof made for another request or another deployment, or used already', async () => {
    stubSts(OFFICER);
    const check = callerCheck();
    const other = await withProof(event(), { body: '{"decision":"uphold_dispute","reason":"x"}' });
    expect(await provenCaller(other, check)).toEqual({ error: 'the identity proof was signed for another request' });
    const elsewhere = await withProof(event(), { path: '/v1/agency/cases/other.case/decision' });
    expect(await provenCaller(elsewhere, check)).toEqual({ error: 'the identity proof was signed for another request' });
    const staging = await withProof(event(), { audience: AUDIENCE.replace('RecallGuard', 'RecallGuardStaging') });
    expect(await provenCaller(staging, check)).toEqual({ error: 'the identity proof is for another deployment' });
    const once = await withProof(event());
    expect(await provenCaller(once, check)).toHaveProperty('identity');
    expect(await provenCaller(once, check)).toEqual({ error: 'this identity proof was used already: sign each request afresh' });
    // The same request signed again in the same second (a retry after a lost answer) is a proof of its own.
    const at = new Date();
    const [first, retry] = [await withProof(event(), { now: at }), await withProof(event(), { now: at })];
    expect(await provenCaller(first, check)).toHaveProperty('identity');
    expect(await provenCaller(retry, check)).toHaveProperty('identity');
  });

  it("passes on STS's refusal, and refuses another account's principal", async () => {
    stubSts(OFFICER, {
      status: 403,
      xml: '<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message></Error></ErrorResponse>',
    });
    expect(await provenCaller(await withProof(event()), callerCheck())).toEqual({
      error: 'STS refused the identity proof: SignatureDoesNotMatch: The request signature we calculated does not match',
    });
    stubSts('arn:aws:iam::999999999999:user/outsider');
    expect(await provenCaller(await withProof(event()), callerCheck())).toEqual({
      error: "arn:aws:iam::999999999999:user/outsider is of account 999999999999; this deployment accepts its own account's principals",
    });
  });

  it("reads STS's ARNs: users, role sessions (GovCloud too), and nothing else", () => {
    const of = (arn: string, account = '123456789012') => iamIdentity({ arn, account, userId: 'X' });
    expect(of(OTHER)).toMatchObject({ principal: OTHER });
    expect(of(OTHER)).not.toHaveProperty('sessionName');
    expect(of('arn:aws-us-gov:sts::123456789012:assumed-role/Ops/jane')).toMatchObject({
      principal: 'arn:aws-us-gov:iam::123456789012:role/Ops',
      sessionName: 'jane',
    });
    expect(of(OFFICER, '999999999999')).toBeUndefined();
    for (const arn of ['', 'director@agency.example', 'arn:aws:s3:::bucket', 'arn:aws:sts::123456789012:assumed-role/Ops'])
      expect(of(arn), arn).toBeUndefined();
  });

  it("names a record's actor by its verified identity, never by how its name begins", () => {
    const email = 'arn:aws:iam::123456789012:role/x@agency.example';
    expect(actorOfRecord({ by: email, identity: { email } })).toBe(`staff:${email}`);
    expect(actorOfRecord({ by: 'arn:aws:iam::123456789012:role/Compliance' })).toBe('agency:arn:aws:iam::123456789012:role/Compliance');
  });
});
