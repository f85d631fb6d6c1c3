import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DigestNow } from '#infra/cli/digest.ts';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { awsCli, awsCliWith } from '../support/aws-cli.ts';
import { consoleSession } from '../support/console-session.ts';
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

  /**
   * An insider allowed to invoke the four functions that act for the agency sends each an API
   * Gateway event of its own making, in the operator's name: each refuses it, and nothing is
   * recorded or changed.
   */
  async function insiderForgesEachFunction(caseId: string): Promise<void> {
    const names = cloud.functionNames;
    const functions = {
      staffDecision: names.staffDecision,
      reportRelisting: names.reportRelisting,
      reissueLink: names.reissueLink,
      marketplaceAdmin: names.marketplaceAdmin,
    };
    const insider = cloud.iam.addUser('insider', [
      {
        name: 'InvokeTheAgencyFunctions',
        policy: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'lambda:InvokeFunction',
              Resource: Object.values(functions).map((n) => `arn:aws:lambda:us-east-1:000000000000:function:${n}`),
            },
          ],
        },
      },
    ]);
    const lambda = new LambdaClient({
      ...cloud.clientConfig('lambda'),
      credentials: { accessKeyId: insider.accessKeyId, secretAccessKey: insider.secretAccessKey },
    });
    const operator = 'arn:aws:iam::000000000000:user/operator';
    const forged = (resource: string, pathParameters: Record<string, string>, body: unknown) => ({
      resource,
      path: resource.replace(/\{(\w+)\}/g, (_, n: string) => pathParameters[n]!),
      httpMethod: 'POST',
      headers: { 'content-type': 'application/json' },
      pathParameters,
      requestContext: { identity: { userArn: operator, user: 'operator', accountId: '000000000000' }, httpMethod: 'POST', resourcePath: resource },
      body: JSON.stringify(body),
      isBase64Encoded: false,
    });
    const before = { record: await cloud.caseRecord(caseId), audit: await cloud.stores().audit.list(caseId), emails: (await cloud.emails()).length };
    const keysBefore = await cloud.stores().apiKeys.list('alimart');
    const events: [keyof typeof functions, ReturnType<typeof forged>][] = [
      ['staffDecision', forged('/v1/agency/cases/{caseId}/decision', { caseId }, { decision: 'uphold_dispute', reason: 'Approved by the director.' })],
      ['reportRelisting', forged('/v1/agency/cases/{caseId}/relisting', { caseId }, { listing: 'https://alimart.example/item/9' })],
      ['reissueLink', forged('/v1/agency/cases/{caseId}/link', { caseId }, {})],
      ['marketplaceAdmin', forged('/v1/agency/marketplaces/{marketplaceId}/keys', { marketplaceId: 'alimart' }, {})],
    ];
    for (const [role, event] of events) {
      const out = await lambda.send(new InvokeCommand({ FunctionName: functions[role], Payload: Buffer.from(JSON.stringify(event)) }));
      const answer = JSON.parse(Buffer.from(out.Payload!).toString('utf8')) as { statusCode: number; body: string };
      expect(out.FunctionError, role).toBeUndefined();
      expect(answer.statusCode, role).toBe(403);
      expect(JSON.parse(answer.body), role).toMatchObject({
        ok: false,
        kind: 'forbidden',
        error: expect.stringMatching(/^the request carries no proof of its IAM identity/),
      });
    }
    lambda.destroy();
    await cloud.clock.settle();
    expect(await cloud.caseRecord(caseId)).toEqual(before.record);
    expect(await cloud.stores().audit.list(caseId)).toEqual(before.audit);
    expect((await cloud.emails()).length).toBe(before.emails);
    expect(await cloud.stores().apiKeys.list('alimart')).toEqual(keysBefore);
    const marketplaceLog = await cloud.stores().audit.list('marketplace-alimart');
    expect(marketplaceLog.filter((e) => e.action === 'API_KEY_ISSUED')).toHaveLength(keysBefore.length);
  }

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
    await insiderForgesEachFunction(caseId);

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

  it("ends a person's console sessions from the CLI: their next request asks them to sign in, audited under the caller", async () => {
    const decider = await consoleSession(cloud.urls.console, cloud.users.decider);
    const viewer = await consoleSession(cloud.urls.console, cloud.users.viewer);
    expect((await decider(`${cloud.urls.console}cases`)).status).toBe(200);
    expect((await aws('staff', 'end-sessions', 'Decider@agency.example')).stdout).toContain(
      '1 session(s) of decider@agency.example ended: they must sign in again.',
    );
    const after = await decider(`${cloud.urls.console}cases`);
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toMatch(/\/console\/sign-in/);
    expect((await viewer(`${cloud.urls.console}cases`)).status).toBe(200);
    expect((await cloud.stores().audit.list('staff-sessions')).at(-1)).toMatchObject({
      action: 'STAFF_SESSIONS_ENDED',
      actor: 'agency:arn:aws:iam::000000000000:user/operator',
      detail: { person: { email: 'decider@agency.example' }, sessions: 1 },
    });
    expect((await aws('staff', 'end-sessions', 'nobody@agency.example')).stdout).toContain('nobody@agency.example has no console session to end.');
  });
});
