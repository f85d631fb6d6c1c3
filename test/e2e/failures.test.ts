import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { cpscRecords } from '../support/data.ts';

describe('a task that keeps failing, on the synthesized workflow', () => {
  let cloud: LocalCloud;
  let sfn: SFNClient;
  const executionArn = 'arn:aws:states:us-east-1:000000000000:execution:RecallGuard-case:26582.ghost';

  beforeAll(async () => {
    cloud = await LocalCloud.start({ start: new Date('2026-03-02T14:00:00Z') });
    sfn = new SFNClient(cloud.clientConfig('sfn'));
    await cloud.importMarketplaces([{ id: 'alimart', name: 'AliMart', noticeEmails: ['safety@alimart.example'] }]);
    await cloud.invoke('ingest', { source: 'test', records: cpscRecords().filter((r) => r.RecallNumber === '26582') });
    await cloud.clock.settle();
    // A case for a marketplace that is not configured: the notice cannot be written, every attempt.
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: cloud.caseStateMachineArn,
        name: '26582.ghost',
        input: JSON.stringify({ caseId: '26582.ghost', recallNumber: '26582', marketplaceId: 'ghost' }),
      }),
    );
    await cloud.clock.run({ until: new Date('2026-03-02T16:00:00Z') });
  });
  afterAll(async () => {
    sfn?.destroy();
    await cloud?.stop();
  });

  it('retries with backoff, then records the failure on the case and fails the execution', async () => {
    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const entered = events.filter((e) => e.type === 'TaskStateEntered').map((e) => e.stateEnteredEventDetails?.name);
    expect(entered).toEqual(['NotifyMarketplace', 'RecordFailure']);
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('FAILED');
    const record = await cloud.caseRecord('26582.ghost');
    expect(record?.failure).toMatchObject({ executionId: executionArn, error: 'Error' });
    expect(record?.failure?.cause).toContain('marketplace ghost is not configured');
  });

  it('writes it to the audit log and emails staff at once', async () => {
    const audit = await cloud.stores().audit.list('26582.ghost');
    expect(audit.map((e) => e.action)).toEqual(['WORKFLOW_FAILED']);
    const alert = (await cloud.emails()).filter((e) => e.subject.startsWith('FAILED'));
    expect(alert.map((e) => [e.subject, e.destination.to])).toEqual([['FAILED: the workflow of 26582.ghost stopped on an error', ['compliance@example.gov']]]);
    expect(alert[0]!.body.text).toContain('marketplace ghost is not configured');
  });

  it('logs each failed attempt as structured JSON with the case and execution ids', () => {
    const lines = cloud.lambda
      .logs(cloud.functionNames.notify)
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const failed = lines.filter((l) => l.message === 'invocation failed');
    expect(failed).toHaveLength(9);
    for (const line of failed) {
      expect(line).toMatchObject({
        level: 'ERROR',
        service: 'recallguard',
        caseId: '26582.ghost',
        executionId: executionArn,
        error: { message: 'case 26582.ghost: marketplace ghost is not configured' },
      });
    }
  });

  it('leaves the other cases of the recall running', async () => {
    expect(await cloud.caseRecord('26582.alimart')).toMatchObject({ status: 'NOTIFIED' });
  });
});
