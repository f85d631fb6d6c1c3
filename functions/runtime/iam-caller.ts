import type { APIGatewayProxyEvent } from 'aws-lambda';
import { iamIdentity, type IamIdentity } from '#shared/agency-identity.ts';
import {
  AUDIENCE_HEADER,
  NONCE_HEADER,
  decodeProof,
  GET_CALLER_IDENTITY,
  PROOF_HEADER,
  REQUEST_HEADER,
  requestDigest,
  STS_CONTENT_TYPE,
  stsEndpoint,
} from '#shared/iam-proof.ts';

/** What a function checks an IAM caller's proof against. */
export interface CallerCheck {
  /** The deployment a proof must name (the stack's id). */
  audience: string;
  /** The account whose principals may act (the stack's). */
  account: string;
  /** Where STS is: the regional endpoint, or AWS_ENDPOINT_URL_STS where one is set. */
  sts: string;
  /** Remembers a proof's signature; false when it was used before. */
  useOnce: (signature: string, now: number) => Promise<boolean>;
}

/** The STS endpoint a function sends proofs to: the SDK's own variable where set (the local cloud), else the region's. */
export const stsOfEnvironment = () => process.env.AWS_ENDPOINT_URL_STS ?? stsEndpoint(process.env.AWS_REGION ?? 'us-east-1');

const SIGNATURE = /^AWS4-HMAC-SHA256 Credential=[^/,\s]+\/(\d{8})\/[^/]+\/sts\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
const NOT_SENT = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'expect']);

/** The path API Gateway matched, its parameters put back (decoded, as API Gateway passes them). */
export function routePath(event: Pick<APIGatewayProxyEvent, 'resource' | 'pathParameters'>): string {
  return String(event.resource ?? '').replace(/\{([^}+]+)\+?\}/g, (_, name: string) => event.pathParameters?.[name] ?? '');
}

const textOf = (xml: string, tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];

/**
 * The IAM principal a request on an IAM-authorized route proves it comes from: its proof (a
 * signed STS GetCallerIdentity, see shared/iam-proof.ts) must be for this deployment and this very
 * request, unused, and STS must accept it. Nothing of the event's own requestContext counts: a
 * direct invocation can put anything there. Throws only when STS cannot be reached.
 */
export async function provenCaller(event: APIGatewayProxyEvent, check: CallerCheck, now = Date.now()): Promise<{ identity: IamIdentity } | { error: string }> {
  const headerName = Object.keys(event.headers ?? {}).find((name) => name.toLowerCase() === PROOF_HEADER);
  const proof = decodeProof(headerName ? (event.headers[headerName] ?? undefined) : undefined);
  if (!proof) return { error: `the request carries no proof of its IAM identity (the ${PROOF_HEADER} header): send it with the CLI's --aws, which signs one` };
  const signature = SIGNATURE.exec(proof.authorization ?? '');
  if (!signature) return { error: 'the identity proof is not a signed STS request' };
  const signed = new Set(signature[2]!.split(';'));
  const unsigned = ['host', 'x-amz-date', AUDIENCE_HEADER, REQUEST_HEADER, NONCE_HEADER].filter((name) => !signed.has(name));
  if (unsigned.length) return { error: `the identity proof does not sign ${unsigned.join(', ')}` };
  const sts = new URL(check.sts);
  if (proof.host !== sts.host) return { error: `the identity proof is signed for ${proof.host ?? 'no host'}; this deployment's STS is ${sts.host}` };
  if (proof[AUDIENCE_HEADER] !== check.audience) return { error: 'the identity proof is for another deployment' };
  const body = event.body && event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : (event.body ?? '');
  if (proof[REQUEST_HEADER] !== requestDigest(event.httpMethod, routePath(event), body)) return { error: 'the identity proof was signed for another request' };
  // How old it may be is STS's to say (it refuses a signature of more than 15 minutes ago): a used one is remembered longer.

  const headers = Object.fromEntries(Object.entries(proof).filter(([name]) => !NOT_SENT.has(name)));
  const answer = await fetch(sts, { method: 'POST', headers: { 'content-type': STS_CONTENT_TYPE, ...headers }, body: GET_CALLER_IDENTITY });
  const xml = await answer.text();
  if (!answer.ok) return { error: `STS refused the identity proof: ${textOf(xml, 'Code') ?? answer.status}: ${textOf(xml, 'Message') ?? 'no reason given'}` };
  const identity = iamIdentity({ arn: textOf(xml, 'Arn') ?? '', account: textOf(xml, 'Account') ?? '', userId: textOf(xml, 'UserId') ?? '' });
  if (!identity) return { error: 'STS answered with no principal this deployment knows how to record' };
  if (identity.account !== check.account)
    return { error: `${identity.principalArn} is of account ${identity.account}; this deployment accepts its own account's principals` };
  if (!(await check.useOnce(signature[3]!, now))) return { error: 'this identity proof was used already: sign each request afresh' };
  return { identity };
}
