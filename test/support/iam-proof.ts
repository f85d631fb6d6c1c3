import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { vi } from 'vitest';
import { identityProof } from '#infra/deployment/agency-api.ts';
import { PROOF_HEADER } from '#shared/iam-proof.ts';
import { routePath, type CallerCheck } from '#functions/runtime/iam-caller.ts';

export const AUDIENCE = 'arn:aws:cloudformation:us-east-1:123456789012:stack/RecallGuard/5f0c1f7e-0000-4000-8000-000000000001';
export const STS = 'https://sts.us-east-1.amazonaws.com/';

/** An API Gateway event of the decision route for case 26582.alimart, naming `userArn` as its caller if given (as a forger would). */
export const decisionRouteEvent = (body: string, userArn?: string) =>
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

/** A caller's proof for an event, as the CLI signs it (the SDK's signer, these test credentials). */
export async function withProof(event: APIGatewayProxyEvent, options: { audience?: string; path?: string; body?: string; now?: Date } = {}) {
  const sdk = new SFNClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'test-secret' } });
  const path = options.path ?? routePath(event);
  const proof = await identityProof(
    sdk,
    { baseUrl: 'https://api.example/live/', now: options.now ?? new Date(), audience: options.audience ?? AUDIENCE, sts: STS },
    'us-east-1',
    event.httpMethod,
    path,
    options.body ?? event.body ?? '',
  );
  return { ...event, headers: { ...event.headers, [PROOF_HEADER]: proof } } as APIGatewayProxyEvent;
}

/**
 * STS standing in for AWS's (fetch stubbed): it answers every GetCallerIdentity with `arn`, and
 * keeps the requests it was sent.
 */
export function stubSts(arn: string, answer: { status?: number; xml?: string } = {}) {
  const sent: { url: string; headers: Record<string, string>; body: string }[] = [];
  vi.stubGlobal('fetch', async (url: URL | string, init: RequestInit) => {
    sent.push({ url: String(url), headers: init.headers as Record<string, string>, body: String(init.body) });
    const account = arn.split(':')[4];
    const xml =
      answer.xml ??
      `<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>${arn}</Arn><UserId>AROATEST:x</UserId><Account>${account}</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`;
    return new Response(xml, { status: answer.status ?? 200 });
  });
  return sent;
}

/** The check a function makes, its used proofs kept in memory. */
export function callerCheck(): CallerCheck {
  const used = new Set<string>();
  return {
    audience: AUDIENCE,
    account: '123456789012',
    sts: STS,
    useOnce: async (signature) => !used.has(signature) && Boolean(used.add(signature)),
  };
}
