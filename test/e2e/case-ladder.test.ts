import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { LOCAL_PRINCIPAL_ARN } from '#infra/local-cloud/emulators.ts';
import { cpscRecords, form, linkIn } from '../support/data.ts';

/**
 * Every path of the ladder, on the synthesized workflows with the real handlers, in virtual
 * time: one recall, one marketplace per path, all notified Monday 2026-03-02 at 09:00 Eastern.
 */
const PATHS = ['prompt', 'reminded', 'late', 'silent', 'upheld', 'rejected', 'extended'] as const;
const caseId = (path: (typeof PATHS)[number]) => `26582.${path}`;
const executionArn = (path: (typeof PATHS)[number]) => `arn:aws:states:us-east-1:000000000000:execution:RecallGuard-case:${caseId(path)}`;

describe('the case ladder', () => {
  let cloud: LocalCloud;

  const at = (iso: string) => cloud.clock.run({ until: new Date(iso) });
  const answer = async (path: (typeof PATHS)[number], fields: Record<string, string>) => {
    const notice = (await cloud.emails()).find((e) => e.destination.to[0] === `safety@${path}.example`)!;
    const response = await fetch(linkIn(notice.body.text), form(fields));
    expect(response.status).toBe(200);
    await cloud.clock.settle();
  };
  const decide = async (path: (typeof PATHS)[number], decision: Record<string, string>) => {
    const result = await cloud.agencyApi('POST', `v1/agency/cases/${caseId(path)}/decision`, decision);
    expect(result).toMatchObject({ status: 200, body: { ok: true } });
    await cloud.clock.settle();
  };
  const states = (path: (typeof PATHS)[number]) =>
    cloud.stepFunctions
      .history(executionArn(path))
      .filter((e) => e.type.endsWith('StateEntered'))
      .map((e) => (e.stateEnteredEventDetails as { name: string }).name);
  const blocked = { answer: 'blocked', listings: 'https://m.example/listing/1', count: '1', blockedAt: '2026-03-02T10:00' };

  beforeAll(async () => {
    cloud = await LocalCloud.start({ start: new Date('2026-03-02T14:00:00Z') });
    await cloud.importMarketplaces(PATHS.map((path) => ({ id: path, name: `Market ${path}`, noticeEmails: [`safety@${path}.example`] })));
    await cloud.invoke('ingest', { source: 'test', records: cpscRecords().filter((r) => r.RecallNumber === '26582') });
    await cloud.clock.settle();

    await at('2026-03-02T16:00:00Z');
    await answer('prompt', blocked);
    await at('2026-03-03T15:00:00Z');
    await answer('upheld', { answer: 'dispute', reason: 'We never sold this brand.' });
    await answer('rejected', { answer: 'dispute', reason: 'The listings belong to another product.' });
    await answer('extended', { answer: 'extension', reason: 'Warehouse audit under way.', requestedDate: '2026-03-20' });
    await at('2026-03-04T10:00:00Z');
    await answer('reminded', { answer: 'not_listed' });
    await at('2026-03-05T15:00:00Z');
    await decide('upheld', { decision: 'uphold_dispute', reason: 'Confirmed: not sold there.' });
    await decide('rejected', { decision: 'reject_dispute', reason: 'Listings match the recalled model.' });
    await decide('extended', { decision: 'grant_extension', until: '2026-03-20', reason: 'Audit accepted.' });
    await at('2026-03-06T15:00:00Z');
    await answer('late', { ...blocked, blockedAt: '2026-03-06T09:00' });
    await at('2026-03-09T15:00:00Z');
    await answer('rejected', { ...blocked, blockedAt: '2026-03-09T09:00' });
    await at('2026-03-18T15:00:00Z');
    await answer('extended', { ...blocked, blockedAt: '2026-03-18T09:00' });
    await cloud.clock.run();
  }, 120_000);
  afterAll(async () => {
    await cloud?.stop();
  });

  it('ends every workflow', () => {
    const statuses = cloud.stepFunctions.listExecutions(cloud.caseStateMachineArn).map((e) => e.status);
    expect(statuses).toEqual(PATHS.map(() => 'SUCCEEDED'));
  });

  it('closes a case answered before the reminder, in five transitions', async () => {
    expect(await cloud.caseRecord(caseId('prompt'))).toMatchObject({ status: 'BLOCKED', answerOnTime: true });
    expect((await cloud.caseRecord(caseId('prompt')))?.remindedAt).toBeUndefined();
    expect(states('prompt')).toEqual(['NotifyMarketplace', 'AwaitAnswer', 'WhichAnswer', 'CloseCase', 'Closed']);
  });

  it('closes a case answered after the reminder, on time', async () => {
    expect(await cloud.caseRecord(caseId('reminded'))).toMatchObject({ status: 'NOT_LISTED', answerOnTime: true, remindedAt: '2026-03-04T04:59:59.000Z' });
    expect(states('reminded')).toEqual(['NotifyMarketplace', 'AwaitAnswer', 'WhichTimer', 'SendReminder', 'AwaitAnswer', 'WhichAnswer', 'CloseCase', 'Closed']);
  });

  it('escalates at the deadline and records a later answer as late', async () => {
    const record = await cloud.caseRecord(caseId('late'));
    expect(record).toMatchObject({ status: 'BLOCKED', answerOnTime: false, escalatedAt: '2026-03-05T04:59:59.000Z', answeredAt: '2026-03-06T15:00:00.000Z' });
    const escalation = (await cloud.emails()).find((e) => e.subject.startsWith('OVERDUE') && e.destination.to[0] === 'safety@late.example');
    expect(escalation?.destination.cc).toEqual(['compliance@example.gov']);
  });

  it('expires a case never answered, after the final notice, 60 working days on', async () => {
    const record = await cloud.caseRecord(caseId('silent'));
    expect(record).toMatchObject({
      status: 'EXPIRED',
      remindedAt: '2026-03-04T04:59:59.000Z',
      escalatedAt: '2026-03-05T04:59:59.000Z',
      finalNoticeAt: '2026-03-10T03:59:59.000Z',
      // 60 working days after 2026-03-02, Memorial Day (May 25) skipped.
      expiredAt: '2026-05-27T03:59:59.000Z',
    });
    expect(states('silent').slice(-3)).toEqual(['Expire', 'IsExpired', 'Expired']);
    const subjects = (await cloud.emails()).filter((e) => e.subject.includes('Market silent')).map((e) => e.subject.split(':')[0]);
    expect(subjects).toEqual(['Recall 26582', 'Reminder', 'OVERDUE', 'FINAL NOTICE', 'EXPIRED']);
  });

  it('closes a dispute that staff uphold', async () => {
    expect(await cloud.caseRecord(caseId('upheld'))).toMatchObject({ status: 'CLOSED', decision: { decision: 'uphold_dispute', by: LOCAL_PRINCIPAL_ARN } });
    expect(states('upheld')).toEqual([
      'NotifyMarketplace',
      'AwaitAnswer',
      'WhichAnswer',
      'HandToStaff',
      'AwaitDecision',
      'ApplyDecision',
      'IsClosed',
      'Closed',
    ]);
    const staffAlert = (await cloud.emails()).find((e) => e.subject.startsWith('Decision needed: Market upheld disputes'));
    expect(staffAlert?.body.text).toContain('We never sold this brand.');
  });

  it('sends a rejected dispute back with a new deadline, then closes it on the answer', async () => {
    const record = await cloud.caseRecord(caseId('rejected'));
    // Rejected Thursday 2026-03-05: 2 working days later is Monday 2026-03-09.
    expect(record).toMatchObject({ status: 'BLOCKED', deadline: '2026-03-10T03:59:59.000Z', answerOnTime: true });
    expect(record?.previousAnswers?.map((a) => a.answer.answer)).toEqual(['dispute']);
    expect(states('rejected')).toContain('ApplyDecision');
    expect(states('rejected').at(-1)).toBe('Closed');
  });

  it('grants an extension and counts the answer by the new deadline', async () => {
    const record = await cloud.caseRecord(caseId('extended'));
    expect(record).toMatchObject({ status: 'BLOCKED', deadline: '2026-03-21T03:59:59.000Z', answerOnTime: true });
    expect(record?.escalatedAt).toBeUndefined();
    const granted = (await cloud.emails()).find((e) => e.destination.to[0] === 'safety@extended.example' && e.subject.includes('extension is granted'));
    expect(granted?.body.text).toContain('Friday, March 20, 2026');
  });

  it('writes every transition to the audit log with who and why', async () => {
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const { DynamoAuditLog } = await import('#shared/store/audit-log.ts');
    const { documentClient } = await import('#shared/store/document-client.ts');
    const audit = new DynamoAuditLog(documentClient(new DynamoDBClient(cloud.clientConfig('dynamodb'))), cloud.tableNames.audit);
    const entries = await audit.list(caseId('upheld'));
    expect(entries.map((e) => `${e.actor} ${e.action}`)).toEqual([
      'system NOTICE_SENT',
      'marketplace:upheld ANSWER_RECEIVED',
      'system HANDED_TO_STAFF',
      `agency:${LOCAL_PRINCIPAL_ARN} DECISION_RECORDED`,
      `agency:${LOCAL_PRINCIPAL_ARN} CASE_CLOSED`,
    ]);
  });

  it('sends one notice and one reminder per case when their Lambda runs again', async () => {
    const before = (await cloud.emails()).length;
    const timer = await cloud.invoke('notify', {
      caseId: caseId('reminded'),
      recallNumber: '26582',
      marketplaceId: 'reminded',
      executionId: executionArn('reminded'),
    });
    expect(timer).toMatchObject({ step: 'EXPIRE' });
    await cloud.invoke('followUp', { caseId: caseId('reminded'), step: 'REMIND' });
    await cloud.invoke('followUp', { caseId: caseId('silent'), step: 'ESCALATE' });
    expect((await cloud.emails()).length).toBe(before);
    const subjects = (await cloud.emails()).filter((e) => e.destination.to[0] === 'safety@reminded.example').map((e) => e.subject.split(':')[0]);
    expect(subjects).toEqual(['Recall 26582', 'Reminder']);
  });

  it('refuses a decision the case does not wait for, saying which it takes', async () => {
    const result = await cloud.agencyApi('POST', `v1/agency/cases/${caseId('prompt')}/decision`, { decision: 'grant_extension', until: '2026-12-01' });
    expect(result).toEqual({ status: 409, body: { ok: false, error: 'case 26582.prompt is BLOCKED: it waits for no staff decision', kind: 'conflict' } });
    const expired = await cloud.agencyApi('POST', `v1/agency/cases/${caseId('silent')}/decision`, { decision: 'close', reason: 'Referred to enforcement.' });
    expect(expired).toMatchObject({ status: 200, body: { ok: true, status: 'CLOSED', delivery: 'closed-directly' } });
  });

  it('refuses a direct invocation that names its own decider: only the console (a live session) and the IAM route may decide', async () => {
    const before = await cloud.caseRecord(caseId('reminded'));
    const audit = await cloud.stores().audit.list(caseId('reminded'));
    for (const payload of [
      { caseId: caseId('reminded'), by: 'director@example.gov', decision: { decision: 'close', reason: 'forged' } },
      { caseId: caseId('reminded'), session: 'not-a-session', decision: { decision: 'close', reason: 'forged' } },
    ]) {
      expect(await cloud.invoke('staffDecision', payload)).toMatchObject({ ok: false, kind: 'forbidden' });
    }
    expect(await cloud.invoke('staffDecision', { caseId: caseId('reminded'), by: 'director@example.gov', decision: {} })).toEqual({
      ok: false,
      error: 'a caller cannot name who acts: sign in to the staff console, or use the IAM-authorized route (the CLI with --aws)',
      kind: 'forbidden',
    });
    expect(await cloud.caseRecord(caseId('reminded'))).toEqual(before);
    expect(await cloud.stores().audit.list(caseId('reminded'))).toEqual(audit);
  });
});
