import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { LOCAL_PRINCIPAL_ARN } from '#infra/local-cloud/emulators.ts';
import { LINK_MARGIN_DAYS } from '#shared/signed-link.ts';
import { cpscRecords } from '../support/data.ts';

const MONDAY = new Date('2026-03-02T14:00:00Z');
const MARKETPLACES = [
  // A year to answer: the case lives longer than a link's 120 days.
  {
    id: 'patient',
    name: 'Patient Mart',
    noticeEmails: ['safety@patient.example'],
    policy: { reminderAfterWorkingDays: 5, deadlineWorkingDays: 20, finalNoticeAfterWorkingDays: 100, expireAfterWorkingDays: 250 },
  },
];
const linkIn = (text: string | undefined) => /Answer this notice: (\S+)/.exec(text ?? '')?.[1];
const expiryOf = (link: string) => new Date(Number(new URL(link).searchParams.get('exp')) * 1000);

describe('response links', () => {
  let cloud: LocalCloud;

  beforeAll(async () => {
    cloud = await LocalCloud.start({ start: MONDAY });
    await cloud.importMarketplaces(MARKETPLACES);
    await cloud.invoke('ingest', { source: 'test', records: cpscRecords().filter((r) => r.RecallNumber === '26582') });
    await cloud.clock.settle();
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('live at least until the case expires, plus a margin, in every email of a long case', async () => {
    const record = await cloud.caseRecord('26582.patient');
    const expiry = Date.parse(record!.timers!.find((t) => t.step === 'EXPIRE')!.at);
    const notice = (await cloud.emails()).find((e) => e.subject.startsWith('Recall 26582'))!;
    expect(expiryOf(linkIn(notice.body.text)!).getTime()).toBeGreaterThanOrEqual(expiry + LINK_MARGIN_DAYS * 86_400_000);
    // Opened on the case's last day, the link still works.
    await cloud.clock.run({ until: new Date(expiry - 3600_000) });
    expect((await fetch(linkIn(notice.body.text)!)).status).toBe(200);
  });

  it('can be re-issued by staff: the marketplace is emailed a new link, and the re-issue is audited', async () => {
    const answer = await cloud.agencyApi('POST', 'v1/agency/cases/26582.patient/link', {});
    expect(answer.status).toBe(200);
    const result = answer.body as { ok: boolean; sentTo: string[]; expiresAt: string; messageId: string };
    expect(result).toMatchObject({ ok: true, sentTo: ['safety@patient.example'] });
    const email = (await cloud.emails()).find((e) => e.messageId === result.messageId)!;
    expect(email.subject).toBe('New response link: recall 26582 on Patient Mart');
    const link = linkIn(email.body.text)!;
    expect(expiryOf(link).toISOString()).toBe(result.expiresAt);
    expect((await fetch(link)).status).toBe(200);
    const audit = await cloud.stores().audit.list('26582.patient');
    expect(audit.at(-1)).toMatchObject({
      actor: `agency:${LOCAL_PRINCIPAL_ARN}`,
      action: 'LINK_REISSUED',
      detail: { expiresAt: result.expiresAt, email: { to: ['safety@patient.example'] } },
    });
    expect(await cloud.agencyApi('POST', 'v1/agency/cases/26582.nowhere/link', {})).toEqual({
      status: 404,
      body: { ok: false, error: 'there is no case 26582.nowhere', kind: 'not-found' },
    });
    // Only the console (with a live admin session) and the IAM route may re-issue: a caller naming itself is refused.
    expect(await cloud.invoke('reissueLink', { caseId: '26582.patient', by: 'officer@example.gov' })).toMatchObject({ ok: false, kind: 'forbidden' });
  });
});
