import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { parseResponses, runSimulation } from '#infra/simulate/simulation.ts';
import { cpscRecords } from '../support/data.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
const STEP_TIMEOUT = 90_000;
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const RECALLS = ['26582', '26580', '26607'];
const marketplace = (id: string, name: string) => ({ id, name, noticeEmails: [`safety@${id}.example`] });

describe('staff work from the staff page, in a browser', () => {
  let cloud: LocalCloud;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    cloud = await LocalCloud.start({ start: new Date('2026-12-01T09:00:00-05:00'), deployTimeWrites: false });
    await runSimulation(
      cloud,
      {
        recalls: cpscRecords().filter((r) => RECALLS.includes(String(r.RecallNumber))),
        marketplaces: [marketplace('prompt', 'Prompt'), marketplace('silent', 'Silent <Shop>'), marketplace('quarrel', 'Quarrel')],
        responses: parseResponses([
          ...RECALLS.map((recallNumber) => ({ recallNumber, marketplaceId: 'prompt', action: 'blocked', at: '2026-12-01T15:00:00-05:00' })),
          ...RECALLS.map((recallNumber) => ({
            recallNumber,
            marketplaceId: 'quarrel',
            action: 'dispute',
            at: '2026-12-02T10:00:00-05:00',
            reason: 'Our <b>listings</b> are a different model.',
          })),
        ]),
      },
      // Tuesday morning: the silent marketplace's cases are 3 working days overdue.
      { until: new Date('2026-12-08T08:00:00-05:00') },
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    // Server-rendered: the page needs no JavaScript. Only the local cloud is reached.
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    await context.route(
      (url) => url.hostname !== '127.0.0.1',
      (route) => route.abort('internetdisconnected'),
    );
    page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
  });

  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
  });

  it('filters the cases and opens one with its audit log and execution history side by side', { timeout: 300_000 }, async () => {
    await page.goto(`${cloud.urls.staff}/`, { waitUntil: 'domcontentloaded' });
    expect(await page.locator('#count').textContent()).toBe('9 cases.');
    await page.getByLabel('Status').selectOption('overdue');
    await page.getByLabel('Marketplace').selectOption('silent');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/status=overdue&marketplace=silent/);
    expect(await page.locator('#count').textContent()).toBe('3 cases.');
    const rows = page.locator('#cases tr');
    expect(await rows.count()).toBe(4);
    expect(await rows.nth(1).innerText()).toMatch(/26580\.silent\s.*Silent <Shop>\s+OVERDUE\s+Dec 3, 2026, 11:59\sPM\s+3/);
    await page.screenshot({ path: `${ARTIFACTS}staff-cases.png`, fullPage: true });

    await page.getByRole('link', { name: '26582.silent' }).click();
    await page.getByRole('heading', { name: 'Case 26582.silent' }).waitFor();
    expect(await page.locator('#status').textContent()).toBe('OVERDUE');
    const timeline = page.locator('#timeline');
    const audit = await timeline.locator('td:nth-child(2)').allInnerTexts();
    const execution = await timeline.locator('td:nth-child(3)').allInnerTexts();
    expect(audit.filter(Boolean).map((t) => t.split(' ')[0])).toEqual(['NOTICE_SENT', 'REMINDER_SENT', 'ESCALATED']);
    expect(execution.filter((t) => t.startsWith('TaskStateEntered')).map((t) => t.split(' ')[1])).toEqual([
      'NotifyMarketplace',
      'AwaitAnswer',
      'SendReminder',
      'AwaitAnswer',
      'Escalate',
      'AwaitAnswer',
    ]);
    // No decision is asked of staff while the marketplace still owes an answer.
    expect(await page.getByRole('button', { name: /Close the case|Reject/ }).count()).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}staff-case.png`, fullPage: true });
  });

  it('decides a dispute through the same callback as in AWS; a decision without its reason is refused and changes nothing', { timeout: 300_000 }, async () => {
    await page.goto(`${cloud.urls.staff}/cases?status=awaiting-decision`, { waitUntil: 'domcontentloaded' });
    expect(await page.locator('#count').textContent()).toBe('3 cases.');
    await page.getByRole('link', { name: '26580.quarrel' }).click();
    await page.getByRole('heading', { name: 'Case 26580.quarrel' }).waitFor();
    expect(await page.locator('dl').innerText()).toMatch(/Dispute: Our <b>listings<\/b> are a different model\. \(Dec 2, 2026, 10:00\sAM, on time\)/);

    await page.getByRole('button', { name: 'Reject the dispute' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toBe('The decision was refused: reason: give the reason for rejecting the dispute');
    expect(await cloud.caseRecord('26580.quarrel')).toMatchObject({ status: 'DISPUTED' });

    await page.locator('#reject_dispute-reason').fill('The recall covers every model sold under this name.');
    await page.getByRole('button', { name: 'Reject the dispute' }).click();
    await page.getByRole('status').waitFor();
    expect(await page.getByRole('status').textContent()).toBe('Decision recorded: reject dispute.');
    // The workflow took the decision: the case is back with the marketplace, with a new deadline.
    expect(await page.locator('#status').textContent()).toBe('NOTIFIED');
    const audit = (await page.locator('#timeline td:nth-child(2)').allInnerTexts()).filter(Boolean);
    expect(audit.map((t) => t.split(' ')[0])).toEqual(['NOTICE_SENT', 'ANSWER_RECEIVED', 'HANDED_TO_STAFF', 'DECISION_RECORDED', 'CASE_RESUMED']);
    expect(audit[3]).toContain('by staff:compliance@example.gov');
    expect(await cloud.caseRecord('26580.quarrel')).toMatchObject({ status: 'NOTIFIED', previousAnswers: [{ answer: { answer: 'dispute' } }] });
    await page.screenshot({ path: `${ARTIFACTS}staff-decision.png`, fullPage: true });
  });

  it('shows the scorecard with its chart, and the digest as it would be emailed now', { timeout: 300_000 }, async () => {
    await page.goto(`${cloud.urls.staff}/scorecard?since=2026-12-01&until=2026-12-31`, { waitUntil: 'domcontentloaded' });
    const chart = page.locator('#chart svg');
    await chart.waitFor();
    expect(await chart.locator('text').allTextContents()).toEqual(expect.arrayContaining(['prompt', 'quarrel', 'silent', '100%', '0%']));
    const [table, staydown] = await page.locator('main table').allInnerTexts();
    expect(table).toMatch(/prompt\s+3\s+3\s+3 \(100%\)/);
    expect(table).toMatch(/silent\s+3\s+0\s+0 \(0%\)\s+-\s+-\s+3/);
    // The stay-down table, with the combined rows both ways.
    expect(staydown).toMatch(/Listings removed/);
    expect(staydown).toMatch(/All, mean of marketplaces/);
    await page.screenshot({ path: `${ARTIFACTS}staff-scorecard.png`, fullPage: true });

    await page.goto(`${cloud.urls.staff}/scorecard?since=yesterday`, { waitUntil: 'domcontentloaded' });
    expect(await page.getByRole('alert').textContent()).toBe('yesterday is not a date: give YYYY-MM-DD');

    await page.goto(`${cloud.urls.staff}/digest`, { waitUntil: 'domcontentloaded' });
    const digest = await page.locator('body').innerText();
    expect(digest).toContain('Silent <Shop>: 3 cases overdue');
    expect(digest).toContain('Waiting for your decision: 2 cases');
    await page.screenshot({ path: `${ARTIFACTS}staff-digest.png`, fullPage: true });
    await page.getByRole('link', { name: '26607' }).first().click();
    await page.getByRole('heading', { name: 'Case 26607.silent' }).waitFor();
  });
});
