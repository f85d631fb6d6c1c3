import { describe, expect, it } from 'vitest';
import type { Answer, Attestation, CaseRecord, CaseStatus } from '#shared/case.ts';
import { attestationSchema } from '#shared/case.ts';
import { policySchema } from '#shared/marketplace.ts';
import {
  AttestationRefused,
  attestationReceived,
  blockedPeriodStarted,
  caseExecutionArns,
  checkRequested,
  checkTimes,
  nextCheck,
  openCheck,
  RelistingRefused,
  relistingReported,
} from '#shared/staydown.ts';
import { WorkingCalendar } from '#shared/working-days.ts';

const calendar = new WorkingCalendar();
const policy = policySchema.parse({});
const BLOCKED_AT = '2026-11-25T16:00:00.000Z';
const blocked: Answer = { answer: 'blocked', listings: ['https://m.example/1'], count: 1, blockedAt: '2026-11-25T15:00:00.000Z' };

function record(status: CaseStatus, fields: Partial<CaseRecord> = {}): CaseRecord {
  return {
    caseId: '26582.m',
    recallNumber: '26582',
    marketplaceId: 'm',
    status,
    executionId: 'arn:aws:states:us-east-1:1:execution:RecallGuard-case:26582.m',
    openedAt: '2026-11-24T14:00:00.000Z',
    updatedAt: BLOCKED_AT,
    version: 3,
    noticeSentAt: '2026-11-24T14:00:00.000Z',
    ...fields,
  };
}
const blockedCase = (fields: Partial<CaseRecord> = {}) => {
  const r = record('BLOCKED', { answer: blocked, answeredAt: BLOCKED_AT, answerOnTime: true, closedAt: BLOCKED_AT, ...fields });
  return { ...r, ...blockedPeriodStarted(r, BLOCKED_AT, policy, calendar) };
};

describe('stay-down policy', () => {
  it('defaults to checks 20 and 60 working days after the block, 2 working days each', () => {
    expect(policy).toMatchObject({ staydownChecksAfterWorkingDays: [20, 60], staydownAnswerWorkingDays: 2 });
    expect(policySchema.parse({ staydownChecksAfterWorkingDays: [] }).staydownChecksAfterWorkingDays).toEqual([]);
  });

  it.each([
    [{ staydownChecksAfterWorkingDays: [60, 20] }, 'must be ascending'],
    [{ staydownChecksAfterWorkingDays: [0] }, ''],
    [{ staydownChecksAfterWorkingDays: [10, 11] }, 'after the one before has had its staydownAnswerWorkingDays'],
    [{ staydownChecksAfterWorkingDays: Array.from({ length: 13 }, (_, i) => (i + 1) * 5) }, 'at most 12'],
  ])('refuses %j', (given, message) => {
    const parsed = policySchema.safeParse(given);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.message).toContain(message);
  });
});

