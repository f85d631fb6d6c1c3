import type { SFNClient } from '@aws-sdk/client-sfn';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';

export interface AgencyApiResponse {
  status: number;
  body: unknown;
}

/**
 * A call to the API's IAM-authorized routes (/v1/agency/...), signed with SigV4 by the AWS SDK's
 * signer, with the credentials and region the deployment's clients use: in AWS the caller's IAM
 * identity (its principal is what the function records), locally the local cloud's. It is signed
 * at the deployment's time: the local cloud's API checks it against its virtual clock.
 */
export async function agencyApiRequest(
  sdk: SFNClient,
  target: { baseUrl: string; now: Date },
  method: 'POST' | 'GET',
  path: string,
  body?: unknown,
): Promise<AgencyApiResponse> {
  const { baseUrl } = target;
  const url = new URL(path.replace(/^\//, ''), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const text = body === undefined ? undefined : JSON.stringify(body);
  const signer = new SignatureV4({ credentials: sdk.config.credentials, region: await sdk.config.region(), service: 'execute-api', sha256: Sha256 });
  const signed = await signer.sign(
    {
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { host: url.host, ...(text === undefined ? {} : { 'content-type': 'application/json' }) },
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
