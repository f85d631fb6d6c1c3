// dynalite on its own thread, so the tables do not compete with the workflows for the main one.
// Every request comes in through one port, as it would reach DynamoDB: its signature is checked
// and each table or index it touches is authorized (iam/gate.mjs) before a table sees it. With
// fault rates, the functions' requests then meet the faults: a share fail with DynamoDB's
// transient errors, and (crash-between) a share of the case changes that carry audit entries have
// the first PutItem of those entries fail with an error the SDK does not retry, so the invocation
// that made the change dies between its two writes; the retry's writes go through.
import { createServer, request as forward } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';
import { readAll, ThreadGate } from './iam/gate.mjs';
import { dynamodbRequest } from './iam/requests.mjs';
import { randomSource } from './random-source.mjs';
import { virtualNow } from './virtual-date.mjs';

const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(workerData.path ? { path: workerData.path } : {}) });
const listening = (s) => new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s.address().port)));
const tablesPort = await listening(server);

// Requests by operation (X-Amz-Target), for the cost figures of the benchmarks.
const requests = {};
server.prependListener('request', (request) => {
  const operation =
    String(request.headers['x-amz-target'] ?? '')
      .split('.')
      .pop() || 'unknown';
  requests[operation] = (requests[operation] ?? 0) + 1;
});

/** Not retried by the SDK: the invocation ends there, as if the function had died. */
const CRASH = [400, 'ValidationException', 'injected: the function died between its two writes'];
const ERRORS = [
  [400, 'ThrottlingException', 'Rate of requests exceeds the allowed throughput.'],
  [500, 'InternalServerError', 'Internal server error'],
];

function fail(response, [status, type, message], namespace = 'com.amazonaws.dynamodb.v20120810') {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': type });
  response.end(JSON.stringify({ __type: `${namespace}#${type}`, message }));
}

/** The audit entry keys a case change carries in its outbox. */
const entryKeysIn = (body) => [...body.matchAll(/"entryKey":\{"S":"([^"]+)"\}/g)].map((m) => m[1]);

const where = { region: workerData.region, account: workerData.account };
const gate = new ThreadGate(parentPort, { region: workerData.region, service: 'dynamodb', clocks: [virtualNow(workerData.clockBuffer), Date.now] });

/** The faults of the functions' requests: undefined to let one through, or how it fails. */
function faultInjector(rate, crashBetween) {
  const draw = randomSource(workerData.faultSeed ?? 1);
  const drawBetween = randomSource((workerData.faultSeed ?? 1) + 100);
  const poisoned = new Set();
  let next = 0;
  return {
    before(target, body) {
      if (rate > 0 && draw() < rate) {
        parentPort.postMessage({ fault: 'dynamodb' });
        return ERRORS[next++ % ERRORS.length];
      }
      const key = target.endsWith('.PutItem') ? entryKeysIn(body).find((k) => poisoned.has(k)) : undefined;
      if (!key) return undefined;
      for (const entry of entryKeysIn(body)) poisoned.delete(entry);
      return CRASH;
    },
    after(target, body, status) {
      const entries = status === 200 && target.endsWith('.UpdateItem') ? entryKeysIn(body) : [];
      if (entries.length && crashBetween > 0 && drawBetween() < crashBetween) {
        for (const entry of entries) poisoned.add(entry);
        parentPort.postMessage({ fault: 'crashBetween' });
      }
    },
  };
}

const faults = faultInjector(workerData.faultRate ?? 0, workerData.crashBetween ?? 0);
const DENIED = 'com.amazon.coral.service';

const front = createServer(async (request, response) => {
  const raw = await readAll(request);
  const body = raw.toString('utf8');
  const target = String(request.headers['x-amz-target'] ?? '');
  const caller = await gate.authenticate(request, raw);
  if (!caller.ok) return fail(response, [caller.code === 'MissingAuthenticationTokenException' ? 403 : 400, caller.code, caller.message], DENIED);
  let parsed;
  try {
    parsed = JSON.parse(body || '{}');
  } catch {
    return fail(response, [400, 'SerializationException', 'Start of structure or map found where not expected']);
  }
  const asked = dynamodbRequest(target, parsed, where);
  if (asked.unsupported) return fail(response, [400, 'UnknownOperationException', `the local cloud does not serve ${asked.unsupported}`], DENIED);
  const { action, resources, context } = asked;
  const decided = await gate.authorize(caller.accessKeyId, action, resources, context);
  if (!decided.allowed) return fail(response, [400, 'AccessDeniedException', decided.message], DENIED);
  const failure = caller.faults ? faults.before(target, body) : undefined;
  if (failure) return fail(response, failure);
  const upstream = forward({ host: '127.0.0.1', port: tablesPort, method: request.method, path: request.url, headers: request.headers }, (answer) => {
    if (caller.faults) faults.after(target, body, answer.statusCode);
    response.writeHead(answer.statusCode, answer.headers);
    answer.pipe(response);
  });
  upstream.end(raw);
});
parentPort.postMessage({ port: await listening(front) });

parentPort.on('message', (message) => {
  if (gate.receive(message)) return;
  if (message === 'iam-checked') parentPort.postMessage({ iamChecked: gate.checked });
  if (message === 'requests') parentPort.postMessage({ requests: { ...requests } });
  if (message === 'stop') {
    front.closeAllConnections();
    front.close();
    server.close(() => parentPort.postMessage({ stopped: true }));
  }
});
