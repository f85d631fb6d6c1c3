import { readFileSync } from 'node:fs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { routesOf } from '#infra/local-cloud/rest-api.ts';
import { signedLink } from '#shared/signed-link.ts';
import { cpscRecords } from '../support/data.ts';

const MONDAY_9AM_NEW_YORK = new Date('2026-03-02T14:00:00Z');
const BOUNCE = 'bounce@simulator.amazonses.com';
const COMPLAINT = 'complaint@simulator.amazonses.com';
const MARKETPLACES = [
  { id: 'alimart', name: 'AliMart', noticeEmails: ['safety@alimart.example'] },
  { id: 'bazaarly', name: 'Bazaarly', noticeEmails: ['notices@bazaarly.example'], aliases: ['Amazon.com'] },
  { id: 'gonemart', name: 'GoneMart', noticeEmails: [BOUNCE], escalationEmails: [COMPLAINT] },
];
const HOSTILE = `<script>alert("x")</script><img src=x onerror=alert(1)>"'&`;

/** Everything a marketplace or anyone else got back: searched for task tokens at the end. */
const seen: string[] = [];

async function call(url: string, init?: RequestInit): Promise<{ status: number; text: string; json: () => Record<string, unknown> }> {
  const response = await fetch(url, init);
  const text = await response.text();
  seen.push(text);
  return { status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

const post = (url: string, fields: Record<string, string>) =>
  call(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

const api = (url: string, key: string | undefined, body?: unknown, raw?: string) =>
  call(url, {
    method: body === undefined && raw === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });

describe('marketplace answers: signed links, the JSON API and bounces', () => {
  let cloud: LocalCloud;
  const recalls = cpscRecords().filter((r) => ['26582', '26581', '26580'].includes(String(r.RecallNumber)));
  const links = new Map<string, string>();
  let aliKey: string;
  let bazKey: string;

  /** Cases and their audit logs, leaving out the audit entries of refused requests. */
  async function state(): Promise<string> {
    const { cases, audit } = cloud.stores();
    const records = await cases.list();
    const logs = await Promise.all(records.map((r) => audit.list(r.caseId)));
    return JSON.stringify({ records, logs: logs.map((l) => l.filter((e) => !['LINK_REJECTED', 'API_KEY_REJECTED'].includes(e.action))) });
  }

  beforeAll(async () => {
    cloud = await LocalCloud.start({ start: MONDAY_9AM_NEW_YORK });
    await cloud.importMarketplaces(MARKETPLACES);
    await cloud.invoke('ingest', { source: 'test', records: recalls });
    await cloud.clock.settle();
    for (const email of await cloud.emails()) {
      const match = /Answer this notice: (\S+)/.exec(email.body.text ?? '');
      if (match) links.set(decodeURIComponent(new URL(match[1]!).pathname.split('/').pop()!), match[1]!);
    }
    aliKey = (await cloud.stores().apiKeys.issue('alimart', cloud.clock.date())).key;
    bazKey = (await cloud.stores().apiKeys.issue('bazaarly', cloud.clock.date())).key;
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('shows the case on GET and changes nothing', async () => {
    const before = await state();
    const page = await call(links.get('26582.alimart')!);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Combination Smoke and Carbon Monoxide');
    expect(await state()).toBe(before);
  });

  it('refuses forged, tampered and expired links with 403 and a page that says what to do, and audits them', async () => {
    const before = await state();
    const link = new URL(links.get('26582.alimart')!);
    const forged = new URL(link);
    forged.searchParams.set('sig', `${link.searchParams.get('sig')!.slice(0, -2)}AA`);
    const tampered = link.href.replace('26582.alimart', '26582.bazaarly');

    const secretArn = cloud.resolver.ofType('AWS::SecretsManager::Secret').map(([id]) => cloud.resolver.arn(id))[0]!;
    const secrets = new SecretsManagerClient(cloud.clientConfig('sfn'));
    const { current } = JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString!) as { current: string };
    secrets.destroy();
    const expired = signedLink(cloud.urls.respond, '26582.alimart', new Date(cloud.clock.now() - 1000), current);

    for (const [url, says] of [
      [forged.href, 'This link is not valid'],
      [tampered, 'This link is not valid'],
      [expired, 'This link has expired'],
    ] as const) {
      for (const response of [await call(url), await post(url, { answer: 'not_listed' })]) {
        expect(response.status).toBe(403);
        expect(response.text).toContain(says);
      }
    }
    expect(await state()).toBe(before);
    // Counted apart from the cases' audit logs, which refused requests never grow.
    const refusals = cloud.stores().refusals;
    expect(await refusals.recent('26582.alimart', cloud.clock.date())).toEqual([
      { day: '2026-03-02', count: 4, last: { reason: 'link expired (POST)', at: expect.any(String) } },
    ]);
    expect((await refusals.recent('26582.bazaarly', cloud.clock.date()))[0]?.count).toBe(2);
    for (const caseId of ['26582.alimart', '26582.bazaarly']) expect((await cloud.stores().audit.list(caseId)).map((e) => e.action)).toEqual(['NOTICE_SENT']);
  });

  it('refuses oversized and malformed bodies with the reason, and changes nothing', async () => {
    const before = await state();
    const link = links.get('26582.alimart')!;
    const huge = await post(link, { answer: 'blocked', listings: 'x'.repeat(70_000), count: '1', blockedAt: '2026-03-02T10:00' });
    expect(huge.status).toBe(413);
    expect(huge.text).toContain('larger than 64 KB');
    const cases: [Record<string, string>, string][] = [
      [{ answer: 'maybe' }, 'Choose one of the answers below.'],
      [{ answer: 'blocked', listings: '', count: '1', blockedAt: '2026-03-02T10:00' }, 'give at least one listing id or URL'],
      [{ answer: 'blocked', listings: 'A-1', count: 'many', blockedAt: '2026-03-02T10:00' }, 'count:'],
      [{ answer: 'blocked', listings: 'A-1', count: '1', blockedAt: 'yesterday' }, 'give the date and time'],
      [{ answer: 'extension', reason: 'time', requestedDate: '2026-02-30' }, 'requestedDate'],
      [{ answer: 'dispute', reason: '   ' }, 'give the reason for the dispute'],
    ];
    for (const [fields, says] of cases) {
      const response = await post(link, fields);
      expect(response.status, JSON.stringify(fields)).toBe(400);
      expect(response.text).toContain(says);
    }
    const garbage = await call(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '%%%&&&==' });
    expect(garbage.status).toBe(400);
    expect(await state()).toBe(before);
  });

  it('escapes HTML and script from every field on every page and in every email', async () => {
    // Echoed back on an error page...
    const echoed = await post(links.get('26582.alimart')!, { answer: 'blocked', listings: HOSTILE, count: HOSTILE, blockedAt: HOSTILE, reason: HOSTILE });
    expect(echoed.status).toBe(400);
    // ...on the receipt, in the staff email of a dispute, and on the page of a later visit.
    const link = links.get('26582.bazaarly')!;
    const receipt = await post(link, { answer: 'dispute', reason: HOSTILE });
    expect(receipt.status).toBe(200);
    const revisit = await call(link);
    // Every other field, recorded: listings of a blocked answer, the reason and date of an extension.
    const blocked = await post(links.get('26580.alimart')!, {
      answer: 'blocked',
      listings: `${HOSTILE}\n${HOSTILE}`,
      count: '2',
      blockedAt: '2026-03-02T10:00',
    });
    const badDate = await post(links.get('26581.gonemart')!, { answer: 'extension', reason: 'r', requestedDate: HOSTILE });
    const extension = await post(links.get('26581.gonemart')!, { answer: 'extension', reason: HOSTILE, requestedDate: '2026-03-20' });
    await cloud.clock.settle();
    const staffEmails = (await cloud.emails()).filter(
      (e) => e.subject === 'Decision needed: Bazaarly disputes recall 26582' || e.subject === 'Decision needed: GoneMart asks for an extension on recall 26581',
    );
    expect(staffEmails).toHaveLength(2);
    expect([badDate.status, blocked.status, extension.status]).toEqual([400, 200, 200]);
    for (const html of [echoed.text, badDate.text, receipt.text, revisit.text, blocked.text, extension.text, ...staffEmails.map((e) => e.body.html ?? '')]) {
      expect(html).not.toContain('<script>alert');
      expect(html).not.toContain('<img src=x');
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    }
  });

  it('records a valid answer once: a replayed POST shows it and changes nothing', async () => {
    const link = links.get('26581.alimart')!;
    const receipt = await post(link, { answer: 'blocked', listings: 'ALI-1\nALI-2', count: '2', blockedAt: '2026-03-02T10:00' });
    expect(receipt.status).toBe(200);
    expect(receipt.text).toContain('your answer is recorded');
    expect(receipt.text).toMatch(/Reference: <strong>[^<]+<\/strong>/);
    await cloud.clock.settle();
    expect(await cloud.caseRecord('26581.alimart')).toMatchObject({ status: 'BLOCKED', answerOnTime: true });
    const before = await state();
    const replay = await post(link, { answer: 'not_listed' });
    expect(replay.status).toBe(200);
    expect(replay.text).toContain('An answer is already recorded');
    await cloud.clock.settle();
    expect(await state()).toBe(before);
  });

  it("refuses a missing or unknown API key, and another marketplace's case, with nothing changed", async () => {
    const before = await state();
    const url = `${cloud.urls.api}/cases/26580.bazaarly/answer`;
    const body = { answer: 'not_listed' };
    expect((await api(url, undefined, body)).json()).toEqual({ error: 'missing x-api-key header' });
    const unknown = await api(url, `rgk_abcdefgh_${'A'.repeat(43)}`, body);
    expect(unknown.status).toBe(401);
    expect(unknown.json()).toEqual({ error: 'unknown or revoked API key' });
    expect((await api(`${cloud.urls.api}/cases`, 'not-a-key')).status).toBe(401);
    const foreign = await api(url, aliKey, body);
    expect(foreign.status).toBe(404);
    expect(foreign.json()).toEqual({ error: 'there is no case 26580.bazaarly for marketplace alimart' });
    expect((await api(`${cloud.urls.api}/cases/99999.nowhere/answer`, aliKey, body)).status).toBe(404);
    expect(await state()).toBe(before);
    const refusals = cloud.stores().refusals;
    expect((await refusals.recent('26580.bazaarly', cloud.clock.date()))[0]?.count).toBe(2);
    // Another marketplace's case and one that does not exist are counted alike, for the key that asked.
    const aliKeyId = aliKey.split('_')[1]!;
    expect(await refusals.recent(`key:${aliKeyId}`, cloud.clock.date())).toEqual([
      { day: '2026-03-02', count: 2, last: { reason: 'no such case for this marketplace', at: expect.any(String) } },
    ]);
  });

  it('takes a flood of forged requests on one case without growing its audit log, and answers a case of another marketplace as one that does not exist, with the same work', async () => {
    const link = new URL(links.get('26581.bazaarly')!);
    link.searchParams.set('sig', 'forged');
    const before = (await cloud.stores().audit.list('26581.bazaarly')).length;
    const url = `${cloud.urls.api}/cases/26581.bazaarly/answer`;
    for (let i = 0; i < 50; i++) {
      expect((await post(link.href, { answer: 'not_listed' })).status).toBe(403);
      expect((await api(url, `rgk_abcdefgh_${'B'.repeat(43)}`, { answer: 'not_listed' })).status).toBe(401);
    }
    expect((await cloud.stores().audit.list('26581.bazaarly')).length - before).toBeLessThanOrEqual(2);
    expect((await cloud.stores().refusals.recent('26581.bazaarly', cloud.clock.date()))[0]?.count).toBe(100);

    // The same requests to the tables, whether the case belongs to another marketplace or does not exist.
    const work = async (caseId: string) => {
      const start = await cloud.dynamodbRequests();
      const response = await api(`${cloud.urls.api}/cases/${caseId}/answer`, aliKey, { answer: 'not_listed' });
      const end = await cloud.dynamodbRequests();
      return {
        status: response.status,
        body: response.json().error,
        requests: Object.fromEntries(
          Object.entries(end)
            .map(([op, n]) => [op, n - (start[op] ?? 0)])
            .filter(([, n]) => n !== 0),
        ),
      };
    };
    const foreign = await work('26581.bazaarly');
    const missing = await work('26581.nowhere');
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(foreign.requests).toEqual(missing.requests);
    expect(String(foreign.body).replace('26581.bazaarly', 'X')).toBe(String(missing.body).replace('26581.nowhere', 'X'));
  });

  it('takes answers in bulk through the JSON API, with the same checks', async () => {
    const url = (caseId: string) => `${cloud.urls.api}/cases/${caseId}/answer`;
    const before = await state();
    const refused: [unknown, string | undefined, number, string][] = [
      [undefined, '{not json', 400, 'the body is not JSON'],
      [[1, 2], undefined, 400, 'the body must be a JSON object'],
      [{ answer: 'maybe' }, undefined, 400, 'answer must be one of blocked, not_listed, dispute, extension'],
      [
        { answer: 'blocked', listings: [], count: 1, blockedAt: '2026-03-02T10:00:00Z' },
        undefined,
        400,
        'listings: give at least one listing id or URL, one per line',
      ],
      [{ answer: 'blocked', listings: [7], count: 1, blockedAt: '2026-03-02T10:00:00Z' }, undefined, 400, 'listings:'],
      [{ answer: 'blocked', listings: ['x'.repeat(70_000)], count: 1, blockedAt: '2026-03-02T10:00:00Z' }, undefined, 413, 'larger than 64 KB'],
    ];
    for (const [body, raw, status, says] of refused) {
      const response = await api(url('26580.bazaarly'), bazKey, body, raw);
      expect(response.status, JSON.stringify(body ?? raw)).toBe(status);
      expect(String(response.json().error)).toContain(says);
    }
    expect(await state()).toBe(before);

    const open = await api(`${cloud.urls.api}/cases?status=open`, bazKey);
    expect(open.status).toBe(200);
    const listed = (open.json().cases as { caseId: string; status: string; recallTitle: string }[]).map((c) => c.caseId).sort();
    expect(listed).toEqual(['26580.bazaarly', '26581.bazaarly', '26582.bazaarly']);
    // Each case carries what to search by, with where the recall gives it, and whether the recall names this marketplace.
    const honlyne = (open.json().cases as { caseId: string; soldHere: boolean; identifiers: { models: { value: string; field: string }[] } }[]).find(
      (c) => c.caseId === '26580.bazaarly',
    );
    expect(honlyne).toMatchObject({ soldHere: true, identifiers: { models: [{ value: 'HON-302HE', field: 'description' }], brands: [{ value: 'Honlyne' }] } });
    const one = await api(`${cloud.urls.api}/cases/26580.bazaarly`, bazKey);
    expect(one.status).toBe(200);
    expect(one.json()).toEqual(honlyne);
    expect((await api(`${cloud.urls.api}/cases/26580.alimart`, aliKey)).json()).toMatchObject({ soldHere: false, recallNumber: '26580' });
    expect((await api(`${cloud.urls.api}/cases/26580.alimart`, bazKey)).status).toBe(404);
    const notice = (await cloud.emails()).find((m) => m.destination.to.includes('notices@bazaarly.example') && m.subject.startsWith('Recall 26580'));
    expect(notice?.body.text?.split('\n').filter(Boolean)[1]).toMatch(/^CPSC reports this product was sold on your platform: "Online at Amazon\.com/);
    expect((await api(`${cloud.urls.api}/cases?status=maybe`, bazKey)).json()).toEqual({
      error: 'status must be open, closed, all or checks',
      field: 'status',
    });
    expect(
      (
        await api(
          `${cloud.urls.api}/cases?nextToken=${Buffer.from('{"marketplaceId":"alimart","caseId":"1.alimart","openedAt":"x"}').toString('base64url')}`,
          bazKey,
        )
      ).status,
    ).toBe(400);

    const answered = await api(url('26580.bazaarly'), bazKey, {
      answer: 'blocked',
      listings: ['https://bazaarly.example/l/1', 'BZ-2'],
      count: 2,
      blockedAt: '2026-03-02T10:30:00-05:00',
    });
    expect(answered.status).toBe(200);
    expect(answered.json()).toMatchObject({ caseId: '26580.bazaarly', status: 'BLOCKED', recorded: true, onTime: true, answer: 'blocked' });
    await cloud.clock.settle();
    const record = await cloud.caseRecord('26580.bazaarly');
    expect(record).toMatchObject({
      status: 'BLOCKED',
      answerDelivered: true,
      answer: { listings: ['https://bazaarly.example/l/1', 'BZ-2'], count: 2, blockedAt: '2026-03-02T15:30:00.000Z' },
    });
    const again = await api(url('26580.bazaarly'), bazKey, { answer: 'not_listed' });
    expect(again.json()).toMatchObject({ recorded: false, answer: 'blocked' });
    const closedNow = await api(`${cloud.urls.api}/cases?status=closed`, bazKey);
    expect((closedNow.json().cases as { caseId: string }[]).map((c) => c.caseId)).toEqual(['26580.bazaarly']);
  });

  it('publishes its OpenAPI document, which names every marketplace route of the JSON API', async () => {
    const served = await call(`${cloud.urls.api}/openapi.json`);
    expect(served.status).toBe(200);
    const document = served.json() as { paths: Record<string, Record<string, unknown>> };
    expect(document).toEqual(JSON.parse(readFileSync(new URL('../../functions/answer-api/openapi.json', import.meta.url), 'utf8')));
    const documented = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    const [apiId] = cloud.resolver.ofType('AWS::ApiGateway::RestApi').map(([id]) => id);
    const routes = routesOf(cloud.resolver, apiId!)
      .map((r) => `${r.method} ${r.resource}`)
      .filter((k) => k.includes(' /v1/'));
    // The agency's own routes (IAM-authorized, not for marketplaces) are documented in the README.
    expect(routes.filter((k) => k.includes(' /v1/agency/')).sort()).toEqual([
      'POST /v1/agency/cases/{caseId}/decision',
      'POST /v1/agency/cases/{caseId}/link',
      'POST /v1/agency/cases/{caseId}/relisting',
      'POST /v1/agency/keys/{keyId}/revoke',
      'POST /v1/agency/marketplaces',
      'POST /v1/agency/marketplaces/{marketplaceId}/keys',
      'POST /v1/agency/staff/sessions/end',
    ]);
    expect(documented.sort()).toEqual(routes.filter((k) => !k.includes(' /v1/agency/')).sort());
  });

  it('marks a bounced notice NOTICE_BOUNCED and emails staff at once', async () => {
    // SES reports the bounce a moment after it took the notice.
    await cloud.clock.run({ until: new Date(cloud.clock.now() + 60_000) });
    const record = await cloud.caseRecord('26582.gonemart');
    expect(record).toMatchObject({ status: 'NOTICE_BOUNCED' });
    expect(record?.noticeBouncedAt).toBeDefined();
    const alert = (await cloud.emails()).filter((e) => e.subject.startsWith('BOUNCED') && e.subject.includes('26582'));
    expect(alert).toHaveLength(1);
    expect(alert[0]!.destination.to).toEqual(['compliance@example.gov']);
    expect(alert[0]!.body.text).toContain(BOUNCE);
    const audit = await cloud.stores().audit.list('26582.gonemart');
    expect(audit.map((e) => e.action)).toEqual(['NOTICE_SENT', 'NOTICE_BOUNCED']);
  });

  it('stores an answer after the case ended as late, and says so', async () => {
    // Every other case runs to its end: the ones nobody answered expire.
    await cloud.clock.run();
    expect(await cloud.caseRecord('26582.alimart')).toMatchObject({ status: 'EXPIRED' });
    const bounced = await cloud.caseRecord('26582.gonemart');
    expect(bounced?.status).toBe('EXPIRED');
    // Its reminder bounced too, and its escalation drew a complaint: both are on its audit log,
    // and neither alerts staff again.
    const actions = (await cloud.stores().audit.list('26582.gonemart')).map((e) => e.action);
    expect(actions.slice(0, 6)).toEqual(['NOTICE_SENT', 'NOTICE_BOUNCED', 'REMINDER_SENT', 'EMAIL_BOUNCED', 'ESCALATED', 'COMPLAINT_RECEIVED']);
    const alerts = (await cloud.emails()).filter((e) => e.subject.startsWith('BOUNCED')).map((e) => e.subject.slice(0, 50));
    expect(alerts.sort()).toEqual(['26580', '26581', '26582'].map((n) => `BOUNCED: the notice of recall ${n} to GoneMart was not delivered`.slice(0, 50)));

    const late = await post(links.get('26582.alimart')!, { answer: 'not_listed', reason: 'never sold it' });
    expect(late.status).toBe(200);
    expect(late.text).toContain('recorded as late');
    expect(late.text).toContain('The case had already ended (EXPIRED)');
    await cloud.clock.settle();
    expect(await cloud.caseRecord('26582.alimart')).toMatchObject({ status: 'EXPIRED', answerOnTime: false, answer: { answer: 'not_listed' } });
    const viaApi = await api(`${cloud.urls.api}/cases/26582.alimart/answer`, aliKey, {
      answer: 'blocked',
      listings: ['A'],
      count: 1,
      blockedAt: '2026-03-02T10:00:00Z',
    });
    expect(viaApi.json()).toMatchObject({ recorded: false, status: 'EXPIRED' });
  });

  it('shows the task token in no email, page, API answer, log line or execution history', async () => {
    const tokens = cloud.stepFunctions.issuedTokens();
    expect(tokens.length).toBeGreaterThan(20);
    const sfn = new SFNClient(cloud.clientConfig('sfn'));
    const histories: string[] = [];
    for (const execution of cloud.stepFunctions.listExecutions(cloud.caseStateMachineArn)) {
      histories.push(JSON.stringify(await sfn.send(new GetExecutionHistoryCommand({ executionArn: execution.executionArn }))));
    }
    sfn.destroy();
    const haystacks = [JSON.stringify(await cloud.emails()), ...seen, cloud.lambda.logs(), ...histories];
    const audit = await Promise.all((await cloud.stores().cases.list()).map((r) => cloud.stores().audit.list(r.caseId)));
    haystacks.push(JSON.stringify(audit));
    expect(seen.length).toBeGreaterThan(30);
    for (const token of tokens) {
      for (const text of haystacks) expect(text.includes(token)).toBe(false);
    }
  });
});
