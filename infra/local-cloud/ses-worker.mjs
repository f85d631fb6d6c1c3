// aws-ses-v2-local on its own thread, so the mail does not compete with the workflows for the main one.
import { parentPort, workerData } from 'node:worker_threads';
import sesModule from 'aws-ses-v2-local';

// A CommonJS package with a default export: loaders disagree on whether it is unwrapped.
const start = typeof sesModule === 'function' ? sesModule : sesModule.default;
const server = await start({ host: '127.0.0.1', port: workerData.port });
const address = server.address();
parentPort.postMessage(address ? { port: address.port } : { error: `port ${workerData.port} is in use` });
parentPort.on('message', (message) => {
  if (message === 'stop') {
    server.closeAllConnections();
    server.close(() => parentPort.postMessage({ stopped: true }));
  }
});
