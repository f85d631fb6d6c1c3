import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DigestNow } from '#infra/cli/digest.ts';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { awsCli, awsCliWith } from '../support/aws-cli.ts';
import { cpscRecords, form, linkIn } from '../support/data.ts';

/**
 * The operator and staff commands against a deployed stack: `--aws` with the outputs file
 * `cdk deploy --outputs-file` writes, the SDK pointed at this local cloud's endpoints through
 * the standard AWS variables, exactly as it would be pointed at AWS by the environment.
 */
describe('marketplaces and digest with --aws', () => {
  let cloud: LocalCloud;
  let dir: string;
  const aws = (...args: string[]) => awsCli(cloud, `${dir}/state/outputs.json`)(...args);

  beforeAll(async () => {
    dir = await mkdtemp(`${tmpdir()}/recallguard-aws-`);
    // Monday 2026-12-07, 09:00 in New York.
    cloud = await LocalCloud.start({ start: new Date('2026-12-07T09:00:00-05:00'), dataDir: `${dir}/state` });
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('finds the stack by the outputs its deploy wrote, in the form cdk deploy --outputs-file writes', async () => {
    const outputs = JSON.parse(await readFile(`${dir}/state/outputs.json`, 'utf8')) as { RecallGuard: Record<string, string> };
    expect(outputs.RecallGuard).toMatchObject({
      CasesTable: cloud.tableNames.cases,
      AuditTable: cloud.tableNames.audit,
      MarketplacesTable: cloud.tableNames.marketplaces,
    });
    expect(JSON.parse(outputs.RecallGuard.DefaultPolicy!)).toEqual({
      reminderAfterWorkingDays: 1,
      deadlineWorkingDays: 2,
      finalNoticeAfterWorkingDays: 5,
      expireAfterWorkingDays: 60,
      staydownChecksAfterWorkingDays: [20, 60],
      staydownAnswerWorkingDays: 2,
    });
  });

  it('imports marketplaces with the deployment default ladder, and refuses a bad file with the entry, field and reason', async () => {
    await writeFile(
      `${dir}/marketplaces.json`,
      JSON.stringify([{ id: 'alimart', name: 'AliMart', noticeEmails: ['safety@alimart.example'], policy: { deadlineWorkingDays: 3 } }]),
    );
    expect((await aws('marketplaces', 'import', `${dir}/marketplaces.json`)).stdout).toContain('1 marketplaces stored: alimart (active)');
    expect(await cloud.stores().marketplaces.get('alimart')).toMatchObject({
      policy: { reminderAfterWorkingDays: 1, deadlineWorkingDays: 3, finalNoticeAfterWorkingDays: 5, expireAfterWorkingDays: 60 },
    });
    await writeFile(`${dir}/bad.json`, JSON.stringify([{ id: 'Bad Id', name: 'x', noticeEmails: ['a@b.example'] }]));
    await expect(aws('marketplaces', 'import', `${dir}/bad.json`)).rejects.toMatchObject({ stderr: expect.stringContaining('invalid marketplaces: 0.id:') });
  });

  it('issues an API key shown once that then verifies, and revokes it', async () => {
    const issued = JSON.parse((await aws('marketplaces', 'key', 'alimart', '--json')).stdout) as { marketplaceId: string; keyId: string; key: string };
    expect(await cloud.stores().apiKeys.verify(issued.key)).toMatchObject({ marketplaceId: 'alimart', keyId: issued.keyId });
    expect((await aws('marketplaces', 'revoke-key', issued.keyId)).stdout).toContain(`API key ${issued.keyId} of alimart is revoked`);
    expect(await cloud.stores().apiKeys.verify(issued.key)).toBeUndefined();
    // The routes take only signed requests.
    const unsigned = await fetch(`${cloud.urls.api}/agency/marketplaces/alimart/keys`, { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(403);
    await expect(aws('marketplaces', 'key', 'nowhere')).rejects.toMatchObject({
      stderr: expect.stringContaining('there is no marketplace nowhere: import it first'),
    });
  });

  it('sends the digest through the deployed function (Lambda Invoke) and SES', async () => {
    await cloud.invoke('ingest', { source: 'test', records: cpscRecords().slice(0, 1) });
    // Past the deadline of three working days: Thursday 2026-12-10, 23:59:59 in New York.
    await cloud.clock.run({ until: new Date('2026-12-11T08:00:00-05:00') });
    const result = JSON.parse((await aws('digest', '--json')).stdout) as DigestNow;
    expect(result).toMatchObject({ report: 'digest', sent: true, digest: { counts: { overdue: 1, dueToday: 0, awaitingDecision: 0, bouncedNotices: 0 } } });
    expect(result.text).toBeUndefined();
    const email = (await cloud.emails()).find((e) => e.messageId === result.messageId);
    expect(email?.destination.to).toEqual(['compliance@example.gov']);
    expect((await aws('digest')).stdout).toMatch(
      /^Digest sent to staff through SES \(message .+\): 1 overdue, 0 due today, 0 waiting for a decision, 0 notices bounced\.$/m,
    );
  });

  it("re-issues a case's response link through the IAM-authorized route, audited under the caller's IAM principal, and refuses a case that does not exist", async () => {
    const [record] = await cloud.stores().cases.list();
    const result = JSON.parse((await aws('link', record!.caseId, '--json')).stdout) as {
      ok: boolean;
      sentTo: string[];
      messageId: string;
    };
    expect(result).toMatchObject({ ok: true, sentTo: ['safety@alimart.example'] });
    expect((await cloud.emails()).find((e) => e.messageId === result.messageId)?.subject).toMatch(/^New response link: recall \d+ on AliMart$/);
    expect((await cloud.stores().audit.list(record!.caseId)).at(-1)).toMatchObject({
      actor: 'agency:arn:aws:iam::000000000000:user/operator',
      action: 'LINK_REISSUED',
    });
    await expect(aws('link', '99999.alimart')).rejects.toMatchObject({
      stderr: expect.stringContaining('no new link was sent (HTTP 404): there is no case 99999.alimart'),
    });
  });

  it('decides a dispute through the IAM-authorized route: the case and its audit log name the signing IAM principal', async () => {
    const [record] = cpscRecords().slice(1, 2);
    await cloud.invoke('ingest', { source: 'test', records: [record] });
    await cloud.clock.settle();
    const caseId = `${String(record!.RecallNumber)}.alimart`;
    const notice = (await cloud.emails()).find((e) => e.destination.to[0] === 'safety@alimart.example' && e.subject.includes(String(record!.RecallNumber)))!;
    expect((await fetch(linkIn(notice.body.text), form({ answer: 'dispute', reason: 'We never sold this brand.' }))).status).toBe(200);
    await cloud.clock.settle();
    expect(await cloud.caseRecord(caseId)).toMatchObject({ status: 'DISPUTED' });

    // Unsigned, or signed with a secret that is not the key's: refused before the function runs.
    const route = `${cloud.urls.api}/agency/cases/${caseId}/decision`;
    const decision = { decision: 'reject_dispute', reason: 'Listings match.' };
    const unsigned = await fetch(route, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(decision) });
    expect(unsigned.status).toBe(403);
    const forged = awsCliWith(cloud, `${dir}/state/outputs.json`, { AWS_SECRET_ACCESS_KEY: 'not-the-secret' });
    await expect(forged('decide', caseId, '--decision', 'close', '--reason', 'Not ours to close.')).rejects.toMatchObject({
      stderr: expect.stringContaining('the decision was not recorded (HTTP 403): The request signature we calculated does not match'),
    });
    expect(await cloud.caseRecord(caseId)).toMatchObject({ status: 'DISPUTED' });
    expect(await cloud.caseRecord(caseId)).not.toHaveProperty('decision');

    const result = JSON.parse((await aws('decide', caseId, '--decision', 'reject_dispute', '--reason', 'Listings match.', '--json')).stdout) as { ok: boolean };
    expect(result).toMatchObject({ ok: true, delivery: 'delivered' });
    await cloud.clock.settle();
    const principal = 'arn:aws:iam::000000000000:user/operator';
    expect(await cloud.caseRecord(caseId)).toMatchObject({ status: 'NOTIFIED', previousAnswers: [{ answer: { answer: 'dispute' } }] });
    const entries = await cloud.stores().audit.list(caseId);
    expect(entries.find((e) => e.action === 'DECISION_RECORDED')).toMatchObject({ actor: `agency:${principal}`, detail: { decision } });
    // A decision the case no longer admits is refused with its reason.
    await expect(aws('decide', caseId, '--decision', 'uphold_dispute', '--reason', 'late')).rejects.toMatchObject({
      stderr: expect.stringContaining('the decision was not recorded (HTTP 409)'),
    });
  });
});
