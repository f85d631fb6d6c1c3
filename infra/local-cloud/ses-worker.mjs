// aws-ses-v2-local on its own thread, so the mail does not compete with the workflows for the main one.
// Its AWS API (the v2 REST API, the v1 query API at `/`) is behind the local cloud's IAM: each
// send is signed, authorized on its identity and its configuration set (iam/gate.mjs), and sent
// only from a verified identity; the web inbox (`/`, `/store`) is open. It tells the main thread
// of every email it accepts, so the local cloud can publish the events SES's mailbox simulator
// would (bounce@ and complaint@simulator.amazonses.com).
import { parentPort, workerData } from 'node:worker_threads';
import sesModule from 'aws-ses-v2-local';
import { readAll, ThreadGate } from './iam/gate.mjs';
import { sesRequest } from './iam/requests.mjs';
import { installVirtualDate } from './virtual-date.mjs';
import { randomSource } from './random-source.mjs';

// The inbox dates each email by the local cloud's clock.
const systemNow = installVirtualDate(workerData.clockBuffer);

// A CommonJS package with a default export: loaders disagree on whether it is unwrapped.
const start = typeof sesModule === 'function' ? sesModule : sesModule.default;
const server = await start({ host: '127.0.0.1', port: workerData.port });
const address = server.address();
parentPort.postMessage(address ? { port: address.port } : { error: `port ${workerData.port} is in use` });

const where = { region: workerData.region, account: workerData.account, identities: [] };
const gate = new ThreadGate(parentPort, { region: workerData.region, service: 'ses', clocks: [() => Date.now(), systemNow] });
const isApi = (request) => request.url?.startsWith('/v2/') || (request.method === 'POST' && new URL(request.url ?? '/', 'http://local').pathname === '/');

function answer(response, status, type, message) {
  response.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
  response.end(JSON.stringify({ message }));
}

/** The email the library accepted, told to the main thread. */
function reportSent(response, input) {
  const end = response.end;
  response.end = function (chunk, ...rest) {
    try {
      const sent = JSON.parse(chunk ? String(chunk) : '{}');
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
}

// With a fault rate, that share of the functions' sends is refused as SES refuses a burst over
// the sending rate (HTTP 429, TooManyRequestsException), before the inbox sees it.
const rate = workerData.faultRate ?? 0;
const draw = randomSource(workerData.faultSeed ?? 2);

/** Checks an AWS API request; returns its parsed body to pass on, or undefined once it has been answered. */
async function admit(request, response, raw) {
  const caller = await gate.authenticate(request, raw);
  if (!caller.ok) return void answer(response, 403, caller.code, caller.message);
  const path = new URL(request.url ?? '/', 'http://local').pathname;
  const text = raw.toString('utf8');
  const isForm = String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  let body;
  try {
    body = isForm ? Object.fromEntries(new URLSearchParams(text)) : JSON.parse(text || '{}');
  } catch {
    return void answer(response, 400, 'BadRequestException', 'the request body is not JSON');
  }
  const asked = sesRequest(request.method, path, body, where);
  if (asked.unsupported) return void answer(response, 400, 'BadRequestException', `the local cloud does not serve ${asked.unsupported}`);
  const decided = await gate.authorize(caller.accessKeyId, asked.action, asked.resources, asked.context);
  if (!decided.allowed) {
    const message = `User \`${decided.principal}' is not authorized to perform \`${asked.action}' on resource \`${decided.resource}'`;
    return void answer(response, 403, 'AccessDeniedException', message);
  }
  if (!asked.verified) {
    const message = `Email address is not verified. The following identities failed the check in region ${workerData.region.toUpperCase()}: ${asked.from}`;
    return void answer(response, 400, 'MessageRejected', message);
  }
  if (caller.faults && rate > 0 && draw() < rate) {
    parentPort.postMessage({ fault: 'ses' });
    return void answer(response, 429, 'TooManyRequestsException', 'Maximum sending rate exceeded.');
  }
  return body;
}

const handlers = server.listeners('request');
server.removeAllListeners('request');
server.on('request', async (request, response) => {
  if (isApi(request)) {
    const raw = await readAll(request);
    const body = await admit(request, response, raw);
    if (body === undefined) return;
    if (request.url?.startsWith('/v2/email/outbound-emails')) reportSent(response, body);
    // The body is read: express's body parser finds the stream finished and keeps this one.
    Object.assign(request, { body });
  }
  for (const handler of handlers) handler.call(server, request, response);
});

parentPort.on('message', (message) => {
  if (gate.receive(message)) return;
  if (message === 'iam-checked') parentPort.postMessage({ iamChecked: gate.checked });
  if (message?.identities) where.identities = [...new Set([...where.identities, ...message.identities])];
  if (message === 'stop') {
    server.closeAllConnections();
    server.close(() => parentPort.postMessage({ stopped: true }));
  }
});