describe('stay-down checks', () => {
  it('start once per blocked period, on working days counted from the answer, at 09:00 New York', () => {
    const r = blockedCase();
    expect(r.staydown).toEqual({
      period: 1,
      blockedAt: BLOCKED_AT,
      checks: [
        { period: 1, afterWorkingDays: 20, dueAt: '2026-12-24T14:00:00.000Z' },
        { period: 1, afterWorkingDays: 60, dueAt: '2027-02-24T14:00:00.000Z' },
      ],
    });
    // A retry of the close starts nothing more.
    expect(blockedPeriodStarted(r, BLOCKED_AT, policy, calendar)).toEqual({});
    expect(blockedPeriodStarted(record('BLOCKED'), BLOCKED_AT, policySchema.parse({ staydownChecksAfterWorkingDays: [] }), calendar)).toMatchObject({
      staydown: { period: 1, checks: [] },
    });
  });

  it('are asked for once each, in order, while the case stays blocked', () => {
    const r = blockedCase();
    expect(nextCheck(r)?.index).toBe(0);
    const at = new Date('2026-12-24T14:00:05Z');
    const { deadline, reminder } = checkTimes(at, policy, calendar);
    // Christmas is skipped: a reminder at the end of Monday the 28th, the deadline at the end of Tuesday the 29th.
    expect([reminder.toISOString(), deadline.toISOString()]).toEqual(['2026-12-29T04:59:59.000Z', '2026-12-30T04:59:59.000Z']);
    const asked = checkRequested(r, 1, 0, at, deadline)!;
    const after = { ...r, ...asked.set } as CaseRecord;
    expect(checkRequested(after, 1, 0, at, deadline)).toBeUndefined();
    expect(nextCheck(after)?.index).toBe(1);
    expect(openCheck(after)?.index).toBe(0);
    expect(checkRequested({ ...after, status: 'RELISTED' }, 1, 1, at, deadline)).toBeUndefined();
  });

  it('take an answer on the open check, on time or late', () => {
    const r = blockedCase();
    const at = new Date('2026-12-24T14:00:05Z');
    const asked = { ...r, ...checkRequested(r, 1, 0, at, checkTimes(at, policy, calendar).deadline)!.set } as CaseRecord;
    const late = attestationReceived(asked, { answer: 'still_blocked' }, new Date('2026-12-31T15:00:00Z'))!;
    expect((late.set!.staydown as CaseRecord['staydown'])!.checks[0]).toMatchObject({ answer: { answer: 'still_blocked' }, onTime: false });
  });

  it('take the same answer again (a retry) as nothing to change, and refuse a different one', () => {
    const r = blockedCase();
    const at = new Date('2026-12-24T14:00:05Z');
    const asked = { ...r, ...checkRequested(r, 1, 0, at, checkTimes(at, policy, calendar).deadline)!.set } as CaseRecord;
    const answer: Attestation = { answer: 'found_removed', listings: ['https://m.example/again/1'], count: 1, blockedAt: '2026-12-24T15:00:00.000Z' };
    const answered = { ...asked, ...attestationReceived(asked, answer, new Date('2026-12-24T16:00:00Z'))!.set } as CaseRecord;
    expect(attestationReceived(answered, answer, new Date('2026-12-24T16:00:01Z'))).toBeUndefined();
    expect(() => attestationReceived(answered, { answer: 'still_blocked' }, new Date('2026-12-24T16:00:02Z'))).toThrow(AttestationRefused);
  });

  it('refuse an answer when no check waits for one, saying why', () => {
    expect(() => attestationReceived(blockedCase(), { answer: 'still_blocked' }, new Date())).toThrow(
      /has no stay-down check waiting for an answer: checks are asked for by email after a "blocked" answer/,
    );
    expect(() => attestationReceived(record('NOTIFIED'), { answer: 'still_blocked' }, new Date())).toThrow(AttestationRefused);
  });

  it('refuse a found_removed answer without listings, or with a count below 1', () => {
    const none = attestationSchema.safeParse({ answer: 'found_removed', listings: '', count: '1', blockedAt: '2026-12-24T10:00' });
    expect(none.error?.issues[0]?.message).toBe('give at least one listing id or URL, one per line');
    const zero = attestationSchema.safeParse({ answer: 'found_removed', listings: 'a', count: '0', blockedAt: '2026-12-24T10:00' });
    expect(zero.error?.issues[0]?.message).toBe('count must be at least 1');
    expect(attestationSchema.safeParse({ answer: 'blocked' }).error?.issues[0]?.message).toBe('answer must be still_blocked or found_removed');
  });
});

describe('relistings', () => {
  it('reopen a blocked case as RELISTED, keeping its "blocked" answer among the earlier ones', () => {
    const r = blockedCase({ taskToken: 't', checkToken: 'c' });
    const patch = relistingReported(
      r,
      { listing: 'https://m.example/again', seenAt: new Date('2026-12-01T12:00:00Z'), by: 'officer@example.gov' },
      new Date('2026-12-02T15:00:00Z'),
    );
    expect(patch.set).toMatchObject({
      status: 'RELISTED',
      relistings: [
        { reportedAt: '2026-12-02T15:00:00.000Z', seenAt: '2026-12-01T12:00:00.000Z', listing: 'https://m.example/again', by: 'officer@example.gov' },
      ],
      previousAnswers: [{ answer: blocked, answeredAt: BLOCKED_AT, onTime: true }],
    });
    expect(patch.remove).toEqual(expect.arrayContaining(['answer', 'closedAt', 'checkToken', 'taskToken']));
  });

  it.each(['NOTIFIED', 'OVERDUE', 'NOT_LISTED', 'EXPIRED', 'RELISTED'] as CaseStatus[])('are refused on a %s case, saying why', (status) => {
    expect(() => relistingReported(record(status), { listing: 'https://x.example', seenAt: new Date(), by: 'a@b.gov' }, new Date())).toThrow(RelistingRefused);
  });

  it('start a new period when blocked again, marking the relisting removed', () => {
    const r = blockedCase();
    const reopened = {
      ...r,
      ...relistingReported(r, { listing: 'https://m.example/again', seenAt: new Date('2026-12-02T12:00:00Z'), by: 'o@x.gov' }, new Date('2026-12-02T15:00:00Z'))
        .set,
    };
    const again = blockedPeriodStarted({ ...reopened, status: 'BLOCKED' } as CaseRecord, '2026-12-03T15:00:00.000Z', policy, calendar);
    expect(again.staydown!.period).toBe(2);
    expect(again.staydown!.checks).toHaveLength(4);
    expect(again.relistings![0]!.removedAt).toBe('2026-12-03T15:00:00.000Z');
  });

  it('each have an execution of the case workflow, and each period one of the stay-down workflow, linked by name', () => {
    const r = { ...blockedCase(), relistings: [{ reportedAt: 'x', seenAt: 'x', listing: 'x', by: 'x' }] };
    expect(caseExecutionArns(r)).toEqual([
      'arn:aws:states:us-east-1:1:execution:RecallGuard-case:26582.m',
      'arn:aws:states:us-east-1:1:execution:RecallGuard-case:26582.m.relisted-1',
      'arn:aws:states:us-east-1:1:execution:RecallGuard-staydown:26582.m.staydown-1',
    ]);
  });
});
