// latchkey.js and the hosted pages in Debian's Chromium, against a real Latchkey: sign-in and
// reload, clean storage, one refresh for two tabs' forty concurrent requests, logout across tabs,
// the expiry warning, issue 16's CSRF race between tabs that do not use the client at all, DPoP,
// and the sign-in and account pages (keyboard, accessibility, another session ended, screenshots).
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { events, launchChromium, login, openTab as openTabAt, signInWithKeyboard as signInAt } from './chromium.mjs';
import { counter, mailedLink, newAccount, startLatchkey } from './latchkey-server.mjs';

/** @type {Awaited<ReturnType<typeof startLatchkey>>} */ let latchkey;
/** @type {import('playwright-core').Browser} */ let browser;

before(async () => {
  latchkey = await startLatchkey();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await latchkey?.stop();
});

/**
 * @param {import('playwright-core').BrowserContext} context
 * @param {Record<string, unknown>} [options] for createClient
 */
const openTab = (context, options = {}) => openTabAt(latchkey.baseUrl, context, options);

/** A new browser context with Playwright's clock, one tab signed in to a new account, and the login's answer. */
async function signedInWithClock() {
  const context = await browser.newContext();
  await context.clock.install();
  const { page } = await openTab(context);
  const loginResponse = page.waitForResponse((response) => response.url().endsWith('/auth/login'));
  await login(page, await newAccount(latchkey));
  return { context, page, tokens: await (await loginResponse).json() };
}

