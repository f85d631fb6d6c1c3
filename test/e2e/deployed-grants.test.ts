import { rm } from 'node:fs/promises';
import { GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeApp } from '#infra/local-cloud/deploy.ts';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import type { Template } from '#infra/local-cloud/template.ts';
import { changeGrant, editedAssembly, functionId, functionRole, stateMachineRole } from '../support/assemblies.ts';
import { cpscRecords, form, linkIn } from '../support/data.ts';

// Monday 2026-03-02, 09:00 in New York.
const START = new Date('2026-03-02T14:00:00Z');
const CASE = '26582.alimart';

/** One recall's case for one marketplace, on a cloud deployed from `app`: notified, then answered "blocked" through its link. */
async function runCase(app: string): Promise<LocalCloud> {
  const cloud = await LocalCloud.start({ start: START, app });
  await cloud.importMarketplaces([{ id: 'alimart', name: 'AliMart', noticeEmails: ['safety@alimart.example'] }]);
  await cloud.invoke('ingest', { source: 'test', records: cpscRecords().filter((r) => r.RecallNumber === '26582') });
  await cloud.clock.run({ until: new Date('2026-03-02T15:00:00Z') });
  const notice = (await cloud.emails()).find((e) => e.destination.to.includes('safety@alimart.example'));
  if (notice) {
    await fetch(linkIn(notice.body.text), form({ answer: 'blocked', listings: 'https://alimart.example/item/1', count: '1', blockedAt: '2026-03-02T10:15' }));
    await cloud.clock.run({ until: new Date('2026-03-02T18:00:00Z') });
  }
  return cloud;
}

/** What a case whose workflow failed shows: WORKFLOW_FAILED in its audit log with the error and cause, and staff told. */
async function expectRecordedAndAlerted(cloud: LocalCloud, failure: { error?: string; cause: RegExp }): Promise<void> {
  const entry = (await cloud.stores().audit.list(CASE)).find((e) => e.action === 'WORKFLOW_FAILED');
  const detail = entry?.detail as { error: string; cause: string } | undefined;
  expect(detail?.cause).toMatch(failure.cause);
  if (failure.error) expect(detail?.error).toBe(failure.error);
  const alert = (await cloud.emails()).filter((e) => e.subject === `FAILED: the workflow of ${CASE} stopped on an error`);
  expect(alert.map((e) => e.destination.to)).toEqual([['compliance@example.gov']]);
}

/**
 * The artifact a cloud team ships, deployed as `cdk deploy --app DIR` takes it: the same
 * synthesized assembly with one grant taken out gets the call that needs it denied, exactly as
 * AWS denies it; the case is recorded as failed and staff are told. Unchanged, it runs clean.
 */
