/** Where the requests are addressed: the local cloud's region and account. */
export interface Where {
  region: string;
  account: string;
}

export interface DescribedRequest {
  action: string;
  resources: string[];
  context: Record<string, string | string[]>;
}

export function dynamodbRequest(
  target: string,
  body: Record<string, unknown>,
  where: Where,
): (DescribedRequest & { unsupported?: undefined }) | { unsupported: string };

export const addressOf: (text: string | undefined) => string;

export function identityOf(address: string, identities: string[]): string | undefined;

export function sesRequest(
  method: string,
  path: string,
  body: Record<string, unknown>,
  where: Where & { identities: string[] },
): (DescribedRequest & { from: string; verified: boolean; unsupported?: undefined }) | { unsupported: string };
