import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import type { Email } from '#infra/deployment/deployment.ts';
import { cpscRecords, form } from '../support/data.ts';

/**
 * Stay-down on the synthesized workflows with the real handlers, in virtual time. Three
 * marketplaces block recall 26582 on Wednesday 2026-11-25, the day before Thanksgiving; by the
 * default policy their checks are due on the 20th and 60th working days after (federal holidays
 * and weekends skipped): Thursday 2026-12-24 and Wednesday 2027-02-24, counted by hand:
 * Nov 27, Nov 30, Dec 1-4, 7-11, 14-18, 21-24 make 20 (Thanksgiving on the 26th); then Dec 28-31,
 * Jan 4-8, 11-15, 19-22 (Martin Luther King Jr. Day on the 18th), 25-29, Feb 1-5, 8-12, 16-19
 * (Washington's Birthday on the 15th), 22-24 make 40 more (New Year's Day and Christmas skipped).
 */
const MARKETPLACES = ['answers', 'silent', 'relisted'] as const;
type Market = (typeof MARKETPLACES)[number];
const caseId = (m: Market) => `26582.${m}`;
const WEDNESDAY = new Date('2026-11-25T14:00:00Z');
const blocked = { answer: 'blocked', listings: 'https://m.example/listing/1\nhttps://m.example/listing/2', count: '2', blockedAt: '2026-11-25T10:00' };
const linkIn = (email: Email) => /Answer this notice: (\S+)/.exec(email.body.text ?? '')![1]!;
const nyDate = (iso: string) => new Date(iso).toLocaleDateString('en-CA', { timeZone: 'America/New_York' });

