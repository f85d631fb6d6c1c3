import { access } from 'node:fs/promises';
import type { Deployment, Email } from '../deployment/deployment.ts';
import { readOutputsFile } from '../deployment/outputs.ts';
import { StackDeployment } from '../deployment/stack-deployment.ts';
import { Emulators } from './emulators.ts';

/** Every email the local SES at `inboxUrl` has accepted, oldest first. */
export async function inboxEmails(inboxUrl: string): Promise<Email[]> {
  const response = await fetch(`${inboxUrl}/store`);
  const { emails } = (await response.json()) as { emails: Email[] };
  return emails;
}

/**
 * A data directory's deployment. To run functions, the whole local cloud. For the tables and
 * histories alone, only the emulators over the directory, with the names its last deploy wrote to
 * outputs.json (as `cdk deploy --outputs-file` writes them): nothing is synthesized. A directory
 * never deployed to is deployed first, without functions.
 */
export async function openLocalDeployment(dataDir: string, withFunctions: boolean): Promise<Deployment> {
  const outputsFile = `${dataDir}/outputs.json`;
  const deployed = await access(outputsFile).then(
    () => true,
    () => false,
  );
  if (withFunctions || !deployed) {
    const { LocalCloud } = await import('./local-cloud.ts');
    return LocalCloud.start({ dataDir, functions: withFunctions });
  }
  const outputs = await readOutputsFile(outputsFile);
  const emulators = await Emulators.start({ dataDir });
  return new StackDeployment(outputs, {
    name: dataDir,
    clients: { dynamodb: emulators.clientConfig('dynamodb'), sfn: emulators.clientConfig('sfn'), lambda: emulators.clientConfig('lambda') },
    now: () => emulators.clock.date(),
    emails: () => inboxEmails(emulators.urls.inbox),
    onClose: () => emulators.stop(),
  });
}
