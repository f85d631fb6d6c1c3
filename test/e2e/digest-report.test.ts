import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Digest } from '#shared/digest.ts';
import type { MarketplaceScore } from '#shared/scorecard.ts';
import type { AuditEntry } from '#shared/store/audit-log.ts';
import { WorkingCalendar } from '#shared/working-days.ts';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { awsCli } from '../support/aws-cli.ts';
import { nearestRank, staydownRecount } from '../support/recount.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'infra/cli/main.ts', ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });

const marketplace = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: id[0]!.toUpperCase() + id.slice(1),
  noticeEmails: [`safety@${id}.example`],
  escalationEmails: [`legal@${id}.example`],
  aliases: [],
  active: true,
  ...extra,
});
const MARKETPLACES = [
  marketplace('prompt'),
  marketplace('tardy'),
  marketplace('silent'),
  marketplace('quarrel'),
  // Its notices bounce: SES's mailbox simulator.
  marketplace('ghost', { noticeEmails: ['bounce@simulator.amazonses.com'], escalationEmails: [] }),
  marketplace('slowpoke', { policy: { reminderAfterWorkingDays: 3, deadlineWorkingDays: 5, finalNoticeAfterWorkingDays: 8 } }),
];
const RECALLS = ['26582', '26580', '26607'];
const answer = (recallNumber: string, marketplaceId: string, action: string, at: string) => ({ recallNumber, marketplaceId, action, at });
const RESPONSES = [
  ...RECALLS.map((r) => answer(r, 'prompt', 'blocked', '2026-12-01T15:00:00-05:00')),
  ...RECALLS.map((r) => answer(r, 'quarrel', 'dispute', '2026-12-02T10:00:00-05:00')),
  // Late: after the deadline of Thursday 2026-12-03.
  answer('26582', 'tardy', 'blocked', '2026-12-07T10:00:00-05:00'),
  answer('26607', 'tardy', 'not_listed', '2026-12-04T10:00:00-05:00'),
];
/** Tuesday 2026-12-08, 08:00 in New York: when the morning digest goes out. */
const DIGEST_AT = '2026-12-08T08:00:00-05:00';

/** What the audit log alone says about a case, recounted without the case record. */
function fromAuditLog(entries: AuditEntry[], now: Date) {
  const sorted = [...entries].sort((a, b) => a.at.localeCompare(b.at));
  const notice = sorted.find((e) => e.action === 'NOTICE_SENT');
  const answers = sorted.filter((e) => e.action === 'ANSWER_RECEIVED');
  const deadlines = sorted.filter((e) => e.action === 'NOTICE_SENT' || e.action === 'CASE_RESUMED').map((e) => String(e.detail!.deadline));
  const deadline = deadlines.at(-1);
  const last = (action: string) => sorted.filter((e) => e.action === action).at(-1)?.at ?? '';
  const closed = sorted.some((e) => e.action === 'CASE_CLOSED');
  const expired = sorted.some((e) => e.action === 'EXPIRED');
  const lastAnswer = answers.at(-1);
  const waitingForStaff =
    !closed &&
    lastAnswer !== undefined &&
    ['DISPUTED', 'EXTENSION_REQUESTED'].includes(String(lastAnswer.detail!.status)) &&
    last('CASE_RESUMED') < lastAnswer.at;
  const awaiting = !closed && !expired && !waitingForStaff && (answers.length === 0 || last('CASE_RESUMED') > (lastAnswer?.at ?? ''));
  return {
    notifiedAt: notice?.at,
    firstAnswer: answers[0],
    deadline,
    overdue: awaiting && deadline !== undefined && Date.parse(deadline) < now.getTime(),
    dueToday:
      awaiting &&
      deadline !== undefined &&
      Date.parse(deadline) >= now.getTime() &&
      deadline.slice(0, 10) === '2026-12-09' /* 23:59:59 ET is 04:59:59Z the next day */,
    waitingForStaff,
    bounced: awaiting && sorted.some((e) => e.action === 'NOTICE_BOUNCED'),
    escalated: awaiting && sorted.some((e) => e.action === 'ESCALATED'),
    expired: expired && !closed,
    disputed: answers.some((e) => (e.detail!.answer as { answer: string }).answer === 'dispute'),
  };
}

