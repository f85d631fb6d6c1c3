import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { LocalCloud } from '#infra/local-cloud/local-cloud.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs `npm run cli -- <args> --aws OUTPUTS` as on a deployed stack: the SDK pointed at this local
 * cloud through the standard AWS variables, with the operator's keys (the README's CLI user), as
 * the environment points it at AWS.
 */
export function awsCli(cloud: LocalCloud, outputsFile: string, ...extra: string[]) {
  return awsCliWith(cloud, outputsFile, {}, ...extra);
}

/** The same, with some of the environment changed (another secret, say). */
export function awsCliWith(cloud: LocalCloud, outputsFile: string, changed: Record<string, string>, ...extra: string[]) {
  return (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/cli/main.ts', ...args, '--aws', outputsFile, ...extra], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
      env: {
        ...process.env,
        AWS_REGION: cloud.aws.region,
        AWS_ACCESS_KEY_ID: cloud.aws.accessKeyId,
        AWS_SECRET_ACCESS_KEY: cloud.aws.secretAccessKey,
        AWS_ENDPOINT_URL: cloud.aws.endpoint,
        ...changed,
      },
    });
}
