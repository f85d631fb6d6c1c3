import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { StackDeployment } from '#infra/deployment/stack-deployment.ts';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { openLocalDeployment } from '#infra/local-cloud/local-deployment.ts';

describe('a data directory as a deployment', () => {
  it('is deployed once; later, commands on its tables open it from the outputs of that deploy, with nothing synthesized', async () => {
    const dir = await mkdtemp(`${tmpdir()}/recallguard-deployment-`);
    const first = await openLocalDeployment(dir, false);
    expect(first).toBeInstanceOf(LocalCloud);
    await first.stores().marketplaces.put({
      id: 'alimart',
      name: 'AliMart',
      noticeEmails: ['safety@alimart.example'],
      escalationEmails: [],
      aliases: [],
      active: true,
      policy: first.defaultPolicy,
    });
    const at = first.now();
    await first.close();

    const again = await openLocalDeployment(dir, false);
    try {
      expect(again).toBeInstanceOf(StackDeployment);
      expect(again.name).toBe(dir);
      expect(again.now()).toEqual(at);
      expect(again.defaultPolicy).toEqual(first.defaultPolicy);
      expect(await again.stores().marketplaces.get('alimart')).toMatchObject({ name: 'AliMart' });
      expect(await again.stores().cases.list()).toEqual([]);
    } finally {
      await again.close();
    }
  });
});
