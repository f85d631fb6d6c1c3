// dynalite on its own thread, so the tables do not compete with the workflows for the main one.
// With a fault rate, a second port serves the same tables but fails that share of requests
// with DynamoDB's transient errors, before they reach a table: the functions get that port.
import { createServer } from 'node:http';
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

const rate = workerData.faultRate ?? 0;
let faulty;
if (rate > 0) {
  const draw = randomSource(workerData.faultSeed ?? 1);
  const errors = [
    [400, 'ThrottlingException', 'Rate of requests exceeds the allowed throughput.'],
    [500, 'InternalServerError', 'Internal server error'],
  ];
  let next = 0;
  faulty = createServer((request, response) => {
    if (draw() >= rate) return server.emit('request', request, response);
    const [status, type, message] = errors[next++ % errors.length];
    parentPort.postMessage({ fault: 'dynamodb' });
    request.resume();
    request.on('end', () => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': type });
      response.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }));
    });
  });
}
parentPort.postMessage({ port, faultyPort: faulty ? await listening(faulty) : undefined });

parentPort.on('message', (message) => {
  if (message === 'requests') parentPort.postMessage({ requests: { ...requests } });
  if (message === 'stop') {
    faulty?.close();
    server.close(() => parentPort.postMessage({ stopped: true }));
  }
});