describe('/client/latchkey.js over HTTP', () => {
  test('is revalidated by its ETag, and its versioned name is the same bytes cached for a year', async () => {
    const current = await fetch(`${latchkey.baseUrl}/client/latchkey.js`);
    assert.equal(current.status, 200);
    assert.equal(current.headers.get('content-type'), 'text/javascript;charset=utf-8');
    assert.equal(current.headers.get('cache-control'), 'public, no-cache');
    assert.equal(current.headers.get('x-content-type-options'), 'nosniff');
    const body = Buffer.from(await current.arrayBuffer());
    const digest = createHash('sha256').update(body).digest();
    assert.equal(current.headers.get('x-integrity'), `sha256-${digest.toString('base64')}`);
    const version = digest.toString('hex').slice(0, 16);
    assert.equal(current.headers.get('etag'), `"${version}"`);
    assert.equal(current.headers.get('link'), `</client/latchkey.${version}.js>; rel="alternate"`);

    const unchanged = await fetch(`${latchkey.baseUrl}/client/latchkey.js`, { headers: { 'If-None-Match': `"${version}"` } });
    assert.equal(unchanged.status, 304);

    const pinned = await fetch(`${latchkey.baseUrl}/client/latchkey.${version}.js`);
    assert.equal(pinned.status, 200);
    assert.equal(pinned.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.deepEqual(Buffer.from(await pinned.arrayBuffer()), body);

    const other = await fetch(`${latchkey.baseUrl}/client/latchkey.0123456789abcdef.js`);
    assert.equal(other.status, 404);
    assert.equal(other.headers.get('content-type'), 'application/problem+json');
    assert.equal((await other.json()).status, 404);
  });
});

describe('latchkey.js in Chromium', () => {
  test('signs in, and a reload finds the session again through a refresh', async () => {
    const context = await browser.newContext();
    const account = await newAccount(latchkey);
    const { page, signedIn } = await openTab(context);
    assert.equal(signedIn, false, 'no session before signing in');

    const outcome = await login(page, account);
    assert.equal(outcome.status, 'signed-in');
    const subject = outcome.user.sub;
    assert.deepEqual(await events(page), ['signedIn']);
    const me = await page.evaluate(async () => (await /** @type {any} */ (window).lk.fetch('/api/me')).json());
    assert.equal(me.email, account.email);

    await page.reload();
    const refreshes = page.waitForResponse((response) => response.url().endsWith('/auth/refresh'));
    const reloaded = await page.evaluate(async () => {
      const { createClient } = await import('/client/latchkey.js');
      const client = createClient();
      /** @type {any} */ (window).lk = client;
      return client.ready;
    });
    assert.equal((await refreshes).status(), 200);
    assert.equal(reloaded, true, 'the refresh on load found the session');
    assert.equal(await page.evaluate(() => /** @type {any} */ (window).lk.getUser().sub), subject);
    await context.close();
  });

  test('no token is anywhere a script could find it: storage, IndexedDB, document.cookie', async () => {
    const context = await browser.newContext();
    const account = await newAccount(latchkey);
    const { page } = await openTab(context);
    const loginResponse = page.waitForResponse((response) => response.url().endsWith('/auth/login'));
    await login(page, account);
    const answer = await loginResponse;
    const accessToken = (await answer.json()).access_token;
    const refreshCookie = (await answer.headersArray())
      .filter((header) => header.name.toLowerCase() === 'set-cookie')
      .map((header) => header.value)
      .find((value) => value.startsWith('__Secure-latchkey-refresh='));
    assert.ok(refreshCookie?.includes('HttpOnly'), refreshCookie);
    const refreshToken = refreshCookie.split(';')[0].split('=')[1];
    assert.ok(accessToken.length > 100 && refreshToken.length > 100);

    // What any script of the page, injected or not, can reach.
    const reachable = await page.evaluate(async () => {
      const dump = (/** @type {Storage} */ storage) => Object.keys(storage).map((key) => `${key}=${storage.getItem(key)}`).join('\n');
      return {
        local: dump(localStorage),
        session: dump(sessionStorage),
        databases: (await indexedDB.databases()).map((database) => database.name),
        keyStore: await new Promise((done, fail) => {
          const opening = indexedDB.open('latchkey-dpop');
          opening.onerror = () => fail(opening.error);
          opening.onsuccess = () => {
            const all = opening.result.transaction('keys').objectStore('keys').getAll();
            all.onsuccess = () => done(JSON.stringify(all.result));
          };
        }),
        cookies: document.cookie,
        client: JSON.stringify(/** @type {any} */ (window).lk) + Object.keys(/** @type {any} */ (window).lk).join(','),
      };
    });
    for (const [where, text] of Object.entries({ ...reachable, databases: reachable.databases.join(',') })) {
      assert.ok(!text.includes(accessToken), `the access token is in ${where}`);
      assert.ok(!text.includes(refreshToken), `the refresh token is in ${where}`);
    }
    assert.ok(!reachable.cookies.includes('latchkey-refresh'), 'the refresh cookie is httpOnly');
    assert.ok(reachable.cookies.includes('__Host-latchkey-csrf='), 'the CSRF cookie is readable: it is a double submit');
    assert.deepEqual(reachable.databases, ['latchkey-dpop'], 'the one database holds the DPoP key, nothing else');
    assert.equal(reachable.session, '');
    await context.close();
  });

  test('two tabs, forty concurrent requests with an expired access token: one rotation, nobody signed out', async () => {
    const context = await browser.newContext();
    await context.clock.install();
    const account = await newAccount(latchkey);
    const tabA = await openTab(context);
    await login(tabA.page, account);
    const tabB = await openTab(context);
    assert.equal(tabB.signedIn, true, 'the second tab found the session on load');

    const rotatedBefore = await counter(latchkey.baseUrl, 'latchkey_refreshes_total', 'rotated');
    const replayedBefore = await counter(latchkey.baseUrl, 'latchkey_refreshes_total', 'grace_reused');
    // Both tabs now hold an access token that, by the page's clock, expired a minute ago.
    await context.clock.setSystemTime(Date.now() + 16 * 60 * 1000);
    const burst = (/** @type {import('playwright-core').Page} */ page) => page.evaluate(() => Promise.all(
      Array.from({ length: 20 }, async () => (await /** @type {any} */ (window).lk.fetch('/api/me')).status)));
    const [statusesA, statusesB] = await Promise.all([burst(tabA.page), burst(tabB.page)]);

    assert.deepEqual([...statusesA, ...statusesB], Array(40).fill(200));
    assert.equal(await counter(latchkey.baseUrl, 'latchkey_refreshes_total', 'rotated') - rotatedBefore, 1,
      'exactly one rotation for both tabs');
    assert.equal(await counter(latchkey.baseUrl, 'latchkey_refreshes_total', 'grace_reused') - replayedBefore, 0,
      'the waiting tab took the outcome and did not send its own refresh');
    for (const tab of [tabA, tabB]) {
      assert.ok(!(await events(tab.page)).includes('signedOut'));
      assert.equal(await tab.page.evaluate(() => /** @type {any} */ (window).lk.isSignedIn()), true);
    }
    await context.close();
  });

  test('refreshes by itself a minute before the access token expires, and not before', async () => {
    const { context, page, tokens } = await signedInWithClock();
    const expiresIn = tokens.expires_in;
    /** @type {number[]} */ const refreshes = [];
    page.on('response', (response) => {
      if (response.url().endsWith('/auth/refresh')) {
        refreshes.push(response.status());
      }
    });

    await context.clock.fastForward((expiresIn - 61) * 1000);
    await page.waitForTimeout(300);
    assert.deepEqual(refreshes, [], 'nothing yet, 61 s before expiry');
    // Latchkey's clock has not moved, so the first proof's iat is refused, and the client retries
    // once with the clock of Latchkey's answer.
    const refreshed = page.waitForResponse((response) => response.url().endsWith('/auth/refresh') && response.status() === 200);
    await context.clock.fastForward(2000);
    assert.equal((await refreshed).status(), 200);
    await context.close();
  });

  test('logout in one tab signs out the other within a second', async () => {
    const context = await browser.newContext();
    const account = await newAccount(latchkey);
    const tabA = await openTab(context);
    await login(tabA.page, account);
    const tabB = await openTab(context);
    assert.equal(tabB.signedIn, true);

    const loggedOutAt = Date.now();
    await tabA.page.evaluate(() => /** @type {any} */ (window).lk.logout());
    await tabB.page.waitForFunction(() => /** @type {any} */ (window).events.some((/** @type {any} */ e) => e.type === 'signedOut'),
      undefined, { timeout: 1000 });
    assert.ok(Date.now() - loggedOutAt < 1000 + 500);
    assert.equal(await tabB.page.evaluate(() => /** @type {any} */ (window).lk.isSignedIn()), false);
    const status = await tabB.page.evaluate(async () => (await /** @type {any} */ (window).lk.fetch('/api/me')).status);
    assert.equal(status, 401, 'the session is over on the server too');
    await context.close();
  });

  test('sessionExpiring fires before the session ends when the clock is moved', async () => {
    const { context, page, tokens } = await signedInWithClock();
    const sessionEnd = 1000 * tokens.session_expires_at;
    assert.ok(!(await events(page)).includes('sessionExpiring'));

    // To three minutes before the end: the warning (two minutes before) has not fired yet.
    await context.clock.fastForward(sessionEnd - 180_000 - (await page.evaluate(() => Date.now())));
    assert.ok(!(await events(page)).includes('sessionExpiring'));
    await context.clock.fastForward(61_000);
    const warning = await page.evaluate(() => /** @type {any} */ (window).events.find((/** @type {any} */ e) => e.type === 'sessionExpiring'));
    assert.ok(warning, 'warned');
    assert.ok(warning.detail.secondsLeft <= 120 && warning.detail.secondsLeft > 100, JSON.stringify(warning));
    await context.close();
  });
});

describe("issue 16's CSRF race, without the client", () => {
  test('a tab whose CSRF header was read before another tab refreshed is not refused', async () => {
    const context = await browser.newContext();
    const account = await newAccount(latchkey);
    // The raw requests below carry no DPoP proof, so the session must not be bound to a key.
    const tabA = await openTab(context, { dpop: false });
    await login(tabA.page, account);
    const tabB = (await openTab(context, { dpop: false })).page;

    const readCsrf = () => document.cookie.split('; ').find((c) => c.startsWith('__Host-latchkey-csrf='))?.split('=')[1];
    const stale = await tabA.page.evaluate(readCsrf);
    const refreshInB = await tabB.evaluate(async (/** @type {string} */ csrf) => (await fetch('/auth/refresh',
      { method: 'POST', credentials: 'include', headers: { 'X-CSRF-Token': csrf } })).status, await tabB.evaluate(readCsrf));
    assert.equal(refreshInB, 200);
    const refreshInA = await tabA.page.evaluate(async (/** @type {string} */ csrf) => (await fetch('/auth/refresh',
      { method: 'POST', credentials: 'include', headers: { 'X-CSRF-Token': csrf } })).status, stale);
    assert.equal(refreshInA, 200, 'the header read before the other tab refreshed still passes');

    // And as it happens unplanned: bursts from both tabs, each request reading the cookie just before it goes.
    const bursts = (/** @type {import('playwright-core').Page} */ page) => page.evaluate(async () => {
      const statuses = [];
      for (let round = 0; round < 5; round++) {
        statuses.push(...await Promise.all(Array.from({ length: 8 }, async () => {
          const csrf = document.cookie.split('; ').find((c) => c.startsWith('__Host-latchkey-csrf='))?.split('=')[1] ?? '';
          return (await fetch('/auth/refresh', { method: 'POST', credentials: 'include', headers: { 'X-CSRF-Token': csrf } })).status;
        })));
      }
      return statuses;
    });
    const statuses = (await Promise.all([bursts(tabA.page), bursts(tabB)])).flat();
    assert.equal(statuses.filter((status) => status === 403).length, 0, `statuses: ${statuses.join(' ')}`);
    await context.close();
  });
});

describe('DPoP in Chromium (issue 17)', () => {
  test('the key is kept in IndexedDB and cannot be exported, and every login and refresh carries a proof by it', async () => {
    const context = await browser.newContext();
    const { page } = await openTab(context);
    /** @type {string[]} */ const proofs = [];
    page.on('request', (request) => {
      if (/\/auth\/(login|refresh)$/.test(request.url())) {
        proofs.push(request.headers().dpop ?? 'none');
      }
    });
    await login(page, await newAccount(latchkey));
    assert.equal(await page.evaluate(() => /** @type {any} */ (window).lk.refresh()), true);
    assert.equal(proofs.length, 2);
    const keys = proofs.map((jwt) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString()).jwk);
    assert.deepEqual(keys[0], keys[1], 'one key for the session');
    assert.deepEqual(Object.keys(keys[0]).sort(), ['crv', 'kty', 'x', 'y'], 'a public key only');

    const exported = await page.evaluate(() => new Promise((done) => {
      const opening = indexedDB.open('latchkey-dpop');
      opening.onsuccess = () => {
        const all = opening.result.transaction('keys').objectStore('keys').getAll();
        all.onsuccess = async () => {
          const key = all.result[0].privateKey;
          try {
            await crypto.subtle.exportKey('jwk', key);
            done({ extractable: key.extractable, exported: true });
          } catch (error) {
            done({ extractable: key.extractable, exported: false, error: String(error) });
          }
        };
      };
    }));
    assert.deepEqual({ extractable: exported.extractable, exported: exported.exported }, { extractable: false, exported: false },
      JSON.stringify(exported));
    await context.close();
  });

  test('a refresh cookie copied into a fresh browser is refused without the key, and the owner goes on', async () => {
    const owner = await browser.newContext();
    const { page } = await openTab(owner);
    await login(page, await newAccount(latchkey));

    const thief = await browser.newContext();
    await thief.addCookies(await owner.cookies());
    const stolen = await thief.newPage();
    await stolen.goto(`${latchkey.baseUrl}/account/verify-email`);
    const refusal = stolen.waitForResponse((response) => response.url().endsWith('/auth/refresh'));
    const thiefSignedIn = await stolen.evaluate(async () => {
      const { createClient } = await import('/client/latchkey.js');
      return createClient().ready;
    });
    const answer = await refusal;
    assert.equal(thiefSignedIn, false);
    assert.equal(answer.status(), 401);
    assert.equal((await answer.json()).type, 'urn:latchkey:problem:invalid-dpop-proof');

    assert.equal(await page.evaluate(() => /** @type {any} */ (window).lk.refresh()), true, 'the session was not ended');
    const me = await page.evaluate(async () => (await /** @type {any} */ (window).lk.fetch('/api/me')).status);
    assert.equal(me, 200);
    await thief.close();
    await owner.close();
  });
});

