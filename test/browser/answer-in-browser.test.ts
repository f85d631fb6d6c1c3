import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { ARTIFACTS, launchBrowser, localContext, STEP_TIMEOUT } from '../support/browser.ts';
import { cpscRecords } from '../support/data.ts';

describe('a marketplace answers in a browser, from the notice in the local inbox', () => {
  let cloud: LocalCloud;
  let browser: Browser;

  beforeAll(async () => {
    cloud = await LocalCloud.start({ start: new Date('2026-03-02T14:00:00Z') });
    await cloud.importMarketplaces([{ id: 'alimart', name: 'AliMart', noticeEmails: ['safety@alimart.example'] }]);
    await cloud.invoke('ingest', { source: 'test', records: cpscRecords().filter((r) => r.RecallNumber === '26582') });
    await cloud.clock.settle();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
  });

  it('opens the link of the notice, submits the form without JavaScript and sees the receipt', { timeout: 300_000 }, async () => {
    const inbox = await (await localContext(browser, { javaScriptEnabled: true, viewport: { width: 1280, height: 720 } })).newPage();
    inbox.setDefaultTimeout(STEP_TIMEOUT);
    await inbox.goto(`${cloud.urls.inbox}/`, { waitUntil: 'domcontentloaded' });
    await inbox.getByText('Recall 26582: remove from sale on AliMart').first().waitFor();
    // The text view: the inbox fills its HTML view's iframe in a race with the iframe's own load.
    await inbox.getByRole('button', { name: 'Toggle text view' }).click();
    const text = inbox.locator('.email-text').first();
    await text.waitFor({ state: 'visible' });
    await inbox.screenshot({ path: `${ARTIFACTS}inbox-notice.png`, fullPage: true });
    const href = /Answer this notice: (\S+)/.exec(await text.innerText())?.[1];
    expect(href).toMatch(new RegExp(`^${cloud.urls.respond}respond/26582\\.alimart\\?exp=\\d+&sig=`));

    // The response page works without JavaScript: a mail client's browser may have none.
    const context = await localContext(browser);
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    await page.goto(href!, { waitUntil: 'domcontentloaded' });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Combination Smoke and Carbon Monoxide');
    await page.screenshot({ path: `${ARTIFACTS}response-page.png`, fullPage: true });

    await page.getByLabel('Listings blocked (ids or URLs, one per line)').fill('https://alimart.example/item/981\nALI-77120');
    await page.getByLabel('Number of listings blocked').fill('2');
    await page.getByLabel('Blocked at (date and time, Eastern)').fill('2026-03-02T11:15');
    await page.getByRole('button', { name: 'Send: blocked' }).click();
    await page.getByRole('status').waitFor();
    expect(await page.getByRole('status').textContent()).toContain('Thank you: your answer is recorded');
    await page.screenshot({ path: `${ARTIFACTS}receipt.png`, fullPage: true });
    await context.close();

    await cloud.clock.settle();
    expect(await cloud.caseRecord('26582.alimart')).toMatchObject({
      status: 'BLOCKED',
      answer: { answer: 'blocked', count: 2, listings: ['https://alimart.example/item/981', 'ALI-77120'], blockedAt: '2026-03-02T16:15:00.000Z' },
    });
  });

  it('shows the answer on record, and no form, when the link is opened again', { timeout: 200_000 }, async () => {
    const [notice] = await cloud.emails();
    const href = /Answer this notice: (\S+)/.exec(notice!.body.text ?? '')![1]!;
    const context = await localContext(browser);
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    await page.goto(href, { waitUntil: 'domcontentloaded' });
    expect(await page.getByRole('status').textContent()).toContain('An answer is already recorded');
    expect(await page.getByRole('button', { name: 'Send: blocked' }).count()).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}answer-on-record.png`, fullPage: true });
    await context.close();
  });
});
