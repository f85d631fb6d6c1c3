// AWS Signature Version 4, checked the way AWS checks it: the request is signed again with the
// secret of the access key it names, over the headers it says it signed, with the AWS SDK's own
// signer, and the two signatures must match; its time must be within 5 minutes of the service's
// clock, and a session's credentials must carry their session token. Plain JavaScript, so that the
// emulators' threads check their requests as the main thread does.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';

/** How far a request's time may be from the service's clock (AWS allows 5 minutes). */
const MAX_SKEW_MS = 5 * 60_000;
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

const parseAmzDate = (text) => {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? '');
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
};

const fail = (code, message) => ({ ok: false, code, message });

/**
 * Checks a request's signature for `service` in `region`. `lookup` gives the secret (and session
 * token) of an access key; `clocks` are the times the request may be signed by (the local cloud's
 * virtual time, by which its functions sign, and the wall clock, by which tools outside it sign).
 */
export async function verifySignature(request, { lookup, region, service, clocks }) {
  const header = request.headers.authorization;
  if (!header) return fail('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const parts = AUTHORIZATION.exec(header);
  if (!parts) return fail('IncompleteSignatureException', 'Authorization header requires a valid SigV4 Credential, SignedHeaders and Signature.');
  const [, accessKeyId, day, scopeRegion, scopeService, signedHeaders, signature] = parts;
  const credentials = lookup(accessKeyId);
  if (!credentials) return fail('UnrecognizedClientException', 'The security token included in the request is invalid.');
  if (credentials.sessionToken && request.headers['x-amz-security-token'] !== credentials.sessionToken)
    return fail('UnrecognizedClientException', 'The security token included in the request is invalid.');
  const signingDate = parseAmzDate(request.headers['x-amz-date']);
  if (!signingDate || day !== request.headers['x-amz-date'].slice(0, 8))
    return fail('IncompleteSignatureException', 'Authorization header requires the X-Amz-Date header.');
  if (!clocks.some((now) => Math.abs(signingDate.getTime() - now()) <= MAX_SKEW_MS))
    return fail('InvalidSignatureException', 'Signature expired: the request time is more than 5 minutes from the server time.');
  if (scopeRegion !== region || scopeService !== service)
    return fail('InvalidSignatureException', `Credential should be scoped to a valid region and the ${service} service, not ${scopeRegion}/${scopeService}.`);
  const names = signedHeaders.split(';');
  if (!names.includes('host')) return fail('InvalidSignatureException', 'The request signature must sign the host header.');
  // A signed payload hash stands for the body in the signature: it must be the body's.
  const claimed = request.headers['x-amz-content-sha256'];
  if (claimed !== undefined && claimed !== createHash('sha256').update(request.body).digest('hex'))
    return fail('InvalidSignatureException', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  const expected = await signatureOf(request, { accessKeyId, ...credentials }, names, signingDate, region, service);
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return fail(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
  }
  return { ok: true, accessKeyId };
}

async function signatureOf(request, credentials, names, signingDate, region, service) {
  const signer = new SignatureV4({ credentials, region, service, sha256: Sha256 });
  const headers = Object.fromEntries(names.filter((n) => n !== 'authorization').map((n) => [n, n === 'host' ? request.host : (request.headers[n] ?? '')]));
  const [hostname, port] = request.host.split(':');
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname,
      port: port ? Number(port) : undefined,
      path: request.path,
      query: queryOf(request.query),
      headers,
      body: request.body.length ? request.body : undefined,
    },
    { signingDate, signableHeaders: new Set(names) },
  );
  return Buffer.from(/Signature=([0-9a-f]{64})/.exec(signed.headers.authorization ?? '')?.[1] ?? '');
}

/** Query parameters as the signer takes them: a repeated name keeps every value. */
function queryOf(params) {
  const query = {};
  for (const [name, value] of params) query[name] = name in query ? [query[name]].flat().concat(value) : value;
  return query;
}

/** A Node request's headers as one string each, lower-case names. */
export function flatHeaders(headers) {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
}

/** Checks the signature of a Node request whose body was read: `options` as verifySignature's. */
export function verifyNodeRequest(request, body, options) {
  const url = new URL(request.url ?? '/', 'http://local');
  return verifySignature(
    {
      method: request.method ?? 'GET',
      host: request.headers.host ?? '',
      path: url.pathname,
      query: url.searchParams,
      headers: flatHeaders(request.headers),
      body,
    },
    options,
  );
}
