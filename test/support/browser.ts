import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** Debian's Chromium, which .ci/run installs; Playwright drives it headless. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where screenshots land. */
export const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
/** CI runs the other test files beside the browser ones on two cores: each browser step gets room. */
export const STEP_TIMEOUT = 90_000;
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Chromium, headless, with the screenshots folder ready. */
export async function launchBrowser(): Promise<Browser> {
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

/**
 * A browser context that reaches the local cloud only, JavaScript off unless `options` say: the
 * pages show the recall's images from cpsc.gov, which this network may neither serve nor refuse,
 * so a page would never finish loading.
 */
export async function localContext(browser: Browser, options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 }, ...options });
  await context.route(
    (url) => url.hostname !== '127.0.0.1',
    (route) => route.abort('internetdisconnected'),
  );
  return context;
}
