import type { Deployment } from './deployment.ts';
import { readOutputsFile, requireOutputs, type OutputName } from './outputs.ts';
import { StackDeployment } from './stack-deployment.ts';

/** Where a command works: a local data directory, or the stack in AWS an outputs file names. */
export type DeploymentSource = { dataDir: string } | { awsOutputs: string };

/** What a command uses of a deployment. */
export interface Needs {
  /** The stack outputs it reads, checked before anything runs. */
  outputs: OutputName[];
  /** Whether it invokes functions (locally, they are then bundled and run). */
  functions?: boolean;
}

/** A deployed stack when --aws names its outputs file; the data directory otherwise. */
export function sourceOf(options: { dataDir: string; aws?: string }): DeploymentSource {
  return options.aws ? { awsOutputs: options.aws } : { dataDir: options.dataDir };
}

/**
 * Runs `work` on a deployment, closed after: in AWS with the caller's credentials and region,
 * or locally on a data directory (the same API calls, against the emulators).
 */
export async function withDeployment<T>(source: DeploymentSource, needs: Needs, work: (deployment: Deployment) => Promise<T>): Promise<T> {
  const deployment = await openDeployment(source, needs);
  try {
    return await work(deployment);
  } finally {
    await deployment.close();
  }
}

async function openDeployment(source: DeploymentSource, needs: Needs): Promise<Deployment> {
  if ('dataDir' in source) {
    // Loaded on demand: the local cloud brings the CDK app, which a command on AWS never needs.
    const { openLocalDeployment } = await import('../local-cloud/local-deployment.ts');
    return openLocalDeployment(source.dataDir, needs.functions ?? false);
  }
  const outputs = await readOutputsFile(source.awsOutputs);
  requireOutputs(outputs, needs.outputs, source.awsOutputs);
  return new StackDeployment(outputs, { name: `the stack in ${source.awsOutputs}` });
}
