/** A request as it reached a service, for checking its signature. */
export interface SignedRequest {
  method: string;
  /** The host as the caller addressed it (the Host header). */
  host: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Buffer;
}

export interface SigningSecret {
  secretAccessKey: string;
  sessionToken?: string;
}

export type Verification = { ok: true; accessKeyId: string } | { ok: false; code: string; message: string };

export function verifySignature(
  request: SignedRequest,
  options: { lookup: (accessKeyId: string) => SigningSecret | undefined; region: string; service: string; clocks: readonly (() => number)[] },
): Promise<Verification>;

export function flatHeaders(headers: NodeJS.Dict<string | string[]>): Record<string, string>;

export function verifyNodeRequest(
  request: import('node:http').IncomingMessage,
  body: Buffer,
  options: Parameters<typeof verifySignature>[1],
): Promise<Verification>;
