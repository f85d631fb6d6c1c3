import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SFNClient } from '@aws-sdk/client-sfn';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseMailDeps } from '#functions/case-operations/case-mail.ts';
import { followUp, type FollowUpDeps } from '#functions/follow-up/follow-up.ts';
import { staffDecision } from '#functions/staff-decision/staff-decision.ts';
import type { AgencyIdentity } from '#shared/agency-identity.ts';
import type { CaseRecord } from '#shared/case.ts';
import { parseMarketplaces } from '#shared/marketplace.ts';
import { normalizeCpscRecord } from '#shared/recall.ts';
import { DynamoAuditLog } from '#shared/store/audit-log.ts';
import { DynamoCaseStore } from '#shared/store/case-store.ts';
import { documentClient } from '#shared/store/document-client.ts';
import { DEFAULT_TRUSTED_HOSTS } from '#shared/trusted-links.ts';
import { WorkingCalendar } from '#shared/working-days.ts';
import { cpscRecords } from '../support/data.ts';

const recall = normalizeCpscRecord(cpscRecords().find((r) => r.RecallNumber === '26582'));
const [marketplace] = parseMarketplaces([{ id: 'alimart', name: 'AliMart', noticeEmails: ['safety@alimart.example'] }]);

/** A document client whose audit PutItem fails (as if the function died there) while `failing` says so. */
function crashingBetween(db: DynamoDBDocumentClient, auditTable: string, failing: { on: boolean }): DynamoDBDocumentClient {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (command: { constructor: { name: string }; input: { TableName?: string } }) => {
        if (failing.on && command.constructor.name === 'PutCommand' && command.input.TableName === auditTable)
          return Promise.reject(new Error('the function died here'));
        return target.send(command as never);
      };
    },
  });
}

