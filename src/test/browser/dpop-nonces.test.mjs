// latchkey.js against a Latchkey with DPoP at its strictest: server nonces required in every proof
// and access tokens bound to the key, so that each API call carries a proof with `ath`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { events, launchChromium, login, openTab, signInWithKeyboard } from './chromium.mjs';
import { newAccount, startLatchkey } from './latchkey-server.mjs';

/** @type {Awaited<ReturnType<typeof startLatchkey>>} */ let latchkey;
/** @type {import('playwright-core').Browser} */ let browser;

before(async () => {
  latchkey = await startLatchkey({
    'latchkey.dpop.nonces': 'true',
    'latchkey.dpop.bind-access-tokens': 'true',
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await latchkey?.stop();
});

test('a tab that took its token from another tab learns the nonce from the refusal and does not refresh', async () => {
  const context = await browser.newContext();
  const account = await newAccount(latchkey);
  const tabA = await openTab(latchkey.baseUrl, context);
  const tabB = await openTab(latchkey.baseUrl, context);
  assert.deepEqual([tabA.signedIn, tabB.signedIn], [false, false]);
  /** @type {string[]} */ const seenByB = [];
  tabB.page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (path.startsWith('/auth/') || path.startsWith('/api/')) {
      seenByB.push(`${response.request().method()} ${path} ${response.status()}`);
    }
  });
  /** @type {string[]} */ const refreshes = [];
  context.on('request', (request) => {
    if (request.url().endsWith('/auth/refresh')) {
      refreshes.push(request.url());
    }
  });

  const signedIn = await login(tabA.page, account);
  assert.equal(signedIn.status, 'signed-in');
  await tabB.page.waitForFunction(() => /** @type {any} */ (window).lk.isSignedIn());
  const answer = await tabB.page.evaluate(async () => {
    const response = await /** @type {any} */ (window).lk.fetch('/api/me');
    return { status: response.status, email: (await response.json()).email };
  });

  assert.deepEqual(answer, { status: 200, email: account.email });
  assert.deepEqual(seenByB, ['GET /api/me 401', 'GET /api/me 200'],
    'the tab never had a nonce: refused once for it, then answered, with no refresh in between');
  assert.deepEqual(refreshes, [], 'no tab refreshed');
  assert.ok(!(await events(tabB.page)).includes('signedOut'));
  await context.close();
});

test('the account page works end to end with bound access tokens and nonces', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  /** @type {string[]} */ const schemes = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/me') {
      schemes.push(`${(request.headers().authorization ?? 'none').split(' ')[0]} ${request.headers().dpop ? 'proof' : 'no-proof'}`);
    }
  });
  const account = await newAccount(latchkey);
  await signInWithKeyboard(latchkey.baseUrl, page, account);
  assert.equal(await page.locator('#email').textContent(), account.email);
  assert.equal(await page.locator('#sessions tr').count(), 1);
  assert.ok(schemes.length > 0 && schemes.every((s) => s === 'DPoP proof'), schemes.join(', '));
  await context.close();
});
