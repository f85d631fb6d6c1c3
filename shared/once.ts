/**
 * A value made on first use and kept: what a cold start need not pay for (a time zone's
 * formatter costs 10 to 15 ms, and not every call reads one), or what a container should hold
 * only once (its DynamoDB client).
 */
export function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
