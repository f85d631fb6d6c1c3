import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { cpscRecords } from '../support/data.ts';

const MARKETPLACES = [
  { id: 'alimart', name: 'AliMart', noticeEmails: ['safety@alimart.example'] },
  { id: 'bazaarly', name: 'Bazaarly', noticeEmails: ['notices@bazaarly.example'] },
];

/**
 * The response API's per-caller limits (AWS WAF's rate-based rules, as the template declares
 * them), with the limits lowered for the test. Every client here is on loopback: each request
 * names the source it stands for in X-Forwarded-For.
 */
describe('one caller cannot starve the others', () => {
  let cloud: LocalCloud;
  const links = new Map<string, string>();
  const keys = new Map<string, string>();
  const from = (ip: string, url: string, init: RequestInit = {}) =>
    fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), 'x-forwarded-for': ip } });
  const postForm = (ip: string, url: string, fields: Record<string, string>) =>
    from(ip, url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  const postJson = (ip: string, url: string, key: string, body: unknown) =>
    from(ip, url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(body) });

  beforeAll(async () => {
    cloud = await LocalCloud.start({
      start: new Date('2026-03-02T14:00:00Z'),
      config: { apiThrottle: { perIpPer5Minutes: 20, perKeyPer5Minutes: 30 } },
    });
    await cloud.importMarketplaces(MARKETPLACES);
    await cloud.invoke('ingest', { source: 'test', records: cpscRecords().filter((r) => ['26582', '26581'].includes(String(r.RecallNumber))) });
    await cloud.clock.settle();
    for (const email of await cloud.emails()) {
      const match = /Answer this notice: (\S+)/.exec(email.body.text ?? '');
      if (match) links.set(decodeURIComponent(new URL(match[1]!).pathname.split('/').pop()!), match[1]!);
    }
    for (const m of MARKETPLACES) keys.set(m.id, (await cloud.stores().apiKeys.issue(m.id, cloud.clock.date())).key);
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('blocks a flood from one source IP with 429 once it passes its limit, while a marketplace elsewhere still answers', async () => {
    const forged = new URL(links.get('26582.alimart')!);
    forged.searchParams.set('sig', 'forged');
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await postForm('203.0.113.66', forged.href, { answer: 'not_listed' })).status);
    expect(statuses.filter((s) => s === 403)).toHaveLength(20);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    // The forged requests that got through were counted; the blocked ones never reached a function.
    expect((await cloud.stores().refusals.recent('26582.alimart', cloud.clock.date()))[0]?.count).toBe(20);

    const answered = await postForm('198.51.100.7', links.get('26582.bazaarly')!, { answer: 'not_listed', reason: 'never sold here' });
    expect(answered.status).toBe(200);
    await cloud.clock.settle();
    expect(await cloud.caseRecord('26582.bazaarly')).toMatchObject({ status: 'NOT_LISTED' });
  });

  it('limits each API key wherever its requests come from, and the other keys not at all', async () => {
    const url = (caseId: string) => `${cloud.urls.api}/cases/${caseId}/answer`;
    const statuses: number[] = [];
    // One key from many addresses (a leaked key, or a client gone wrong), on a case of another marketplace.
    for (let i = 0; i < 40; i++)
      statuses.push((await postJson(`192.0.2.${i + 1}`, url('26581.bazaarly'), keys.get('alimart')!, { answer: 'not_listed' })).status);
    expect(statuses.filter((s) => s === 404)).toHaveLength(30);
    expect(statuses.slice(30).every((s) => s === 429)).toBe(true);
    const other = await postJson('192.0.2.200', url('26581.bazaarly'), keys.get('bazaarly')!, { answer: 'not_listed' });
    expect(other.status).toBe(200);
  });

  it('lets a blocked source through again once its window has passed', async () => {
    const forged = new URL(links.get('26582.alimart')!);
    forged.searchParams.set('sig', 'forged');
    expect((await postForm('203.0.113.66', forged.href, { answer: 'not_listed' })).status).toBe(429);
    await cloud.clock.run({ until: new Date(cloud.clock.now() + 5 * 60_000 + 1000) });
    expect((await postForm('203.0.113.66', forged.href, { answer: 'not_listed' })).status).toBe(403);
  });
});
