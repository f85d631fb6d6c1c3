import { request } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCloud } from '#infra/local-cloud/local-cloud.ts';
import { parseResponses, runSimulation } from '#infra/simulate/simulation.ts';
import type { StaffRole } from '#shared/store/session-store.ts';
import { ARTIFACTS, launchBrowser, localContext, STEP_TIMEOUT } from '../support/browser.ts';
import { cpscRecords } from '../support/data.ts';

const RECALLS = ['26582', '26580', '26607'];
const marketplace = (id: string, name: string, aliases: string[] = []) => ({ id, name, noticeEmails: [`safety@${id}.example`], aliases });

describe('the staff console, signed in through the identity provider, in a browser', () => {
  let cloud: LocalCloud;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  /** A browser of its own (no JavaScript, only the local cloud reachable). */
  async function newPage(): Promise<Page> {
    const context = await localContext(browser);
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    return page;
  }

  /** Signs in as a person would: the console's sign-in page, the provider's form, back to `path`. */
  async function signIn(page: Page, role: StaffRole, path = 'cases', screenshots = false): Promise<void> {
    await page.goto(`${cloud.urls.console}${path}`, { waitUntil: 'domcontentloaded' });
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    if (screenshots) await page.screenshot({ path: `${ARTIFACTS}staff-sign-in.png`, fullPage: true });
    await page.locator('#sign-in').click();
    await page.getByLabel('Email').fill(cloud.users[role].username);
    await page.getByLabel('Password').fill(cloud.users[role].password);
    if (screenshots) await page.screenshot({ path: `${ARTIFACTS}idp-sign-in.png`, fullPage: true });
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.href.startsWith(cloud.urls.console) && !url.pathname.endsWith('/callback'));
    expect(await page.locator('header .who').textContent()).toBe(`${role}@agency.example (${role})`);
  }

  /** The CSRF token of the page's forms (every page has one: sign-out). */
  const csrfOf = (page: Page) => page.locator('input[name=csrf]').first().getAttribute('value');

  /** A case and its audit log, to show that a refused request changed neither. */
  const caseState = async (caseId: string) => ({ record: await cloud.caseRecord(caseId), audit: await cloud.stores().audit.list(caseId) });

  beforeAll(async () => {
    cloud = await LocalCloud.start({ start: new Date('2026-12-01T09:00:00-05:00') });
    await runSimulation(
      cloud,
      {
        recalls: cpscRecords().filter((r) => RECALLS.includes(String(r.RecallNumber))),
        marketplaces: [marketplace('prompt', 'Prompt', ['Amazon.com']), marketplace('silent', 'Silent <Shop>'), marketplace('quarrel', 'Quarrel')],
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
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await cloud?.stop();
  });

  it('gives a request without a session no case data: every page leads to sign-in, a form changes nothing', { timeout: 120_000 }, async () => {
    const before = await caseState('26580.quarrel');
    for (const path of ['', 'cases', 'cases/26580.quarrel', 'cases?status=overdue', 'scorecard', 'digest', 'marketplaces', 'marketplaces/quarrel']) {
      const response = await fetch(`${cloud.urls.console}${path}`, { redirect: 'manual' });
      expect(response.status, path).toBe(303);
      expect(new URL(response.headers.get('location')!, cloud.urls.console).pathname).toBe('/live/console/sign-in');
      expect(await response.text()).toBe('');
    }
    const post = await fetch(`${cloud.urls.console}cases/26580.quarrel/decision`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'rg-session=forged' },
      body: 'decision=uphold_dispute&reason=forged',
    });
    expect(post.status).toBe(303);
    expect(await caseState('26580.quarrel')).toEqual(before);
    // A provider's error in a link shows none of the link's own text: for no sign-in under way, nothing of it;
    // for one under way, fixed words for its code. A malformed escape is refused, not an error.
    const planted = `error=access_denied&error_description=${encodeURIComponent('Call 555-0100 to restore your account')}`;
    const stranger = await fetch(`${cloud.urls.console}callback?state=x&${planted}`);
    expect(stranger.status).toBe(401);
    expect(await stranger.text()).toMatch(/this sign-in was not started in this browser(?![\s\S]*555-0100)/);
    const started = await fetch(`${cloud.urls.console}sign-in/start`, { redirect: 'manual' });
    const state = new URL(started.headers.get('location')!).searchParams.get('state')!;
    const refused = await fetch(`${cloud.urls.console}callback?state=${state}&${planted}`, { headers: { cookie: `rg-signin=${state}` } });
    const said = await refused.text();
    expect([refused.status, said.includes('the sign-in was cancelled or refused at the identity provider.'), said.includes('555-0100')]).toEqual([
      401,
      true,
      false,
    ]);
    expect((await fetch(`${cloud.urls.console}cases/%E0%A4%A`, { redirect: 'manual' })).status).toBe(400);
    // The console answers on its own host only: sent to another name of it, a page is sent back there.
    const sentTo = (path: string) =>
      new Promise<{ status?: number; location?: string }>((resolve, reject) => {
        const url = new URL(cloud.urls.console);
        request(
          { host: url.hostname, port: url.port, path: `${url.pathname}${path}`, headers: { host: `console.elsewhere.example:${url.port}` } },
          (answer) => {
            answer.resume();
            resolve({ status: answer.statusCode, location: answer.headers.location });
          },
        )
          .on('error', reject)
          .end();
      });
    expect(await sentTo('cases/26580.quarrel')).toEqual({ status: 303, location: `${cloud.urls.console}cases/26580.quarrel` });
    // Never to another site, whatever the path says.
    for (const path of ['%2F%2Fevil.example/sign-in', '%5C%5Cevil.example', 'http:%2F%2Fevil.example%2F'])
      expect(await sentTo(path), path).toEqual({ status: 303, location: `${cloud.urls.console}cases` });
    const signInPage = await fetch(cloud.urls.staff);
    expect(await signInPage.text()).not.toMatch(/26580|quarrel/);
    for (const [name, value] of [
      ['content-security-policy', /default-src 'none'.*frame-ancestors 'none'/],
      ['cache-control', /^no-store$/],
      ['referrer-policy', /^no-referrer$/],
    ] as const)
      expect(signInPage.headers.get(name)).toMatch(value);
  });

  it('lets a viewer read the cases and a timeline but not decide: a replayed decision is refused and changes nothing', { timeout: 300_000 }, async () => {
    const page = await newPage();
    await signIn(page, 'viewer', 'cases', true);
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
    // The recalls name Amazon as the seller: Prompt goes by it, so its cases are the ones "sold here".
    await page.goto(`${cloud.urls.console}cases`, { waitUntil: 'domcontentloaded' });
    await page.getByLabel('Recall says it was sold here').selectOption('yes');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/soldHere=yes/);
    expect(await page.locator('#count').textContent()).toBe('3 cases.');
    expect(await page.locator('#cases').innerText()).not.toMatch(/silent|quarrel/);
    for (const path of ['scorecard?soldHere=no', 'digest?soldHere=yes'])
      expect((await page.request.get(`${cloud.urls.console}${path}`)).status(), path).toBe(200);
    expect(await (await page.request.get(`${cloud.urls.console}digest?soldHere=yes`)).text()).toContain(
      '(only cases whose recall names the marketplace as a seller)',
    );
    await page.goto(`${cloud.urls.console}cases?status=overdue&marketplace=silent`, { waitUntil: 'domcontentloaded' });

    await page.getByRole('link', { name: '26582.silent' }).click();
    await page.getByRole('heading', { name: 'Case 26582.silent' }).waitFor();
    expect(await page.locator('#status').textContent()).toBe('OVERDUE');
    const facts = await page.locator('main').innerText();
    expect(facts).toContain('no: the recall does not name this marketplace');
    expect(facts).toContain('amazon (partner: Prompt)');
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
    // The execution history is shown without the task tokens its events carry.
    const record = await cloud.caseRecord('26582.silent');
    expect(await page.content()).not.toContain(record!.taskToken!.slice(0, 40));
    await page.screenshot({ path: `${ARTIFACTS}staff-case.png`, fullPage: true });

    // A disputed case: the viewer sees it, and no decision form.
    await page.goto(`${cloud.urls.console}cases/26582.quarrel`, { waitUntil: 'domcontentloaded' });
    expect(await page.locator('#status').textContent()).toBe('DISPUTED');
    expect(await page.locator('main').innerText()).toContain('Deciding takes the decider role.');
    expect(await page.getByRole('button', { name: /Reject|Uphold|Close/ }).count()).toBe(0);
    const before = await caseState('26582.quarrel');
    const replayed = await page.request.post(`${cloud.urls.console}cases/26582.quarrel/decision`, {
      form: { csrf: (await csrfOf(page))!, decision: 'uphold_dispute', reason: 'replayed by a viewer' },
      maxRedirects: 0,
    });
    expect(replayed.status()).toBe(403);
    expect(await replayed.text()).toContain('This takes the decider role');
    expect(await caseState('26582.quarrel')).toEqual(before);
    // Admin pages are not a viewer's either.
    expect((await page.request.get(`${cloud.urls.console}marketplaces`)).status()).toBe(403);
  });

  it(
    "lets a decider reject a dispute; the case and its audit log name the verified identity; forms need the session's CSRF token",
    { timeout: 300_000 },
    async () => {
      const page = await newPage();
      await signIn(page, 'decider', 'cases?status=awaiting-decision');
      expect(await page.locator('#count').textContent()).toBe('3 cases.');
      await page.getByRole('link', { name: '26580.quarrel' }).click();
      await page.getByRole('heading', { name: 'Case 26580.quarrel' }).waitFor();
      expect(await page.locator('dl').innerText()).toMatch(/Dispute: Our <b>listings<\/b> are a different model\. \(Dec 2, 2026, 10:00\sAM, on time\)/);

      // A POST without the CSRF token, or with another session's, changes nothing.
      const before = await caseState('26580.quarrel');
      const url = `${cloud.urls.console}cases/26580.quarrel/decision`;
      const without = await page.request.post(url, { form: { decision: 'reject_dispute', reason: 'no token' }, maxRedirects: 0 });
      expect(without.status()).toBe(403);
      const other = await newPage();
      await signIn(other, 'decider');
      const otherCsrf = (await csrfOf(other))!;
      expect(otherCsrf).not.toBe(await csrfOf(page));
      const foreign = await page.request.post(url, { form: { csrf: otherCsrf, decision: 'reject_dispute', reason: 'wrong token' }, maxRedirects: 0 });
      expect(foreign.status()).toBe(403);
      expect(await foreign.text()).toContain('did not come from your session');
      expect(await caseState('26580.quarrel')).toEqual(before);

      await page.getByRole('button', { name: 'Reject the dispute' }).click();
      await page.getByRole('alert').waitFor();
      expect(await page.getByRole('alert').textContent()).toBe('The decision was refused: reason: give the reason for rejecting the dispute');
      expect(await cloud.caseRecord('26580.quarrel')).toMatchObject({ status: 'DISPUTED' });

      await page.locator('#reject_dispute-reason').fill('The recall covers every model sold under this name.');
      await page.getByRole('button', { name: 'Reject the dispute' }).click();
      await page.getByRole('status').waitFor();
      expect(await page.getByRole('status').textContent()).toBe('Decision recorded: reject dispute.');
      await cloud.settle();
      await page.reload({ waitUntil: 'domcontentloaded' });
      // The workflow took the decision: the case is back with the marketplace, with a new deadline.
      expect(await page.locator('#status').textContent()).toBe('NOTIFIED');
      const identity = { issuer: cloud.urls.idp, subject: 'local-decider', email: 'decider@agency.example' };
      const audit = await cloud.stores().audit.list('26580.quarrel');
      expect(audit.map((a) => a.action)).toEqual(['NOTICE_SENT', 'ANSWER_RECEIVED', 'HANDED_TO_STAFF', 'DECISION_RECORDED', 'CASE_RESUMED']);
      expect(audit[3]).toMatchObject({ actor: 'staff:decider@agency.example', detail: { decision: { decision: 'reject_dispute' }, identity } });
      const shown = (await page.locator('#timeline td:nth-child(2)').allInnerTexts()).find((t) => t.startsWith('DECISION_RECORDED'));
      expect(shown).toContain('by staff:decider@agency.example');
      expect(shown).toContain(`"identity":{"issuer":"${cloud.urls.idp}","subject":"local-decider","email":"decider@agency.example"}`);
      expect(await cloud.caseRecord('26580.quarrel')).toMatchObject({ status: 'NOTIFIED', previousAnswers: [{ answer: { answer: 'dispute' } }] });
      await page.screenshot({ path: `${ARTIFACTS}staff-decision.png`, fullPage: true });

      // The scorecard with its chart, and the digest as it would be emailed now, its links into the console.
      await page.goto(`${cloud.urls.console}scorecard?since=2026-12-01&until=2026-12-31`, { waitUntil: 'domcontentloaded' });
      const chart = page.locator('#chart svg');
      await chart.waitFor();
      expect(await chart.locator('text').allTextContents()).toEqual(expect.arrayContaining(['prompt', 'quarrel', 'silent', '100%', '0%']));
      const [table, staydown] = await page.locator('main table').allInnerTexts();
      expect(table).toMatch(/prompt\s+3\s+3\s+3 \(100%\)/);
      expect(table).toMatch(/silent\s+3\s+0\s+0 \(0%\)\s+-\s+-\s+3/);
      expect(staydown).toMatch(/Listings removed/);
      expect(staydown).toMatch(/All, mean of marketplaces/);
      await page.screenshot({ path: `${ARTIFACTS}staff-scorecard.png`, fullPage: true });
      await page.goto(`${cloud.urls.console}scorecard?since=yesterday`, { waitUntil: 'domcontentloaded' });
      expect(await page.getByRole('alert').textContent()).toBe('yesterday is not a date: give YYYY-MM-DD');

      await page.goto(`${cloud.urls.console}digest`, { waitUntil: 'domcontentloaded' });
      const digest = await page.locator('body').innerText();
      expect(digest).toContain('Silent <Shop>: 3 cases overdue');
      expect(digest).toContain('Waiting for your decision: 2 cases');
      await page.screenshot({ path: `${ARTIFACTS}staff-digest.png`, fullPage: true });
      await page.getByRole('link', { name: '26607' }).first().click();
      await page.getByRole('heading', { name: 'Case 26607.silent' }).waitFor();

      // Signed out, the back button and a replayed request both land on sign-in; nothing changes.
      const afterDecision = await caseState('26582.quarrel');
      const csrf = (await csrfOf(page))!;
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign out of the agency sign-in' }).click();
      await page.getByText('You are signed out.').waitFor();
      // Back past the provider's sign-out page, to the case page.
      await page.goBack({ waitUntil: 'domcontentloaded' });
      await page.goBack({ waitUntil: 'domcontentloaded' });
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      expect(await page.locator('main').innerText()).not.toContain('26607');
      const replayed = await page.request.post(`${cloud.urls.console}cases/26582.quarrel/decision`, {
        form: { csrf, decision: 'reject_dispute', reason: 'replayed after sign-out' },
        maxRedirects: 0,
      });
      expect(replayed.status()).toBe(303);
      expect(replayed.headers().location).toMatch(/\/live\/console\/sign-in/);
      expect(await caseState('26582.quarrel')).toEqual(afterDecision);
    },
  );

  it('asks to sign in again after 31 minutes without a request (virtual time)', { timeout: 120_000 }, async () => {
    const page = await newPage();
    await signIn(page, 'viewer');
    await cloud.clock.run({ until: new Date(cloud.now().getTime() + 29 * 60_000) });
    await page.goto(`${cloud.urls.console}cases/26582.silent`, { waitUntil: 'domcontentloaded' });
    expect(await page.locator('#status').textContent()).toBe('OVERDUE');
    await cloud.clock.run({ until: new Date(cloud.now().getTime() + 31 * 60_000) });
    await page.goto(`${cloud.urls.console}cases/26582.silent`, { waitUntil: 'domcontentloaded' });
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toBe('You were signed out after 30 minutes without activity.');
    expect(await page.locator('main').innerText()).not.toContain('OVERDUE');
  });

  it('lets an admin add a marketplace, issue an API key that works on the JSON API, and revoke it', { timeout: 300_000 }, async () => {
    const page = await newPage();
    await signIn(page, 'admin', 'marketplaces');
    expect(await page.locator('#marketplaces').innerText()).toMatch(/quarrel\s+Quarrel/);
    await page.getByLabel('Id (lowercase letters, digits, dashes)').fill('Bad Id');
    await page.getByLabel('Name').fill('Newcomer');
    await page.getByLabel('Notice emails (one a line)').fill('safety@newcomer.example');
    await page.getByRole('button', { name: 'Add the marketplace' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/^invalid marketplaces: 0\.id: lowercase letters/);
    expect(await cloud.stores().marketplaces.get('newcomer')).toBeUndefined();
    await page.getByLabel('Id (lowercase letters, digits, dashes)').fill('newcomer');
    await page.getByRole('button', { name: 'Add the marketplace' }).click();
    await page.getByRole('status').waitFor();
    expect(await page.getByRole('status').textContent()).toBe('Saved newcomer.');
    expect(await cloud.stores().marketplaces.get('newcomer')).toMatchObject({ name: 'Newcomer', active: true, policy: cloud.defaultPolicy });

    await page.getByRole('button', { name: 'Issue an API key' }).click();
    const key = (await page.locator('#issued-key').textContent())!;
    expect(key).toMatch(/^rgk_/);
    await page.screenshot({ path: `${ARTIFACTS}staff-marketplace.png`, fullPage: true });
    const api = (k: string) => fetch(`${cloud.urls.api}/cases`, { headers: { 'x-api-key': k } });
    expect((await api(key)).status).toBe(200);
    const keyId = key.split('_')[1]!;
    await page.goto(`${cloud.urls.console}marketplaces/newcomer`, { waitUntil: 'domcontentloaded' });
    expect(await page.content()).not.toContain(key);
    await page.getByRole('button', { name: `Revoke ${keyId}` }).click();
    await page.getByRole('status').waitFor();
    expect(await page.getByRole('status').textContent()).toBe(`API key ${keyId} revoked: it no longer opens the API.`);
    expect((await api(key)).status).toBe(401);
    const audit = await cloud.stores().audit.list('marketplace-newcomer');
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['MARKETPLACE_STORED', 'staff:admin@agency.example'],
      ['API_KEY_ISSUED', 'staff:admin@agency.example'],
      ['API_KEY_REVOKED', 'staff:admin@agency.example'],
    ]);
    expect(JSON.stringify(audit)).not.toContain(key);

    await page.getByRole('button', { name: /^Deactivate/ }).click();
    await page.getByRole('status').waitFor();
    expect(await cloud.stores().marketplaces.get('newcomer')).toMatchObject({ active: false });
    await page.goto(`${cloud.urls.console}marketplaces`, { waitUntil: 'domcontentloaded' });
    expect(await page.locator('#marketplaces').innerText()).toMatch(/newcomer\s+Newcomer\s+safety@newcomer\.example\s+deactivated/);
    await page.screenshot({ path: `${ARTIFACTS}staff-marketplaces.png`, fullPage: true });

    // Re-issuing a case's response link: emailed to the marketplace, audited under the admin.
    const sent = (await cloud.emails()).length;
    await page.goto(`${cloud.urls.console}cases/26582.silent`, { waitUntil: 'domcontentloaded' });
    await page.getByRole('button', { name: 'Email the marketplace a new response link' }).click();
    await page.getByRole('status').waitFor();
    expect(await page.getByRole('status').textContent()).toBe('A new response link was emailed to safety@silent.example.');
    expect((await cloud.emails()).slice(sent).map((m) => m.destination.to)).toEqual([['safety@silent.example']]);
    expect((await cloud.stores().audit.list('26582.silent')).at(-1)).toMatchObject({ action: 'LINK_REISSUED', actor: 'staff:admin@agency.example' });
  });

  it(
    "ends the provider's session at sign-out, lets an admin end another person's sessions, and asks for a fresh sign-in before an admin change",
    { timeout: 300_000 },
    async () => {
      // Signing out of the console ends the provider's session too: an authorization request that does
      // not itself force a sign-in (as another application at this computer would send) asks for the password.
      const shared = await newPage();
      await signIn(shared, 'viewer');
      await shared.getByRole('button', { name: 'Sign out' }).click();
      await shared.getByRole('button', { name: 'Sign out of the agency sign-in' }).click();
      await shared.getByRole('heading', { name: 'Sign in' }).waitFor();
      expect(await shared.getByRole('alert').textContent()).toBe('You are signed out.');
      const start = await fetch(`${cloud.urls.console}sign-in/start`, { redirect: 'manual' });
      const quiet = new URL(start.headers.get('location')!);
      for (const forcing of ['prompt', 'max_age']) quiet.searchParams.delete(forcing);
      await shared.goto(quiet.href, { waitUntil: 'domcontentloaded' });
      await shared.getByLabel('Password').waitFor();

      // An administrator ends a decider's sessions: the decider's next request lands on sign-in.
      const decider = await newPage();
      await signIn(decider, 'decider');
      const admin = await newPage();
      await signIn(admin, 'admin', 'sessions');
      expect(await admin.locator('#sessions').innerText()).toContain('decider@agency.example');
      await admin.getByRole('button', { name: 'End the sessions of decider@agency.example' }).click();
      await admin.getByRole('status').waitFor();
      expect(await admin.getByRole('status').textContent()).toBe('Signed out: decider@agency.example.');
      await admin.screenshot({ path: `${ARTIFACTS}staff-sessions.png`, fullPage: true });
      await decider.goto(`${cloud.urls.console}cases/26582.silent`, { waitUntil: 'domcontentloaded' });
      await decider.getByRole('heading', { name: 'Sign in' }).waitFor();
      expect(await decider.locator('main').innerText()).not.toContain('OVERDUE');

      // Sixteen minutes on, a key is issued only after signing in again; nothing is issued before.
      await cloud.clock.run({ until: new Date(cloud.now().getTime() + 16 * 60_000) });
      const keys = (await cloud.stores().apiKeys.list('prompt')).length;
      await admin.goto(`${cloud.urls.console}marketplaces/prompt`, { waitUntil: 'domcontentloaded' });
      await admin.getByRole('button', { name: 'Issue an API key' }).click();
      await admin.getByRole('heading', { name: 'Sign in' }).waitFor();
      expect(await admin.getByRole('alert').textContent()).toBe('This change takes a recent sign-in: sign in again to make it.');
      expect(await cloud.stores().apiKeys.list('prompt')).toHaveLength(keys);
      await admin.locator('#sign-in').click();
      await admin.getByLabel('Email').fill(cloud.users.admin.username);
      await admin.getByLabel('Password').fill(cloud.users.admin.password);
      await admin.getByRole('button', { name: 'Sign in' }).click();
      await admin.waitForURL((url) => url.pathname.endsWith('/console/marketplaces/prompt'));
      await admin.getByRole('button', { name: 'Issue an API key' }).click();
      expect(await admin.locator('#issued-key').textContent()).toMatch(/^rgk_/);
      expect(await cloud.stores().apiKeys.list('prompt')).toHaveLength(keys + 1);
    },
  );
});
