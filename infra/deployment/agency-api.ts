import { randomUUID } from 'node:crypto';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  AUDIENCE_HEADER,
  NONCE_HEADER,
  encodeProof,
  GET_CALLER_IDENTITY,
  PROOF_HEADER,
  REQUEST_HEADER,
  requestDigest,
  STS_CONTENT_TYPE,
  stsEndpoint,
} from '#shared/iam-proof.ts';

export interface AgencyApiResponse {
  status: number;
  body: unknown;
}

/** Where a deployment's callers prove who they are: the deployment (its CallerAudience output), and STS. */
export interface AgencyApiTarget {
  baseUrl: string;
  now: Date;
  audience: string;
  /** The STS endpoint the functions send proofs to: the region's, or the local cloud's. */
  sts?: string;
}

/**
 * The caller's proof of identity for one request (see shared/iam-proof.ts): an STS
 * GetCallerIdentity request signed with the caller's credentials, bound to this deployment and to
 * this request's method, path and body, never sent by the caller itself.
 */
export async function identityProof(sdk: SFNClient, target: AgencyApiTarget, region: string, method: string, path: string, body: string): Promise<string> {
  // As the SDK finds its endpoints: the variables for STS or for every service, else the region's.
  const sts = new URL(target.sts ?? process.env.AWS_ENDPOINT_URL_STS ?? process.env.AWS_ENDPOINT_URL ?? stsEndpoint(region));
  const signer = new SignatureV4({ credentials: sdk.config.credentials, region, service: 'sts', sha256: Sha256 });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: sts.protocol,
      hostname: sts.hostname,
      port: sts.port ? Number(sts.port) : undefined,
      path: sts.pathname,
      headers: {
        host: sts.host,
        'content-type': STS_CONTENT_TYPE,
        [AUDIENCE_HEADER]: target.audience,
        [REQUEST_HEADER]: requestDigest(method, path, body),
        [NONCE_HEADER]: randomUUID(),
      },
      body: GET_CALLER_IDENTITY,
    },
    { signingDate: target.now },
  );
  return encodeProof(signed.headers);
}

/**
 * A call to the API's IAM-authorized routes (/v1/agency/...), signed with SigV4 by the AWS SDK's
 * signer, with the credentials and region the deployment's clients use (in AWS the caller's IAM
 * identity, locally the local cloud's), and carrying the caller's proof of identity, which the
 * function has STS check: its principal is what the function records. It is signed at the
 * deployment's time: the local cloud's API checks it against its virtual clock.
 */
export async function agencyApiRequest(
  sdk: SFNClient,
  target: AgencyApiTarget,
  method: 'POST' | 'GET',
  path: string,
  body?: unknown,
): Promise<AgencyApiResponse> {
  const { baseUrl } = target;
  const url = new URL(path.replace(/^\//, ''), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const text = body === undefined ? undefined : JSON.stringify(body);
  const region = await sdk.config.region();
  // The path under the stage, decoded, as API Gateway hands it to the function.
  const routePath = decodeURIComponent(url.pathname.slice(new URL(target.baseUrl).pathname.replace(/\/$/, '').length));
  const proof = await identityProof(sdk, target, region, method, routePath, text ?? '');
  const signer = new SignatureV4({ credentials: sdk.config.credentials, region, service: 'execute-api', sha256: Sha256 });
  const signed = await signer.sign(
    {
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { host: url.host, [PROOF_HEADER]: proof, ...(text === undefined ? {} : { 'content-type': 'application/json' }) },
      body: text,
    },
    { signingDate: target.now },
  );
  // fetch sets Host from the URL, as it was signed.
  const { host: _host, ...headers } = signed.headers;
  const response = await fetch(url, { method, headers, body: text });
  const answer = await response.text();
  let parsed: unknown = answer;
  try {
    parsed = JSON.parse(answer);
  } catch {
    // Not JSON (a gateway's own error page): kept as text.
  }
  return { status: response.status, body: parsed };
}
