// One Lambda execution environment of the local cloud: loads a function's deployed bundle and
// runs its handler for each invocation message. Its Date reads the local cloud's clock.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';
import { installVirtualDate } from './virtual-date.mjs';

const { bundleFile, handlerExport, functionName, timeoutMs, memoryMb, clockBuffer } = workerData;
const systemNow = installVirtualDate(clockBuffer);

const loaded = import(pathToFileURL(bundleFile).href).then((module) => {
  const handler = module[handlerExport];
  if (typeof handler !== 'function') throw new Error(`${bundleFile} exports no function named ${handlerExport}`);
  return handler;
});

function errorPayload(error) {
  const e = error instanceof Error ? error : new Error(String(error));
  return { errorType: e.name || 'Error', errorMessage: e.message, trace: (e.stack ?? '').split('\n') };
}

parentPort.on('message', async ({ id, event }) => {
  const started = systemNow();
  const context = {
    awsRequestId: randomUUID(),
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:000000000000:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (systemNow() - started)),
  };
  try {
    const handler = await loaded;
    const result = await handler(event, context);
    parentPort.postMessage({ id, ok: true, result: result === undefined ? null : result });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: errorPayload(error) });
  }
});
