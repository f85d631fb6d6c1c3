// aws-ses-v2-local on its own thread, so the mail does not compete with the workflows for the main one.
// It tells the main thread of every email it accepts, so the local cloud can publish the events
// SES's mailbox simulator would (bounce@ and complaint@simulator.amazonses.com).
import { Buffer } from 'node:buffer';
import { parentPort, workerData } from 'node:worker_threads';
import sesModule from 'aws-ses-v2-local';
import { installVirtualDate } from './virtual-date.mjs';
import { randomSource } from './random-source.mjs';

// The inbox dates each email by the local cloud's clock.
installVirtualDate(workerData.clockBuffer);

// A CommonJS package with a default export: loaders disagree on whether it is unwrapped.
const start = typeof sesModule === 'function' ? sesModule : sesModule.default;
const server = await start({ host: '127.0.0.1', port: workerData.port });
const address = server.address();
parentPort.postMessage(address ? { port: address.port } : { error: `port ${workerData.port} is in use` });

server.prependListener('request', (request, response) => {
  if (request.method !== 'POST' || !request.url?.startsWith('/v2/email/outbound-emails')) return;
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  const end = response.end;
  response.end = function (chunk, ...rest) {
    try {
      const sent = JSON.parse(chunk ? String(chunk) : '{}');
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (response.statusCode === 200 && sent.MessageId) {
        parentPort.postMessage({
          sent: {
            messageId: sent.MessageId,
            from: input.FromEmailAddress,
            destination: [...(input.Destination?.ToAddresses ?? []), ...(input.Destination?.CcAddresses ?? []), ...(input.Destination?.BccAddresses ?? [])],
            configurationSet: input.ConfigurationSetName,
            tags: Object.fromEntries((input.EmailTags ?? []).map((t) => [t.Name, [t.Value]])),
          },
        });
      }
    } catch {
      // Not an email this thread can describe: nothing to publish.
    }
    return end.call(this, chunk, ...rest);
  };
});

// With a fault rate, that share of sends is refused as SES refuses a burst over the sending
// rate (HTTP 429, TooManyRequestsException), before the inbox sees it.
const rate = workerData.faultRate ?? 0;
if (rate > 0) {
  const draw = randomSource(workerData.faultSeed ?? 2);
  const handlers = server.listeners('request');
  server.removeAllListeners('request');
  server.on('request', (request, response) => {
    if (request.method === 'POST' && request.url?.startsWith('/v2/email/outbound-emails') && draw() < rate) {
      parentPort.postMessage({ fault: 'ses' });
      request.resume();
      request.on('end', () => {
        response.writeHead(429, { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' });
        response.end(JSON.stringify({ message: 'Maximum sending rate exceeded.' }));
      });
      return;
    }
    for (const handler of handlers) handler.call(server, request, response);
  });
}

parentPort.on('message', (message) => {
  if (message === 'stop') {
    server.closeAllConnections();
    server.close(() => parentPort.postMessage({ stopped: true }));
  }
});
