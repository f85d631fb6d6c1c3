import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import type { Email } from '#infra/local-cloud/local-cloud.ts';
import { consoleSession } from '../support/console-session.ts';
import { form, linkIn } from '../support/data.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Lines the CLI prints, as they come. */
function lines(child: ChildProcess): AsyncIterator<string> {
  return createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
}

async function nextJson(reader: AsyncIterator<string>, predicate: (value: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  for (;;) {
    const { value, done } = await reader.next();
    if (done) throw new Error('the CLI stopped before printing the expected line');
    if (!value.startsWith('{')) continue;
    const parsed = JSON.parse(value) as Record<string, unknown>;
    if (predicate(parsed)) return parsed;
  }
}

describe('npm start: the local cloud with the demo, over HTTP', () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'infra/cli/main.ts', 'start', '--json', '--inbox-port', '0', '--respond-port', '0', '--idp-port', '0'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const reader = lines(child);
  let stderr = '';
  const printed = (text: string) =>
    new Promise<void>((resolve) => {
      const check = () => stderr.includes(text) && resolve();
      check();
      child.stderr!.on('data', check);
    });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  afterAll(() => {
    child.kill('SIGTERM');
  });

  it('puts the notices in the inbox, and answering one through its link closes that case', async () => {
    const urls = await nextJson(reader, (v) => 'inbox' in v);
    expect(urls.respond).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/live\/$/);
    const stored = (await (await fetch(`${urls.inbox}/store`)).json()) as { emails: Email[] };
    // The notices; the staff digest may have gone out too, the schedules running on virtual time.
    const emails = stored.emails.filter((e) => /^Recall \d+: remove from sale on /.test(e.subject));
    expect(emails).toHaveLength(Number(urls.cases));
    expect(emails.length).toBeGreaterThanOrEqual(2);

    const link = linkIn(emails[0]!.body.text);
    expect(link.startsWith(String(urls.respond))).toBe(true);
    const caseId = decodeURIComponent(new URL(link).pathname.split('/').pop()!);
    const receipt = await fetch(link, form({ answer: 'blocked', listings: 'LISTING-1', count: '1', blockedAt: new Date().toISOString() }));
    expect(receipt.status).toBe(200);

    const ended = await nextJson(reader, (v) => v.event === 'workflow-ended' && v.caseId === caseId);
    expect(ended).toMatchObject({ caseStatus: 'BLOCKED', closed: true, workflowStatus: 'SUCCEEDED' });

    // The JSON API answers on the same host, with the run's key of each demo marketplace.
    expect(urls.api).toBe(`${String(urls.respond)}v1`);
    const keys = urls.apiKeys as Record<string, string>;
    const marketplaceId = caseId.split('.')[1]!;
    const listed = (await (await fetch(`${String(urls.api)}/cases?status=all`, { headers: { 'x-api-key': keys[marketplaceId]! } })).json()) as {
      cases: { caseId: string; status: string }[];
    };
    expect(listed.cases.find((c) => c.caseId === caseId)).toMatchObject({ status: 'BLOCKED' });
    expect(listed.cases.every((c) => c.caseId.endsWith(`.${marketplaceId}`))).toBe(true);

    // The staff console shows the case, closed, to a demo user signed in through the local identity provider.
    expect(urls.staff).toBe(`${String(urls.console)}sign-in`);
    expect(String(urls.idp)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const users = urls.users as Record<'viewer' | 'decider' | 'admin', { username: string; password: string }>;
    expect(Object.keys(users).sort()).toEqual(['admin', 'decider', 'viewer']);
    expect((await fetch(`${String(urls.console)}cases/${caseId}`, { redirect: 'manual' })).status).toBe(303);
    const signedIn = await consoleSession(String(urls.console), users.viewer);
    const page = await (await signedIn(`${String(urls.console)}cases/${caseId}`)).text();
    expect(page).toContain('<span id="status">BLOCKED</span>');

    // The AWS SDK, pointed at the local cloud as the operator, is authorized as that user is in AWS.
    const aws = urls.aws as { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string };
    const sfn = new SFNClient({ endpoint: aws.endpoint, region: aws.region, credentials: aws });
    const executionArn = `arn:aws:states:us-east-1:000000000000:execution:RecallGuard-case:${caseId}`;
    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(events.at(-1)?.type).toBe('ExecutionSucceeded');
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: executionArn.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, '') })),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('User: arn:aws:iam::000000000000:user/operator is not authorized to perform: states:StartExecution'),
    });
    sfn.destroy();
    await printed('user/operator is not authorized to perform: states:StartExecution');
    // That refusal is the only one npm start printed: the stack's own calls were all allowed.
    expect(stderr.split('\n').filter((line) => line.startsWith('[iam] denied'))).toEqual([
      expect.stringContaining('user/operator is not authorized to perform: states:StartExecution'),
    ]);
  });
});