describe('a synthesized assembly, deployed with --app', () => {
  let base: string;
  const dirs: string[] = [];
  const variant = async (name: string, edit: (t: Template) => void) => {
    const dir = await editedAssembly(base, `${base}-${name}`, edit);
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    base = await synthesizeApp(true);
    dirs.push(base);
  });
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('runs a case to BLOCKED unchanged, with no call denied, and a duplicate start of its case goes straight to AlreadyStarted', async () => {
    const cloud = await runCase(base);
    try {
      expect(await cloud.caseRecord(CASE)).toMatchObject({ status: 'BLOCKED' });
      // The recall's workflow again, once the case's execution has ended: its start is refused, and caught at once.
      const sfn = new SFNClient(cloud.clientConfig('sfn'));
      const again = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: cloud.recallStateMachineArn, name: '26582-again', input: JSON.stringify({ recallNumber: '26582' }) }),
      );
      await cloud.clock.run({ until: new Date('2026-03-02T18:05:00Z') });
      const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn: again.executionArn }));
      const starts = events.filter((e) => e.type === 'TaskScheduled' && e.taskScheduledEventDetails?.resource?.includes('startExecution'));
      expect(starts).toHaveLength(1);
      expect(events.map((e) => e.stateEnteredEventDetails?.name).filter(Boolean)).toContain('AlreadyStarted');
      expect(events.at(-1)?.type).toBe('ExecutionSucceeded');
      sfn.destroy();
      expect(cloud.iam.denials()).toEqual([]);
    } finally {
      await cloud.stop();
    }
  });

  it('denies notify its DynamoDB write without the grant, as DynamoDB says it', async () => {
    const cloud = await runCase(
      await variant('no-put', (t) =>
        changeGrant(t, functionRole(t, 'notify'), 'dynamodb:PutItem', (s) => ({ ...s, Action: [s.Action].flat().filter((a) => a !== 'dynamodb:PutItem') })),
      ),
    );
    try {
      const denials = cloud.iam.takeDenials();
      expect(new Set(denials.map((d) => `${d.action} ${d.resource}`))).toEqual(
        new Set([`dynamodb:PutItem arn:aws:dynamodb:us-east-1:000000000000:table/${cloud.tableNames.cases}`]),
      );
      expect(denials[0]!.principal).toMatch(/^arn:aws:sts::000000000000:assumed-role\/CaseMailNotifyRole[^/]+\/CaseMailNotify/);
      await expectRecordedAndAlerted(cloud, {
        cause:
          /"errorType":"AccessDeniedException","errorMessage":"User: arn:aws:sts::000000000000:assumed-role\/CaseMailNotifyRole\S+ is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table\/TablesCases\S+ because no identity-based policy allows the dynamodb:PutItem action/,
      });
    } finally {
      await cloud.stop();
    }
  });

  it('denies the notice with the SES grant on the identity alone (aws/aws-cdk#34402), on the configuration set', async () => {
    const cloud = await runCase(
      await variant('identity-only', (t) =>
        changeGrant(t, functionRole(t, 'notify'), 'ses:SendEmail', (s) => ({
          ...s,
          Resource: [s.Resource].flat().filter((r) => JSON.stringify(r).includes('identity/')),
        })),
      ),
    );
    try {
      const denials = cloud.iam.takeDenials();
      expect(new Set(denials.map((d) => d.action))).toEqual(new Set(['ses:SendEmail']));
      expect(denials[0]!.resource).toMatch(/^arn:aws:ses:us-east-1:000000000000:configuration-set\//);
      await expectRecordedAndAlerted(cloud, {
        cause:
          /User `arn:aws:sts::000000000000:assumed-role\/CaseMailNotifyRole.*' is not authorized to perform `ses:SendEmail' on resource `.*configuration-set\//,
      });
      expect((await cloud.emails()).filter((e) => e.destination.to.includes('safety@alimart.example'))).toEqual([]);
    } finally {
      await cloud.stop();
    }
  });

  it('denies act-on-answer the start of the stay-down checks without its Step Functions grant', async () => {
    const cloud = await runCase(
      await variant('no-staydown-start', (t) => changeGrant(t, functionRole(t, 'actOnAnswer'), 'states:StartExecution', () => undefined)),
    );
    try {
      const denials = cloud.iam.takeDenials();
      expect(new Set(denials.map((d) => `${d.action} ${d.resource}`))).toEqual(new Set([`states:StartExecution ${cloud.staydownStateMachineArn}`]));
      await expectRecordedAndAlerted(cloud, { cause: /is not authorized to perform: states:StartExecution on resource: .*RecallGuard-staydown/ });
    } finally {
      await cloud.stop();
    }
  });

  it("fails the notice's task when the case workflow's role may not invoke notify, as Step Functions names the error", async () => {
    const cloud = await runCase(
      await variant('no-notify-invoke', (t) => {
        const notify = functionId(t, 'notify');
        changeGrant(t, stateMachineRole(t, '-case'), 'lambda:InvokeFunction', (s) => {
          const rest = [s.Resource].flat().filter((r) => !JSON.stringify(r).includes(notify));
          return rest.length ? { ...s, Resource: rest } : undefined;
        });
      }),
    );
    try {
      const denials = cloud.iam.takeDenials();
      expect(new Set(denials.map((d) => `${d.action} ${d.resource}`))).toEqual(
        new Set([`lambda:InvokeFunction arn:aws:lambda:us-east-1:000000000000:function:${cloud.functionNames.notify}`]),
      );
      await expectRecordedAndAlerted(cloud, {
        error: 'Lambda.AWSLambdaException',
        cause: /is not authorized to perform: lambda:InvokeFunction on resource: .*\(Service: AWSLambda; Status Code: 403; Error Code: AccessDeniedException/,
      });
    } finally {
      await cloud.stop();
    }
  });

  it('refuses to deploy alarms whose topic policy lets no alarm publish, with what CloudWatch would record', async () => {
    const app = await variant('silent-alarms', (t) => {
      for (const r of Object.values(t.Resources).filter((r) => r.Type === 'AWS::SNS::TopicPolicy')) {
        const document = r.Properties!.PolicyDocument as { Statement: { Sid?: string }[] };
        document.Statement = document.Statement.filter((s) => s.Sid !== 'AlarmsOfThisAccountPublish');
      }
    });
    await expect(LocalCloud.start({ start: START, app })).rejects.toThrow(
      /CloudWatch Alarms is not authorized to perform: SNS:Publish on resource:arn:aws:sns:us-east-1:000000000000:/,
    );
  });
});
