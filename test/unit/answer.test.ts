import { describe, expect, it } from 'vitest';
import { answerSchema } from '#shared/case.ts';
import { parseMarketplaces } from '#shared/marketplace.ts';

describe('the answer form', () => {
  it('reads a blocked answer with its listings, count and time', () => {
    const answer = answerSchema.parse({ answer: 'blocked', listings: ' https://m.example/1 \r\n\nM-2\n', count: '2', blockedAt: '2026-03-02T11:15' });
    expect(answer).toEqual({ answer: 'blocked', listings: ['https://m.example/1', 'M-2'], count: 2, blockedAt: '2026-03-02T16:15:00.000Z' });
    expect(answerSchema.parse({ answer: 'blocked', listings: 'x', count: '1', blockedAt: '2026-03-02T11:15:00-05:00' })).toMatchObject({
      blockedAt: '2026-03-02T16:15:00.000Z',
    });
  });

  it('explains what is missing', () => {
    const problem = (input: Record<string, string>) => answerSchema.safeParse(input).error?.issues[0]?.message;
    expect(problem({ answer: 'blocked', listings: '', count: '1', blockedAt: '2026-03-02T11:15' })).toMatch(/at least one listing/);
    expect(problem({ answer: 'blocked', listings: 'x', count: '0', blockedAt: '2026-03-02T11:15' })).toMatch(/count must be at least 1/);
    expect(problem({ answer: 'blocked', listings: 'x', count: '1', blockedAt: 'yesterday' })).toMatch(/date and time/);
    expect(problem({ answer: 'dispute', reason: '  ' })).toMatch(/reason for the dispute/);
    expect(problem({ answer: 'extension', reason: 'stock audit', requestedDate: 'next week' })).toBeDefined();
    expect(answerSchema.safeParse({ answer: 'maybe' }).success).toBe(false);
  });
});

describe('the marketplaces file', () => {
  it('fills in the default policy', () => {
    const [m] = parseMarketplaces([{ id: 'alimart', name: 'AliMart', noticeEmails: ['a@alimart.example'], policy: { deadlineWorkingDays: 3 } }]);
    expect(m).toMatchObject({
      active: true,
      escalationEmails: [],
      policy: { reminderAfterWorkingDays: 1, deadlineWorkingDays: 3, finalNoticeAfterWorkingDays: 5, expireAfterWorkingDays: 60 },
    });
  });

  it('names the entry, the field and the reason of a refusal', () => {
    expect(() => parseMarketplaces([{ id: 'alimart', name: 'AliMart', noticeEmails: ['not-an-address'] }])).toThrow(/0\.noticeEmails\.0/);
    expect(() => parseMarketplaces([{ id: 'Ali Mart', name: 'AliMart', noticeEmails: ['a@b.example'] }])).toThrow(/0\.id: lowercase/);
    const twice = { id: 'alimart', name: 'AliMart', noticeEmails: ['a@b.example'] };
    expect(() => parseMarketplaces([twice, twice])).toThrow(/appears twice/);
    expect(() => parseMarketplaces({})).toThrow(/invalid marketplaces/);
  });
});
