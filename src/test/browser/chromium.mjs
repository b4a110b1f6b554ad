// Debian's Chromium, and the few moves every browser test makes in it: a tab with latchkey.js
// loaded as a page would load it, a sign-in through the client, and the client's events.
import { chromium } from 'playwright-core';

/** The flags this machine kind needs (see docs/testing.md); the browser itself is Debian's. */
const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * A tab on a page of Latchkey's origin (the verification page: its policy allows scripts of the
 * origin and nothing else), with the client loaded as a page would load it and its events recorded.
 * @param {string} baseUrl
 * @param {import('playwright-core').BrowserContext} context
 * @param {Record<string, unknown>} [options] for createClient
 */
export async function openTab(baseUrl, context, options = {}) {
  const page = await context.newPage();
  await page.goto(`${baseUrl}/account/verify-email`);
  const signedIn = await page.evaluate(async (clientOptions) => {
    const { createClient } = await import('/client/latchkey.js');
    const client = createClient(clientOptions);
    /** @type {any} */ (window).events = [];
    for (const type of ['signedIn', 'signedOut', 'sessionExpiring', 'refreshFailed']) {
      client.addEventListener(type, (/** @type {any} */ event) => {
        /** @type {any} */ (window).events.push({ type, at: Date.now(), detail: JSON.parse(JSON.stringify(event.detail ?? {})) });
      });
    }
    /** @type {any} */ (window).lk = client;
    return client.ready;
  }, options);
  return { page, signedIn };
}

/**
 * @param {import('playwright-core').Page} page
 * @param {{email: string, password: string}} account
 */
export function login(page, account) {
  return page.evaluate(({ email, password }) => /** @type {any} */ (window).lk.login(email, password), account);
}

/** @param {import('playwright-core').Page} page */
export function events(page) {
  return page.evaluate(() => /** @type {any} */ (window).events.map((/** @type {any} */ e) => e.type));
}

/**
 * Signs in through the sign-in page with the keyboard alone and lands on the account page.
 * @param {string} baseUrl
 * @param {import('playwright-core').Page} page
 * @param {{email: string, password: string}} account
 */
export async function signInWithKeyboard(baseUrl, page, account) {
  await page.goto(`${baseUrl}/account/sign-in`);
  await page.keyboard.press('Tab');
  await page.keyboard.type(account.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(account.password);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${baseUrl}/account/home`);
  await page.locator('#signed-in').waitFor({ state: 'visible' });
}
