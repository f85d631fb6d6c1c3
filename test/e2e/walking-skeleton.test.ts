import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, STACK_NAME } from '#infra/app.ts';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { TemplateResolver, type Template } from '#infra/local-cloud/template.ts';
import { cpscRecords, form, linkIn } from '../support/data.ts';

const MONDAY_9AM_NEW_YORK = new Date('2026-03-02T14:00:00Z');
const MARKETPLACES = [
  { id: 'alimart', name: 'AliMart', noticeEmails: ['safety@alimart.example'] },
  { id: 'bazaarly', name: 'Bazaarly', noticeEmails: ['notices@bazaarly.example'], escalationEmails: ['legal@bazaarly.example'] },
];

describe('one recall from ingest to closed case, on the synthesized workflow', () => {
  let cloud: LocalCloud;
  let sfn: SFNClient;
  const recall = cpscRecords().find((r) => r.RecallNumber === '26582')!;

  beforeAll(async () => {
    cloud = await LocalCloud.start({ start: MONDAY_9AM_NEW_YORK });
    sfn = new SFNClient(cloud.clientConfig('sfn'));
    await cloud.importMarketplaces(MARKETPLACES);
    const result = await cloud.invoke('ingest', { source: 'test', records: [recall] });
    expect(result).toMatchObject({ inserted: 1, workflowsStarted: 1, quarantined: [] });
    await cloud.clock.settle();
  });
  afterAll(async () => {
    sfn?.destroy();
    await cloud?.stop();
  });

  it('runs exactly the ASL of the synthesized template', () => {
    const { app } = buildApp({ context: { 'aws:cdk:bundling-stacks': [] } });
    const template = app.synth().getStackByName(STACK_NAME).template as Template;
    const resolver = new TemplateResolver(template, { region: 'us-east-1', account: '000000000000', stackName: STACK_NAME });
    const machines = resolver.ofType('AWS::StepFunctions::StateMachine');
    expect(machines).toHaveLength(3);
    for (const [id, machine] of machines) {
      const synthesized = JSON.parse(String(resolver.resolve(machine.Properties!.DefinitionString)));
      expect(cloud.definition(resolver.arn(id))).toEqual(synthesized);
    }
    const caseMachine = cloud.definition(cloud.caseStateMachineArn) as { States: Record<string, Record<string, unknown>> };
    expect(caseMachine.States.AwaitAnswer).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      TimeoutSecondsPath: '$.timer.timeoutSeconds',
    });
  });

  it('emails each marketplace its notice with a signed link', async () => {
    const emails = await cloud.emails();
    expect(emails.map((e) => e.destination.to[0]).sort()).toEqual(['notices@bazaarly.example', 'safety@alimart.example']);
    for (const email of emails) {
      expect(email.subject).toContain('Recall 26582');
      expect(linkIn(email.body.text)).toMatch(new RegExp(`^${cloud.urls.respond}respond/26582\\.(alimart|bazaarly)\\?exp=\\d+&sig=`));
      expect(email.body.html).toContain(linkIn(email.body.text).replace(/&/g, '&amp;'));
    }
    const record = await cloud.caseRecord('26582.alimart');
    expect(record).toMatchObject({ status: 'NOTIFIED', deadline: '2026-03-05T04:59:59.000Z' });
    expect(record?.timers?.map((t) => t.step)).toEqual(['REMIND', 'ESCALATE', 'FINAL_NOTICE', 'EXPIRE']);
  });

  it('closes the case answered "blocked" through the link in its email', async () => {
    const notice = (await cloud.emails()).find((e) => e.destination.to[0] === 'safety@alimart.example')!;
    const link = linkIn(notice.body.text);

    const page = await fetch(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Combination Smoke and Carbon Monoxide');
    expect(html).toContain('name="answer" value="blocked"');
    expect(await cloud.caseRecord('26582.alimart')).toMatchObject({ status: 'NOTIFIED' });

    const receipt = await fetch(
      link,
      form({ answer: 'blocked', listings: 'https://alimart.example/item/981\nALI-77120', count: '2', blockedAt: '2026-03-02T11:15' }),
    );
    expect(receipt.status).toBe(200);
    expect(await receipt.text()).toContain('your answer is recorded');
    await cloud.clock.settle();

    const arn = `arn:aws:states:us-east-1:000000000000:execution:RecallGuard-case:26582.alimart`;
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(execution.status).toBe('SUCCEEDED');
    const record = await cloud.caseRecord('26582.alimart');
    expect(record).toMatchObject({ status: 'BLOCKED', answerOnTime: true, answerDelivered: true, timers: [] });
    expect(record?.closedAt).toBeDefined();
    expect(record?.answer).toMatchObject({
      answer: 'blocked',
      count: 2,
      listings: ['https://alimart.example/item/981', 'ALI-77120'],
      blockedAt: '2026-03-02T16:15:00.000Z',
    });

    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }));
    const entered = events.filter((e) => e.type === 'TaskStateEntered').map((e) => e.stateEnteredEventDetails?.name);
    expect(entered).toEqual(['NotifyMarketplace', 'AwaitAnswer', 'CloseCase']);
    expect(JSON.stringify(events)).not.toContain(record?.taskToken);

    const again = await fetch(link, form({ answer: 'not_listed' }));
    expect(await again.text()).toContain('An answer is already recorded');
    expect(await cloud.caseRecord('26582.alimart')).toMatchObject({ status: 'BLOCKED' });
  });

  it("carries a change of the recall into the open case's next email", async () => {
    const corrected = { ...recall, Description: `${recall.Description} Also sold as model TL-SC01.` };
    expect(await cloud.invoke('ingest', { source: 'correction', records: [corrected] })).toMatchObject({ updated: 1 });
    await cloud.clock.run({ until: new Date('2026-03-04T06:00:00Z') });
    const reminder = (await cloud.emails()).find((e) => e.subject.startsWith('Reminder') && e.destination.to[0] === 'notices@bazaarly.example');
    expect(reminder?.body.text).toContain('Also sold as model TL-SC01.');
  });

  it('takes the timeout path when the deadline passes, in virtual time', async () => {
    const arn = `arn:aws:states:us-east-1:000000000000:execution:RecallGuard-case:26582.bazaarly`;
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('RUNNING');
    const reached = await cloud.clock.run({ until: new Date('2026-03-05T06:00:00Z') });
    expect(reached.toISOString()).toBe('2026-03-05T06:00:00.000Z');

    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('RUNNING');
    expect(await cloud.caseRecord('26582.bazaarly')).toMatchObject({
      status: 'OVERDUE',
      remindedAt: '2026-03-04T04:59:59.000Z',
      escalatedAt: '2026-03-05T04:59:59.000Z',
    });
    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }));
    expect(events.map((e) => e.type)).toContain('TaskTimedOut');
    const entered = events.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name);
    expect(entered).toEqual(['NotifyMarketplace', 'AwaitAnswer', 'WhichTimer', 'SendReminder', 'AwaitAnswer', 'WhichTimer', 'Escalate', 'AwaitAnswer']);
    const escalation = (await cloud.emails()).find((e) => e.subject.startsWith('OVERDUE'))!;
    expect(escalation.destination).toMatchObject({ to: ['legal@bazaarly.example'], cc: ['compliance@example.gov'] });
  });

  it('records an answer after the deadline as late and closes the case', async () => {
    await cloud.clock.run({ until: new Date('2026-03-05T15:00:00Z') });
    const notice = (await cloud.emails()).find((e) => e.destination.to[0] === 'notices@bazaarly.example')!;
    const response = await fetch(linkIn(notice.body.text), form({ answer: 'not_listed' }));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('recorded as late');
    expect(await cloud.caseRecord('26582.bazaarly')).toMatchObject({ status: 'NOT_LISTED', answerOnTime: false, answeredAt: '2026-03-05T15:00:00.000Z' });
    await cloud.clock.settle();
    const arn = `arn:aws:states:us-east-1:000000000000:execution:RecallGuard-case:26582.bazaarly`;
    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }));
    expect(events.at(-1)?.type).toBe('ExecutionSucceeded');
    expect(events.filter((e) => e.type === 'TaskStateEntered').at(-1)?.stateEnteredEventDetails?.name).toBe('CloseCase');
  });

  it('answers StartExecution for an existing case name as AWS does', async () => {
    const start = new StartExecutionCommand({ stateMachineArn: cloud.caseStateMachineArn, name: '26582.alimart', input: '{}' });
    await expect(sfn.send(start)).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
  });
});