describe('stay-down checks', () => {
  let cloud: LocalCloud;

  const at = (iso: string) => cloud.clock.run({ until: new Date(iso) });
  const emailsTo = async (m: Market) => (await cloud.emails()).filter((e) => e.destination.to.includes(`safety@${m}.example`));
  const post = async (m: Market, fields: Record<string, string>) => {
    const latest = (await emailsTo(m)).at(-1)!;
    const response = await fetch(linkIn(latest), form(fields));
    await cloud.clock.settle();
    return response;
  };
  const record = async (m: Market) => (await cloud.caseRecord(caseId(m)))!;
  const audit = async (m: Market) => cloud.stores().audit.list(caseId(m));

  beforeAll(async () => {
    cloud = await LocalCloud.start({ start: WEDNESDAY });
    await cloud.importMarketplaces(
      MARKETPLACES.map((m) => ({ id: m, name: `Market ${m}`, noticeEmails: [`safety@${m}.example`], escalationEmails: [`legal@${m}.example`] })),
    );
    await cloud.invoke('ingest', { source: 'test', records: cpscRecords().filter((r) => r.RecallNumber === '26582') });
    await cloud.clock.settle();
    await at('2026-11-25T16:00:00Z');
    for (const m of MARKETPLACES) expect((await post(m, blocked)).status).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await cloud?.stop();
  });

  it('plans the checks on the exact working days after the block, in an execution linked by name', async () => {
    const checks = (await record('answers')).staydown!.checks;
    expect(checks.map((c) => [c.afterWorkingDays, nyDate(c.dueAt)])).toEqual([
      [20, '2026-12-24'],
      [60, '2027-02-24'],
    ]);
    const executions = cloud.stepFunctions.listExecutions(cloud.staydownStateMachineArn).map((e) => e.name);
    expect(executions.sort()).toEqual(MARKETPLACES.map((m) => `${caseId(m)}.staydown-1`).sort());
    // The case's own execution names its stay-down execution in CloseCase's output.
    const closeCase = cloud.stepFunctions
      .history(`${cloud.caseStateMachineArn.replace(':stateMachine:', ':execution:')}:${caseId('answers')}`)
      .find((e) => e.type === 'TaskSucceeded' && String((e.taskSucceededEventDetails as { output?: string })?.output).includes('staydownExecution'));
    expect(closeCase).toBeDefined();
  });

  it('reports a listing seen live again: RELISTED, a notice citing the earlier answer, a new deadline', async () => {
    await at('2026-12-02T15:00:00Z');
    const result = await cloud.agencyApi('POST', `v1/agency/cases/${caseId('relisted')}/relisting`, {
      listing: 'https://relisted.example/item/77',
      seenAt: '2026-12-01T20:00:00Z',
    });
    expect(result.status).toBe(201);
    await cloud.clock.settle();
    const reopened = await record('relisted');
    expect(reopened.status).toBe('RELISTED');
    // The deadline: 2 working days from the report's working day (Wednesday), the end of Friday.
    expect(reopened.relistings).toEqual([
      expect.objectContaining({ listing: 'https://relisted.example/item/77', noticeAt: '2026-12-02T15:00:00.000Z', deadline: '2026-12-05T04:59:59.000Z' }),
    ]);
    const notice = (await emailsTo('relisted')).at(-1)!;
    expect(notice.subject).toBe('RELISTED: recall 26582 is on sale again on Market relisted');
    expect(notice.body.text).toContain('https://relisted.example/item/77');
    expect(notice.body.text).toContain('https://m.example/listing/2');
    const entries = await audit('relisted');
    expect(entries.find((e) => e.action === 'RELISTING_REPORTED')).toMatchObject({ actor: 'agency:arn:aws:iam::000000000000:user/local' });
    expect(entries.find((e) => e.action === 'RELISTED_NOTICE_SENT')?.detail).toMatchObject({ relisting: 1, deadline: '2026-12-05T04:59:59.000Z' });
    expect(cloud.stepFunctions.listExecutions(cloud.caseStateMachineArn).map((e) => e.name)).toContain(`${caseId('relisted')}.relisted-1`);
  });

  it('blocked again, the relisted case starts its checks over from the new answer', async () => {
    await at('2026-12-03T15:00:00Z');
    expect((await post('relisted', { ...blocked, blockedAt: '2026-12-03T09:00' })).status).toBe(200);
    const again = await record('relisted');
    expect(again.status).toBe('BLOCKED');
    expect(again.relistings![0]!.removedAt).toBe('2026-12-03T15:00:00.000Z');
    expect(again.staydown!.period).toBe(2);
    // Period 2: 20 and 60 working days after Thursday 2026-12-03 (Dec 4, 7-11, 14-18, 21-24, 28-31, Jan 4 make 20; Mar 3 is the 60th).
    expect(again.staydown!.checks.filter((c) => c.period === 2).map((c) => nyDate(c.dueAt))).toEqual(['2027-01-04', '2027-03-03']);
    expect(cloud.stepFunctions.listExecutions(cloud.staydownStateMachineArn).map((e) => e.name)).toContain(`${caseId('relisted')}.staydown-2`);
  });

  it('asks for the first check on its working day, with the identifiers to search by and the listings blocked', async () => {
    await at('2026-12-24T15:00:00Z');
    const check = (await emailsTo('answers')).at(-1)!;
    expect(check.subject).toMatch(/^Check: is recall 26582 still off sale on Market answers\? Answer by/);
    expect(nyDate(new Date(check.at * 1000).toISOString())).toBe('2026-12-24');
    expect(check.body.text).toContain('https://m.example/listing/1');
    expect(check.body.text).toMatch(/Search your platform for/);
    const open = (await record('answers')).staydown!.checks[0]!;
    // Two working days to answer: Christmas skipped, the end of Tuesday 2026-12-29.
    expect(open.deadline).toBe('2026-12-30T04:59:59.000Z');
  });

  it('takes a still_blocked answer through the link; the same again is a repeat, another finds no open check; neither changes anything', async () => {
    expect((await post('answers', { answer: 'still_blocked' })).status).toBe(200);
    const answered = (await record('answers')).staydown!.checks[0]!;
    expect(answered).toMatchObject({ answer: { answer: 'still_blocked' }, onTime: true });
    const before = await audit('answers');
    const version = (await record('answers')).version;
    // A retry of the same answer (its first response lost) is answered as the first was.
    expect((await post('answers', { answer: 'still_blocked' })).status).toBe(200);
    const other = await post('answers', { answer: 'found_removed', listings: 'https://m.example/x', count: '1', blockedAt: '2026-12-24T10:00' });
    expect(other.status).toBe(409);
    expect(await other.text()).toContain('has no stay-down check waiting for an answer');
    expect(await audit('answers')).toHaveLength(before.length);
    expect((await record('answers')).version).toBe(version);
    expect((await record('answers')).status).toBe('BLOCKED');
  });

  it('reminds, then escalates an unanswered check to staff, and the case stays BLOCKED', async () => {
    await at('2026-12-31T15:00:00Z');
    const subjects = (await cloud.emails())
      .filter((e) => e.subject.includes('Market silent'))
      .map((e) => e.subject.replace(/ by .*$/, ''))
      .slice(-3);
    expect(subjects).toEqual([
      'Check: is recall 26582 still off sale on Market silent? Answer',
      'Reminder: confirm recall 26582 is still off sale on Market silent',
      'OVERDUE: no confirmation that recall 26582 is still off sale on Market silent',
    ]);
    const escalation = (await cloud.emails()).find((e) => e.subject.startsWith('OVERDUE: no confirmation') && e.subject.includes('Market silent'))!;
    expect(escalation.destination.to).toEqual(['legal@silent.example']);
    expect(escalation.destination.cc.length).toBeGreaterThan(0);
    const silent = await record('silent');
    expect(silent.status).toBe('BLOCKED');
    expect(silent.staydown!.checks[0]).toMatchObject({ remindedAt: expect.any(String), escalatedAt: expect.any(String) });
    expect(silent.staydown!.checks[0]!.answer).toBeUndefined();
    expect((await audit('silent')).map((e) => e.action).slice(-3)).toEqual(['STAYDOWN_CHECK_REQUESTED', 'STAYDOWN_REMINDER_SENT', 'STAYDOWN_CHECK_ESCALATED']);
  });

  it('asks for the second check on the 60th working day, and ends when none is left', async () => {
    await at('2027-02-24T16:00:00Z');
    expect(
      (await post('answers', { answer: 'found_removed', listings: 'https://m.example/listing/9', count: '1', blockedAt: '2027-02-24T10:30' })).status,
    ).toBe(200);
    const checks = (await record('answers')).staydown!.checks;
    expect(nyDate(checks[1]!.requestedAt!)).toBe('2027-02-24');
    expect(checks[1]).toMatchObject({ answer: { answer: 'found_removed', count: 1, listings: ['https://m.example/listing/9'] }, onTime: true });
    await cloud.clock.settle();
    const execution = cloud.stepFunctions.listExecutions(cloud.staydownStateMachineArn).find((e) => e.name === `${caseId('answers')}.staydown-1`)!;
    expect(execution.status).toBe('SUCCEEDED');
  });

  describe('refuses, with the reason and nothing changed', () => {
    it('a found_removed answer without listings', async () => {
      await at('2027-03-02T16:00:00Z');
      // relisted's period-2 first check (2027-01-04) went unanswered: it is still open, and answerable late.
      const before = await record('relisted');
      const response = await post('relisted', { answer: 'found_removed', listings: '', count: '1', blockedAt: '2027-03-02T10:00' });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('give at least one listing id or URL');
      expect((await record('relisted')).version).toBe(before.version);
    });

    it('a relisting report on a case its marketplace never answered "blocked"', async () => {
      await cloud.importMarketplaces([{ id: 'quiet', name: 'Market quiet', noticeEmails: ['safety@quiet.example'] }]);
      await cloud.invoke('ingest', {
        source: 'test',
        records: cpscRecords()
          .filter((r) => r.RecallNumber !== '26582')
          .slice(0, 1),
      });
      await cloud.clock.settle();
      const open = (await cloud.stores().cases.list()).find((r) => r.marketplaceId === 'quiet')!;
      const before = await cloud.stores().audit.list(open.caseId);
      const result = await cloud.agencyApi('POST', `v1/agency/cases/${open.caseId}/relisting`, { listing: 'https://quiet.example/x' });
      expect(result.status).toBe(409);
      expect((result.body as { error: string }).error).toMatch(
        /is NOTIFIED: a listing seen live again is reported on a case its marketplace answered "blocked"/,
      );
      expect((await cloud.caseRecord(open.caseId))!.version).toBe(open.version);
      expect(await cloud.stores().audit.list(open.caseId)).toHaveLength(before.length);
    });

    it('an attestation on a case with no open check (never blocked), through the JSON API', async () => {
      const open = (await cloud.stores().cases.list()).find((r) => r.marketplaceId === 'quiet')!;
      const key = (await cloud.stores().apiKeys.issue('quiet', cloud.now())).key;
      const response = await fetch(`${cloud.urls.api}/cases/${open.caseId}/attestation`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ answer: 'still_blocked' }),
      });
      expect(response.status).toBe(409);
      expect(((await response.json()) as { error: string }).error).toContain('has no stay-down check waiting for an answer');
      expect((await cloud.caseRecord(open.caseId))!.version).toBe(open.version);
    });

    it('an unsigned request, or one signed with another secret, on the IAM-authorized route', async () => {
      const url = `${cloud.urls.api}/agency/cases/${caseId('answers')}/relisting`;
      const unsigned = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ listing: 'https://a.example/1' }),
      });
      expect(unsigned.status).toBe(403);
      const { SFNClient } = await import('@aws-sdk/client-sfn');
      const { agencyApiRequest } = await import('#infra/deployment/agency-api.ts');
      const forged = new SFNClient({ ...cloud.clientConfig('sfn'), credentials: { accessKeyId: 'local', secretAccessKey: 'not-the-secret' } });
      const refused = await agencyApiRequest(
        forged,
        { baseUrl: cloud.responseUrl, now: cloud.now(), audience: 'arn:aws:cloudformation:us-east-1:000000000000:stack/RecallGuard/x', sts: cloud.urls.aws },
        'POST',
        `v1/agency/cases/${caseId('answers')}/relisting`,
        { listing: 'https://a.example/1' },
      );
      forged.destroy();
      expect(refused.status).toBe(403);
      expect((refused.body as { message: string }).message).toMatch(/signature we calculated does not match/);
      expect((await record('answers')).status).toBe('BLOCKED');
    });
  });
});