describe('the digest and the scorecard after a simulation', () => {
  it('match the cases exactly, recounted from the audit log', async () => {
    const dir = await mkdtemp(`${tmpdir()}/recallguard-digest-`);
    await writeFile(`${dir}/marketplaces.json`, JSON.stringify(MARKETPLACES));
    await writeFile(`${dir}/responses.json`, JSON.stringify(RESPONSES));
    const state = `${dir}/state`;
    await cli(
      'simulate',
      '--recalls',
      'infra/demo/recalls.json',
      '--marketplaces',
      `${dir}/marketplaces.json`,
      '--responses',
      `${dir}/responses.json`,
      '--start',
      '2026-12-01T09:00:00-05:00',
      '--until',
      DIGEST_AT,
      '--json',
      '--data-dir',
      state,
    );

    const sent = JSON.parse((await cli('digest', '--json', '--data-dir', state)).stdout) as {
      sent: boolean;
      messageId: string;
      digest: Digest;
      to: string[];
      text: string;
    };
    const report = JSON.parse((await cli('report', '--since', '2026-12-01', '--until', '2026-12-31', '--json', '--data-dir', state)).stdout) as {
      marketplaces: MarketplaceScore[];
    };
    const scores = report.marketplaces;

    // The recount: each case's audit log, read from the tables the run left.
    const now = new Date(DIGEST_AT);
    const cloud = await LocalCloud.start({ dataDir: state, functions: false });
    const cases: { caseId: string; marketplaceId: string; entries: AuditEntry[]; log: ReturnType<typeof fromAuditLog> }[] = [];
    const ids = (pick: (c: (typeof cases)[number]) => boolean) =>
      cases
        .filter(pick)
        .map((c) => c.caseId)
        .sort();
    try {
      expect(cloud.clock.date().toISOString()).toBe(now.toISOString());
      for (const r of RECALLS) {
        for (const m of MARKETPLACES) {
          const entries = await cloud.stores().audit.list(`${r}.${m.id}`);
          cases.push({ caseId: `${r}.${m.id}`, marketplaceId: m.id, entries, log: fromAuditLog(entries, now) });
        }
      }

      // The same commands read a deployed stack through the AWS APIs: here pointed at this cloud's endpoints.
      await writeFile(`${dir}/outputs.json`, JSON.stringify({ RecallGuard: { CasesTable: cloud.tableNames.cases, AuditTable: cloud.tableNames.audit } }));
      const aws = awsCli(cloud, `${dir}/outputs.json`, '--json');
      const history = JSON.parse((await aws('history', '26580.silent')).stdout) as {
        status: string;
        audit: { action: string }[];
        execution: { type: string; state: string | null }[];
      };
      expect(history.status).toBe('OVERDUE');
      expect(history.audit.map((e) => e.action)).toEqual(['NOTICE_SENT', 'REMINDER_SENT', 'ESCALATED']);
      expect(history.execution.filter((e) => e.type === 'TaskStateEntered').map((e) => e.state)).toEqual([
        'NotifyMarketplace',
        'AwaitAnswer',
        'SendReminder',
        'AwaitAnswer',
        'Escalate',
        'AwaitAnswer',
      ]);
      const overdue = JSON.parse((await aws('cases', '--status', 'OVERDUE')).stdout) as { cases: { caseId: string }[] };
      expect(overdue.cases.map((c) => c.caseId)).toEqual(ids((c) => c.log.escalated));
      await writeFile(`${dir}/bad-outputs.json`, '{}');
      expect(JSON.parse((await aws('report', '--since', '2026-12-01', '--until', '2026-12-31')).stdout)).toEqual(report);
      await expect(
        run(process.execPath, ['--import', 'tsx', 'infra/cli/main.ts', 'history', '26580.silent', '--aws', `${dir}/bad-outputs.json`], { cwd: ROOT }),
      ).rejects.toMatchObject({
        stderr: expect.stringContaining(
          `bad-outputs.json has no RecallGuard.CasesTable and RecallGuard.AuditTable: write it with npx cdk deploy --outputs-file`,
        ),
      });
    } finally {
      await cloud.stop();
    }

    // The digest.
    const { digest } = sent;
    expect(sent.sent).toBe(true);
    expect(digest.date).toBe('2026-12-08');
    const overdueShown = digest.overdue.flatMap((m) => m.groups.flatMap((g) => g.lines.map((l) => l.caseId))).sort();
    expect(overdueShown).toEqual(ids((c) => c.log.overdue));
    expect(overdueShown).toEqual(['26580.ghost', '26580.silent', '26580.tardy', '26582.ghost', '26582.silent', '26607.ghost', '26607.silent']);
    for (const m of digest.overdue) {
      expect(m.count).toBe(cases.filter((c) => c.marketplaceId === m.marketplaceId && c.log.overdue).length);
      // Deadline Thursday 2026-12-03: Friday 4, Monday 7 and Tuesday 8 are the working days since.
      expect(m.groups.map((g) => g.workingDaysOverdue)).toEqual([3]);
    }
    expect(digest.dueToday.lines.map((l) => l.caseId).sort()).toEqual(ids((c) => c.log.dueToday));
    expect(digest.dueToday.count).toBe(3);
    expect(digest.awaitingDecision.lines.map((l) => l.caseId).sort()).toEqual(ids((c) => c.log.waitingForStaff));
    expect(digest.awaitingDecision.count).toBe(3);
    expect(digest.bouncedNotices.lines.map((l) => l.caseId).sort()).toEqual(ids((c) => c.log.bounced));
    expect(digest.bouncedNotices.count).toBe(3);
    expect(digest.counts).toEqual({ overdue: 7, dueToday: 3, awaitingDecision: 3, bouncedNotices: 3 });
    // It went to staff through the local SES, with a line per case and a link to each.
    expect(sent.to).toEqual(['compliance@example.gov']);
    expect(sent.text).toContain('Silent: 3 cases overdue');
    expect(sent.text).toContain(' 3 working days overdue: 3 cases');
    expect(sent.text).toMatch(/- 26580 .+ \| Tardy \| deadline Thu, Dec 3, 2026 \| \S+\/cases\/26580\.tardy/);

    // The scorecard.
    for (const m of MARKETPLACES) {
      const mine = cases.filter((c) => c.marketplaceId === m.id && c.log.notifiedAt);
      const answered = mine.filter((c) => c.log.firstAnswer);
      const hours = answered.map((c) => (Date.parse(c.log.firstAnswer!.at) - Date.parse(c.log.notifiedAt!)) / 3_600_000).sort((a, b) => a - b);
      const onTime = answered.filter((c) => c.log.firstAnswer!.detail!.onTime === true).length;
      const round = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);
      expect(scores.find((s) => s.marketplaceId === m.id)).toEqual({
        marketplaceId: m.id,
        notified: mine.length,
        answered: answered.length,
        onTime,
        onTimePct: round((onTime / mine.length) * 100),
        medianHoursToAnswer: round(nearestRank(hours, 0.5)),
        p90HoursToAnswer: round(nearestRank(hours, 0.9)),
        overdueNow: mine.filter((c) => c.log.escalated).length,
        expired: mine.filter((c) => c.log.expired).length,
        disputed: mine.filter((c) => c.log.disputed).length,
        ...staydownRecount(
          mine.map((c) => c.entries),
          now,
          new WorkingCalendar(),
        ),
      });
    }
    expect(scores.map((s) => [s.marketplaceId, s.onTime, s.overdueNow, s.disputed])).toEqual([
      ['ghost', 0, 3, 0],
      ['prompt', 3, 0, 0],
      ['quarrel', 3, 0, 3],
      ['silent', 0, 3, 0],
      ['slowpoke', 0, 0, 0],
      ['tardy', 0, 1, 0],
    ]);
  }, 240_000);
});