const staff = (email: string): AgencyIdentity => ({ kind: 'staff', issuer: 'https://idp.agency.example', subject: `u-${email}`, email });
describe('case changes and their audit entries', () => {
  const server = dynalite({ createTableMs: 0 });
  let client: DynamoDBClient;
  let n = 0;
  const tables = async () => {
    const cases = `cases-${n}`;
    const audit = `audit-${n++}`;
    await client.send(
      new CreateTableCommand({
        TableName: cases,
        KeySchema: [{ AttributeName: 'caseId', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'caseId', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await client.send(
      new CreateTableCommand({
        TableName: audit,
        KeySchema: [
          { AttributeName: 'subject', KeyType: 'HASH' },
          { AttributeName: 'entryKey', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'subject', AttributeType: 'S' },
          { AttributeName: 'entryKey', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const failing = { on: false };
    const db = crashingBetween(documentClient(client), audit, failing);
    const log = new DynamoAuditLog(db, audit);
    return { cases: new DynamoCaseStore(db, cases, log), audit: new DynamoAuditLog(documentClient(client), audit), failing };
  };
  const open = async (cases: DynamoCaseStore, set: Partial<CaseRecord>) => {
    const opened = await cases.open(
      { caseId: '26582.alimart', recallNumber: '26582', marketplaceId: 'alimart', executionId: 'arn:execution' },
      new Date('2026-03-02T14:00:00Z'),
    );
    return (await cases.mutate(opened.caseId, new Date('2026-03-02T14:00:00Z'), () => ({ set }))).record;
  };
  const sfn = (error?: string) =>
    ({ send: async () => (error ? Promise.reject(Object.assign(new Error(error), { name: error })) : {}) }) as unknown as SFNClient;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
  });
  afterAll(async () => {
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a decision whose function dies between the case write and the audit write still gets its entry, from the retry', async () => {
    const { cases, audit, failing } = await tables();
    await open(cases, { status: 'DISPUTED', answer: { answer: 'dispute', reason: 'not ours' }, answeredAt: '2026-03-02T15:00:00.000Z' });
    const input = { caseId: '26582.alimart', decider: staff('officer@example.gov'), decision: { decision: 'reject_dispute', reason: 'it is yours' } };
    failing.on = true;
    await expect(staffDecision(input, { cases, sfn: sfn() })).rejects.toThrow('the function died here');
    expect(await cases.get('26582.alimart')).toMatchObject({ decision: { decision: 'reject_dispute' } });
    expect(await audit.list('26582.alimart')).toEqual([]);
    failing.on = false;
    expect(await staffDecision(input, { cases, sfn: sfn() })).toMatchObject({ ok: true });
    expect((await audit.list('26582.alimart')).map((e) => `${e.actor} ${e.action}`)).toEqual(['staff:officer@example.gov DECISION_RECORDED']);
    // A third call writes nothing more.
    await staffDecision(input, { cases, sfn: sfn() });
    expect(await audit.list('26582.alimart')).toHaveLength(1);
  });

  it('the next change of the case writes an entry a crash kept back, even with no retry', async () => {
    const { cases, audit, failing } = await tables();
    await open(cases, { status: 'DISPUTED' });
    failing.on = true;
    await expect(
      cases.mutate('26582.alimart', new Date(), () => ({ set: { status: 'EXTENSION_REQUESTED' }, audit: [{ actor: 'system', action: 'FIRST' }] })),
    ).rejects.toThrow();
    failing.on = false;
    await cases.mutate('26582.alimart', new Date(), () => ({ set: { status: 'DISPUTED' }, audit: [{ actor: 'system', action: 'SECOND' }] }));
    expect((await audit.list('26582.alimart')).map((e) => e.action)).toEqual(['FIRST', 'SECOND']);
  });

  it('a refused change still writes the entry a crash kept back (a retried attestation finds its check answered)', async () => {
    const { cases, audit, failing } = await tables();
    await open(cases, { status: 'BLOCKED' });
    failing.on = true;
    await expect(
      cases.mutate('26582.alimart', new Date(), () => ({ set: { status: 'BLOCKED' }, audit: [{ actor: 'system', action: 'FIRST' }] })),
    ).rejects.toThrow();
    failing.on = false;
    await expect(
      cases.mutate('26582.alimart', new Date(), () => {
        throw new Error('refused: nothing waits for this');
      }),
    ).rejects.toThrow('refused');
    expect((await audit.list('26582.alimart')).map((e) => e.action)).toEqual(['FIRST']);
  });

  it('tells the loser of two racing decisions that it lost, and keeps the winner on record', async () => {
    const { cases } = await tables();
    await open(cases, { status: 'DISPUTED', taskToken: 'token', tokenFor: 'staff' });
    const decide = (decision: string, by: string) =>
      staffDecision({ caseId: '26582.alimart', decider: staff(by), decision: { decision, reason: `${decision} says ${by}` } }, { cases, sfn: sfn() });
    const [a, b] = await Promise.all([decide('uphold_dispute', 'first@example.gov'), decide('reject_dispute', 'second@example.gov')]);
    const [winner, loser] = a.ok ? [a, b] : [b, a];
    expect(winner).toMatchObject({ ok: true });
    expect(loser).toMatchObject({
      ok: false,
      error: expect.stringMatching(/already has a decision being carried out: (uphold|reject) dispute by (first|second)@example.gov/),
    });
    const record = await cases.get('26582.alimart');
    expect(record?.decision?.by).toBe(a.ok ? 'first@example.gov' : 'second@example.gov');
  });

  it('tells a decision that reaches a workflow no longer waiting (the case expired first) that it was not applied, and takes it off the record', async () => {
    const { cases, audit } = await tables();
    await open(cases, { status: 'DISPUTED', taskToken: 'token', tokenFor: 'staff' });
    const result = await staffDecision(
      { caseId: '26582.alimart', decider: staff('officer@example.gov'), decision: { decision: 'reject_dispute', reason: 'late' } },
      { cases, sfn: sfn('TaskTimedOut') },
    );
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining('was no longer waiting for a decision when this one reached it') });
    expect((await cases.get('26582.alimart'))?.decision).toBeUndefined();
    expect((await audit.list('26582.alimart')).map((e) => e.action)).toEqual(['DECISION_RECORDED', 'DECISION_NOT_APPLIED']);
  });

  it('sends no follow-up email when an answer lands between the step reading the case and claiming it', async () => {
    const { cases, audit } = await tables();
    const due = '2026-03-03T04:59:59.000Z';
    await open(cases, {
      status: 'NOTIFIED',
      noticeSentAt: '2026-03-02T14:00:00.000Z',
      deadline: '2026-03-05T04:59:59.000Z',
      timers: [{ step: 'REMIND', at: due, slotted: true }],
    });
    const sent: string[] = [];
    const deps = {
      cases,
      audit,
      // The answer lands while the step reads the case's recall.
      recalls: {
        get: async () => {
          await cases.mutate('26582.alimart', new Date(), () => ({
            set: { status: 'BLOCKED', answer: { answer: 'not_listed' }, answeredAt: new Date().toISOString() },
          }));
          return recall;
        },
      },
      marketplaces: { get: async () => marketplace },
      mailer: { send: async (mail: { subject: string }) => (sent.push(mail.subject), 'message-id') },
      calendar: new WorkingCalendar(),
      settings: { authority: 'Agency', staffEmails: ['staff@example.gov'], caseUrlTemplate: 'https://x/{caseId}', trustedHosts: DEFAULT_TRUSTED_HOSTS },
      links: { keys: async () => ({ current: 'k'.repeat(40), verifying: ['k'.repeat(40)] }), baseUrl: 'https://api.example/', validityDays: 120 },
      sendSlots: { reserve: async () => [new Date()] },
    } as unknown as FollowUpDeps & CaseMailDeps;
    await followUp({ caseId: '26582.alimart', step: 'REMIND' }, deps);
    expect(sent).toEqual([]);
    expect(await cases.get('26582.alimart')).toMatchObject({ status: 'BLOCKED', timers: [] });
    expect((await audit.list('26582.alimart')).map((e) => e.action)).toEqual([]);
  });
});