describe('the hosted pages', () => {
  const screenshots = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
  const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

  /**
   * @param {import('playwright-core').Page} page
   * @param {{email: string, password: string}} account
   */
  const signInWithKeyboard = (page, account) => signInAt(latchkey.baseUrl, page, account);

  test('sign in with the keyboard alone, and the account page shows the profile and this session', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const account = await newAccount(latchkey);
    await signInWithKeyboard(page, account);
    assert.equal(await page.locator('#email').textContent(), account.email);
    assert.equal(await page.locator('#sessions tr').count(), 1);
    assert.match(await page.locator('#sessions tr').first().textContent() ?? '', /this browser/);
    await context.close();
  });

  test('register through the page, confirm the address through the mailed link, then sign in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const account = { email: `browser-${crypto.randomUUID()}@example.test`, password: `correct horse ${crypto.randomUUID()}` };
    await page.goto(`${latchkey.baseUrl}/account/sign-in`);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('E-mail address').fill(account.email);
    await page.getByLabel('Password').fill('brief pw 7');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('#status.error').waitFor();
    assert.match(await page.locator('#status').textContent() ?? '', /12 characters/, 'the rule that failed is announced');

    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Look in your inbox').waitFor();

    // Not yet: the registration becomes an account only through the link.
    await page.goto(`${latchkey.baseUrl}/account/sign-in`);
    await page.getByLabel('E-mail address').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#status.error').waitFor();

    await page.goto(await mailedLink(latchkey.mailUrl, account.email, /confirm/i));
    assert.ok(!page.url().includes('token='), 'the page takes the token out of the address bar');
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await page.getByText('Your address is confirmed').waitFor();

    await signInWithKeyboard(page, account);
    assert.equal(await page.locator('#email').textContent(), account.email);
    assert.equal(await page.locator('#verified').textContent(), 'Yes');
    await context.close();
  });

  test('asking for a reset link answers alike for an unknown address', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${latchkey.baseUrl}/account/sign-in`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('E-mail address').fill(`nobody-${crypto.randomUUID()}@example.test`);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByText('If an active account has this address').waitFor();
    assert.equal(await page.locator('#status.error').count(), 0);
    await context.close();
  });

  test('a wrong password is announced, and nothing else happens', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const account = await newAccount(latchkey);
    await page.goto(`${latchkey.baseUrl}/account/sign-in`);
    await page.getByLabel('E-mail address').fill(account.email);
    await page.getByLabel('Password').fill(`${account.password}-wrong`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#status.error').waitFor();
    assert.equal(await page.locator('#status').getAttribute('aria-live'), 'polite');
    assert.equal(new URL(page.url()).pathname, '/account/sign-in');
    await context.close();
  });

  test("ending another session on the account page kills that browser's next request", async () => {
    const other = await browser.newContext();
    const account = await newAccount(latchkey);
    const { page: otherTab } = await openTab(other);
    await login(otherTab, account);
    assert.equal(await otherTab.evaluate(async () => (await /** @type {any} */ (window).lk.fetch('/api/me')).status), 200);

    const context = await browser.newContext();
    const page = await context.newPage();
    await signInWithKeyboard(page, account);
    assert.equal(await page.locator('#sessions tr').count(), 2);
    await page.locator('#sessions tr', { hasNotText: 'this browser' }).getByRole('button').click();
    await page.getByText('That session has ended.').waitFor();
    assert.equal(await page.locator('#sessions tr').count(), 1);

    const status = await otherTab.evaluate(async () => (await /** @type {any} */ (window).lk.fetch('/api/me')).status);
    assert.equal(status, 401);
    assert.ok((await events(otherTab)).includes('signedOut'));
    await context.close();
    await other.close();
  });

  test('a password change on the account page keeps this browser signed in and ends the other sessions', async () => {
    const other = await browser.newContext();
    const account = await newAccount(latchkey);
    const { page: otherTab } = await openTab(other);
    await login(otherTab, account);

    const context = await browser.newContext();
    const page = await context.newPage();
    await signInWithKeyboard(page, account);
    const newPassword = `battery staple ${crypto.randomUUID()}`;
    await page.getByLabel('Current password').fill(`${account.password}-wrong`);
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.locator('#status.error').waitFor();

    await page.getByLabel('Current password').fill(account.password);
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password has been changed').waitFor();
    assert.equal(await page.locator('#sessions tr').count(), 1);
    await page.reload();
    await page.locator('#signed-in').waitFor({ state: 'visible' });

    assert.equal(await otherTab.evaluate(async () => (await /** @type {any} */ (window).lk.fetch('/api/me')).status), 401);
    const later = await browser.newContext();
    await signInWithKeyboard(await later.newPage(), { email: account.email, password: newPassword });
    await Promise.all([later.close(), context.close(), other.close()]);
  });

  /**
   * What an authenticator app shows for a step (RFC 6238: HMAC-SHA1, six digits, 30 s), written
   * out here with node:crypto so the test does not lean on the server's library.
   * @param {string} base32Secret
   * @param {number} step
   */
  function authenticatorCode(base32Secret, step) {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    const bits = [...base32Secret.replace(/=+$/, '')].map((c) => alphabet.indexOf(c).toString(2).padStart(5, '0')).join('');
    const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => parseInt(byte, 2)));
    const counter = Buffer.alloc(8);
    counter.writeBigUInt64BE(BigInt(step));
    const mac = createHmac('sha1', key).update(counter).digest();
    const offset = mac[mac.length - 1] & 0xf;
    return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
  }

  test('two-step sign-in: enrol, sign in with a code, new recovery codes, turn it off, all on the pages', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const account = await newAccount(latchkey);
    await signInWithKeyboard(page, account);
    assert.equal(await page.locator('#mfa').textContent(), 'Off');

    await page.locator('#mfa-enroll').getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
    await page.locator('#mfa-confirm').waitFor({ state: 'visible' });
    const secret = (await page.locator('#mfa-secret').textContent()) ?? '';
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.ok(await page.locator('#mfa-qr').evaluate((img) => /** @type {HTMLImageElement} */ (img).naturalWidth > 0),
      'the QR code is shown (a data: image the policy allows)');
    // A step is accepted once and only within one step of now: three steps, one per use, the
    // middle one now, so that the sequence survives crossing one step boundary.
    const step = Math.floor(Date.now() / 30_000);
    await page.locator('#mfa-confirm').getByLabel('The six-digit code your app shows').fill(authenticatorCode(secret, step - 1));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.locator('#mfa-recovery').waitFor({ state: 'visible' });
    const firstCodes = await page.locator('#mfa-recovery-codes li').allTextContents();
    assert.equal(firstCodes.length, 10);
    assert.equal(await page.locator('#mfa').textContent(), 'On');

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(`${latchkey.baseUrl}/account/sign-in`);
    await page.getByLabel('E-mail address').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await page.keyboard.press('Enter');
    await page.locator('#second-factor').waitFor({ state: 'visible' });
    await page.getByLabel('Code').fill(authenticatorCode(secret, step));
    await page.keyboard.press('Enter');
    await page.waitForURL(`${latchkey.baseUrl}/account/home`);
    await page.locator('#signed-in').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#mfa').textContent(), 'On');
    assert.ok(await page.locator('#mfa-recovery').isHidden(), 'recovery codes are never shown again');

    const newCodes = page.locator('#mfa-new-codes');
    await newCodes.getByLabel('Password').fill(account.password);
    await newCodes.getByLabel('The six-digit code your app shows').fill(authenticatorCode(secret, step + 1));
    await newCodes.getByRole('button', { name: 'Make new recovery codes' }).click();
    await page.getByText('You have new recovery codes').waitFor();
    const secondCodes = await page.locator('#mfa-recovery-codes li').allTextContents();
    assert.equal(secondCodes.length, 10);
    assert.equal(secondCodes.filter((code) => firstCodes.includes(code)).length, 0);

    const disable = page.locator('#mfa-disable');
    await disable.getByLabel('Password').fill(account.password);
    await disable.getByLabel('A code from your app, or a recovery code').fill(firstCodes[0]);
    await disable.getByRole('button', { name: 'Turn off' }).click();
    await page.locator('#status.error').waitFor();
    assert.equal(await page.locator('#mfa').textContent(), 'On', 'a recovery code of the replaced set is refused');

    await disable.getByLabel('A code from your app, or a recovery code').fill(secondCodes[0]);
    await disable.getByRole('button', { name: 'Turn off' }).click();
    await page.getByText('Two-step sign-in is off').waitFor();
    assert.equal(await page.locator('#mfa').textContent(), 'Off');
    assert.ok(await page.locator('#mfa-enroll').isVisible(), 'it can be set up again');
    await context.close();

    const later = await browser.newContext();
    await signInWithKeyboard(await later.newPage(), account);
    await later.close();
  });

  test('a forgotten password: the mailed link, a refused password, then a new one that signs in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const account = await newAccount(latchkey);
    await page.goto(`${latchkey.baseUrl}/account/forgot-password`);
    await page.getByLabel('E-mail address').fill(account.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByText('If an active account has this address').waitFor();

    await page.goto(await mailedLink(latchkey.mailUrl, account.email, /password/i));
    assert.ok(!page.url().includes('token='), 'the page takes the token out of the address bar');
    await page.getByLabel('New password', { exact: true }).fill('too short 1');
    await page.getByLabel('The new password again').fill('too short 1');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.locator('#status.error').waitFor();
    assert.match(await page.locator('#status').textContent() ?? '', /12 characters/);

    const newPassword = `battery staple ${crypto.randomUUID()}`;
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('The new password again').fill(newPassword);
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByText('Your password has been changed').waitFor();

    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('E-mail address').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#status.error').waitFor();
    await signInWithKeyboard(page, { email: account.email, password: newPassword });
    assert.equal(await page.locator('#email').textContent(), account.email);
    await context.close();
  });

  test('the pages pass axe-core with no serious or critical violation, fit 360 px, and are photographed', async () => {
    mkdirSync(screenshots, { recursive: true });
    // Only to inject axe-core, whose script the pages' policy (rightly) refuses.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const account = await newAccount(latchkey);
    const openHome = async () => {
      await page.goto(`${latchkey.baseUrl}/account/home`);
      await page.locator('#signed-in').waitFor({ state: 'visible' });
    };
    // The sign-in page first, signed out (signed in, it goes on to the account page).
    for (const [name, open] of /** @type {const} */ ([
      ['sign-in', () => page.goto(`${latchkey.baseUrl}/account/sign-in`)],
      ['register', () => page.goto(`${latchkey.baseUrl}/account/register`)],
      ['forgot-password', () => page.goto(`${latchkey.baseUrl}/account/forgot-password`)],
      // With a token in the fragment, as the mailed links open them; nothing is posted.
      ['verify-email', () => page.goto(`${latchkey.baseUrl}/account/verify-email#token=shown-for-the-screenshot`)],
      ['reset-password', () => page.goto(`${latchkey.baseUrl}/account/reset-password#token=shown-for-the-screenshot`)],
      ['home', openHome],
    ])) {
      if (name === 'home') {
        await signInWithKeyboard(page, account);
      }
      for (const [size, viewport] of /** @type {const} */ ([['desktop', { width: 1280, height: 800 }], ['360', { width: 360, height: 740 }]])) {
        await page.setViewportSize(viewport);
        await open();
        await page.addScriptTag({ path: axeSource });
        const violations = await page.evaluate(async () => (await /** @type {any} */ (window).axe.run(document, { resultTypes: ['violations'] }))
          .violations.filter((/** @type {any} */ v) => v.impact === 'serious' || v.impact === 'critical')
          .map((/** @type {any} */ v) => `${v.id}: ${v.help}`));
        assert.deepEqual(violations, [], `${name} at ${size}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${name} is ${overflow} px wider than ${size}`);
        await page.screenshot({ path: `${screenshots}${name}-${size}.png`, fullPage: true });
      }
    }
    await context.close();
  });

  test('every page comes with the pages policy, and no other name is a page', async () => {
    for (const name of ['sign-in', 'home', 'register', 'forgot-password', 'verify-email', 'reset-password']) {
      const response = await fetch(`${latchkey.baseUrl}/account/${name}`);
      assert.equal(response.status, 200, name);
      assert.equal(response.headers.get('content-security-policy'), "default-src 'none'; script-src 'self'; style-src 'self'; "
        + "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
      assert.ok(!/<script>|<style>|\sstyle=|\son[a-z]+=/.test(await response.text()), `${name} has no inline script or style`);
    }
    const css = await fetch(`${latchkey.baseUrl}/account/pages.css`);
    assert.equal(css.headers.get('content-type'), 'text/css;charset=utf-8');
    const missing = await fetch(`${latchkey.baseUrl}/account/admin`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('content-type'), 'application/problem+json');
  });
});
