/**
 * A value made on first use and kept. For what a cold start need not pay for, such as a time
 * zone's formatter (loading its rules costs 10 to 15 ms): not every call of a function reads one.
 */
export function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
