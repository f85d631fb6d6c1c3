import { timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';

/** An IAM identity the local cloud knows: its access key and the principal it stands for. */
export interface LocalPrincipal {
  accessKeyId: string;
  secretAccessKey: string;
  /** The principal's ARN, as API Gateway hands it to the function (requestContext.identity.userArn). */
  arn: string;
}

/** A request as it reached the API, for checking its signature. */
export interface SignedRequest {
  method: string;
  /** The host as the caller addressed it (the Host header). */
  host: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Buffer;
}

export type Verification = { ok: true; principal: LocalPrincipal } | { ok: false; message: string };

/** How far a request's time may be from the API's clock (AWS allows 5 minutes). */
const MAX_SKEW_MS = 5 * 60_000;
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

const parseAmzDate = (text: string | undefined): Date | undefined => {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? '');
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
};

/**
 * API Gateway's IAM authorization (SigV4), done here the way AWS does it: the request is signed
 * again with the secret of the access key it names, over the headers it says it signed, with the
 * AWS SDK's own signer, and the two signatures must match; the request's time must be within 5
 * minutes of the API's clock. The local cloud has two: its virtual time, by which the tools inside
 * the simulation sign, and the wall clock, by which a caller outside it signs (the CLI with
 * `--aws` pointed at the local endpoints, as it would be at AWS). The messages are API Gateway's.
 */
export class SigV4Verifier {
  constructor(
    private readonly principals: readonly LocalPrincipal[],
    private readonly region: string,
    private readonly clocks: readonly (() => number)[],
  ) {}

  async verify(request: SignedRequest): Promise<Verification> {
    const header = request.headers.authorization;
    if (!header) return { ok: false, message: 'Missing Authentication Token' };
    const parts = AUTHORIZATION.exec(header);
    if (!parts) return { ok: false, message: 'Authorization header requires a valid SigV4 Credential, SignedHeaders and Signature.' };
    const [, accessKeyId, day, region, service, signedHeaders, signature] = parts as unknown as string[];
    const principal = this.principals.find((p) => p.accessKeyId === accessKeyId);
    if (!principal) return { ok: false, message: 'The security token included in the request is invalid.' };
    const signingDate = parseAmzDate(request.headers['x-amz-date']);
    if (!signingDate || day !== request.headers['x-amz-date']!.slice(0, 8))
      return { ok: false, message: 'Authorization header requires the X-Amz-Date header.' };
    if (!this.clocks.some((now) => Math.abs(signingDate.getTime() - now()) <= MAX_SKEW_MS))
      return { ok: false, message: 'Signature expired: the request time is more than 5 minutes from the server time.' };
    if (region !== this.region || service !== 'execute-api')
      return { ok: false, message: `Credential should be scoped to a valid region and the execute-api service, not ${region}/${service}.` };
    const names = signedHeaders!.split(';');
    if (!names.includes('host')) return { ok: false, message: 'The request signature must sign the host header.' };
    const expected = await this.signature(request, principal, names, signingDate);
    const given = Buffer.from(signature!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return {
        ok: false,
        message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
      };
    }
    return { ok: true, principal };
  }

  private async signature(request: SignedRequest, principal: LocalPrincipal, names: string[], signingDate: Date): Promise<Buffer> {
    const signer = new SignatureV4({ credentials: principal, region: this.region, service: 'execute-api', sha256: Sha256 });
    const headers = Object.fromEntries(names.filter((n) => n !== 'authorization').map((n) => [n, n === 'host' ? request.host : (request.headers[n] ?? '')]));
    const [hostname, port] = request.host.split(':');
    const signed = await signer.sign(
      {
        method: request.method,
        protocol: 'http:',
        hostname: hostname!,
        port: port ? Number(port) : undefined,
        path: request.path,
        query: Object.fromEntries(request.query),
        headers,
        body: request.body.length ? request.body.toString('utf8') : undefined,
      },
      { signingDate, signableHeaders: new Set(names) },
    );
    return Buffer.from(/Signature=([0-9a-f]{64})/.exec(signed.headers.authorization ?? '')?.[1] ?? '');
  }
}
