// dynalite on its own thread, so the tables do not compete with the workflows for the main one.
// With fault rates, a second port serves the same tables for the functions, through a proxy that
// injects faults: a share of requests fail with DynamoDB's transient errors before they reach a
// table, and (crash-between) a share of the case changes that carry audit entries have the first
// PutItem of those entries fail with an error the SDK does not retry, so the invocation that made
// the change dies between its two writes; the retry's writes go through.
import { Buffer } from 'node:buffer';
import { createServer, request as forward } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';
import { randomSource } from './random-source.mjs';

const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(workerData.path ? { path: workerData.path } : {}) });
const listening = (s) => new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s.address().port)));
const port = await listening(server);

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

function fail(response, [status, type, message]) {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': type });
  response.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }));
}

function readAll(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** The audit entry keys a case change carries in its outbox. */
const entryKeysIn = (body) => [...body.matchAll(/"entryKey":\{"S":"([^"]+)"\}/g)].map((m) => m[1]);

function faultProxy(rate, crashBetween) {
  const draw = randomSource(workerData.faultSeed ?? 1);
  const drawBetween = randomSource((workerData.faultSeed ?? 1) + 100);
  const poisoned = new Set();
  let next = 0;
  return createServer(async (request, response) => {
    const body = (await readAll(request)).toString('utf8');
    const target = String(request.headers['x-amz-target'] ?? '');
    if (rate > 0 && draw() < rate) {
      parentPort.postMessage({ fault: 'dynamodb' });
      return fail(response, ERRORS[next++ % ERRORS.length]);
    }
    const key = target.endsWith('.PutItem') ? entryKeysIn(body).find((k) => poisoned.has(k)) : undefined;
    if (key) {
      for (const entry of entryKeysIn(body)) poisoned.delete(entry);
      return fail(response, CRASH);
    }
    const upstream = forward({ host: '127.0.0.1', port, method: request.method, path: request.url, headers: request.headers }, (answer) => {
      const entries = answer.statusCode === 200 && target.endsWith('.UpdateItem') ? entryKeysIn(body) : [];
      if (entries.length && crashBetween > 0 && drawBetween() < crashBetween) {
        for (const entry of entries) poisoned.add(entry);
        parentPort.postMessage({ fault: 'crashBetween' });
      }
      response.writeHead(answer.statusCode, answer.headers);
      answer.pipe(response);
    });
    upstream.end(body);
  });
}

const rate = workerData.faultRate ?? 0;
const crashBetween = workerData.crashBetween ?? 0;
const faulty = rate > 0 || crashBetween > 0 ? faultProxy(rate, crashBetween) : undefined;
parentPort.postMessage({ port, faultyPort: faulty ? await listening(faulty) : undefined });

parentPort.on('message', (message) => {
  if (message === 'requests') parentPort.postMessage({ requests: { ...requests } });
  if (message === 'stop') {
    faulty?.close();
    server.close(() => parentPort.postMessage({ stopped: true }));
  }
});
