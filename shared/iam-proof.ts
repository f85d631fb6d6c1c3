import { createHash } from 'node:crypto';

/**
 * How an IAM caller proves who it is to a function that acts for the agency: it signs (SigV4) an
 * STS GetCallerIdentity request that it does not send, and passes its headers along in
 * PROOF_HEADER; the function sends it to STS itself, which answers with the caller's ARN. The
 * signature covers two headers of ours: the deployment the proof is for (AUDIENCE_HEADER) and the
 * one request it goes with (REQUEST_HEADER, a digest of its method, path and body), so a proof
 * opens nothing else. The pattern of HashiCorp Vault's AWS auth method and the EKS IAM authenticator.
 */
export const PROOF_HEADER = 'x-recallguard-identity';
export const AUDIENCE_HEADER = 'x-recallguard-audience';
export const REQUEST_HEADER = 'x-recallguard-request';
/** A random value of each proof's own: two proofs of the same request in the same second (a retry) differ, so each is used once. */
export const NONCE_HEADER = 'x-recallguard-nonce';

/** The one STS request a proof may be: its body, and the content type it is signed with. */
export const GET_CALLER_IDENTITY = 'Action=GetCallerIdentity&Version=2011-06-15';
export const STS_CONTENT_TYPE = 'application/x-www-form-urlencoded; charset=utf-8';

/** How long a proof is good for: STS refuses a signature older than this, and a used one is remembered as long. */
export const PROOF_LIFETIME_MS = 15 * 60_000;

/** STS's regional endpoint. */
export const stsEndpoint = (region: string) => `https://sts.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}/`;

/** What a proof is bound to: the request's method, its path under the API (decoded, from /v1 on) and its body. */
export function requestDigest(method: string, path: string, body: string): string {
  return createHash('sha256').update(`${method.toUpperCase()}\n${path}\n${body}`, 'utf8').digest('hex');
}

/** A proof as it travels: the signed STS request's headers, as base64url JSON. */
export const encodeProof = (headers: Record<string, string>) => Buffer.from(JSON.stringify(headers), 'utf8').toString('base64url');

/** The headers a proof carries, or undefined for what is not one (at most 8 KB, strings only). */
export function decodeProof(text: string | undefined): Record<string, string> | undefined {
  if (!text || text.length > 8192) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    const entries = Object.entries(parsed);
    if (!entries.every(([, v]) => typeof v === 'string')) return undefined;
    return Object.fromEntries(entries.map(([k, v]) => [k.toLowerCase(), v as string]));
  } catch {
    return undefined;
  }
}
