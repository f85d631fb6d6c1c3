/**
 * AWS prices (us-east-1, published, free tiers ignored) and the assumptions the benchmark's cost
 * figures rest on. Each figure is counted in the run: state transitions, function invocations,
 * emails, DynamoDB requests, API requests.
 */
export const PRICES = {
  /** Step Functions Standard, per state transition. */
  transition: 0.025 / 1000,
  /** Lambda, per request and per GB-second (arm64). */
  lambdaRequest: 0.2 / 1_000_000,
  lambdaGbSecond: 0.0000133334,
  /** SES, per email. */
  email: 0.1 / 1000,
  /** DynamoDB on demand, per write and read request unit. */
  writeUnit: 0.625 / 1_000_000,
  readUnit: 0.125 / 1_000_000,
  /** API Gateway REST API, per request, and AWS WAF's request charge in front of it. */
  apiRequest: 3.5 / 1_000_000 + 0.6 / 1_000_000,
};

/** Billed duration and memory of an invocation (the local cloud's wall times say nothing of Lambda's). */
export const LAMBDA_SECONDS = 0.3;
export const LAMBDA_GB = 0.25;
/** A case record or audit entry is 1 to 2 KB: 2 write units a write; reads are under 4 KB. */
export const UNITS_PER_WRITE = 2;

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem']);

export interface Usage {
  transitions: number;
  invocations: number;
  emails: number;
  writes: number;
  reads: number;
  apiRequests: number;
}

export function dynamodbUsage(requests: Record<string, number>): Pick<Usage, 'writes' | 'reads'> {
  let writes = 0;
  let reads = 0;
  for (const [operation, n] of Object.entries(requests)) {
    if (WRITES.has(operation)) writes += n;
    if (READS.has(operation)) reads += n;
  }
  return { writes, reads };
}

export function costOf(u: Usage): number {
  return (
    u.transitions * PRICES.transition +
    u.invocations * (PRICES.lambdaRequest + LAMBDA_SECONDS * LAMBDA_GB * PRICES.lambdaGbSecond) +
    u.emails * PRICES.email +
    u.writes * UNITS_PER_WRITE * PRICES.writeUnit +
    u.reads * PRICES.readUnit +
    u.apiRequests * PRICES.apiRequest
  );
}

/**
 * What a polling design adds to a case: a check every hour until the case is answered (or ends),
 * each a Wait, a Task and a Choice (3 transitions), one invocation and one read of the case.
 */
export function pollingExtra(hoursWaiting: number): Usage {
  const checks = Math.max(1, Math.ceil(hoursWaiting));
  return { transitions: 3 * checks, invocations: checks, emails: 0, writes: 0, reads: checks, apiRequests: 0 };
}

export const add = (a: Usage, b: Usage): Usage => ({
  transitions: a.transitions + b.transitions,
  invocations: a.invocations + b.invocations,
  emails: a.emails + b.emails,
  writes: a.writes + b.writes,
  reads: a.reads + b.reads,
  apiRequests: a.apiRequests + b.apiRequests,
});

export const scale = (u: Usage, k: number): Usage => ({
  transitions: u.transitions * k,
  invocations: u.invocations * k,
  emails: u.emails * k,
  writes: u.writes * k,
  reads: u.reads * k,
  apiRequests: u.apiRequests * k,
});

export const usd = (n: number) => Math.round(n * 100) / 100;
