// The sign-in page: password, then the second factor when the account has one, then the account page.
import { createClient } from '../client/latchkey.js';

const latchkey = createClient({ baseUrl: new URL('..', window.location.href).href });
const credentials = /** @type {HTMLFormElement} */ (document.getElementById('credentials'));
const secondFactor = /** @type {HTMLFormElement} */ (document.getElementById('second-factor'));
const status = /** @type {HTMLElement} */ (document.getElementById('status'));
const accountPage = new URL('home', window.location.href).href;

/** @param {string} message */
function fail(message) {
  status.className = 'status error';
  status.textContent = message;
}

/** @param {{status: string}} outcome */
function follow(outcome) {
  if (outcome.status === 'signed-in') {
    window.location.assign(accountPage);
    return;
  }
  credentials.hidden = true;
  secondFactor.hidden = false;
  status.className = 'status';
  status.textContent = 'Your password is right. One more step.';
  /** @type {HTMLInputElement} */ (document.getElementById('code')).focus();
}

latchkey.ready.then((signedIn) => {
  if (signedIn) {
    window.location.assign(accountPage);
  }
});

credentials.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(credentials);
  status.className = 'status';
  status.textContent = 'Signing in…';
  try {
    follow(await latchkey.login(String(data.get('email')), String(data.get('password')),
      { rememberMe: data.get('remember') === 'on' }));
  } catch (error) {
    fail(error instanceof Error ? error.message : 'Sign-in failed.');
  }
});

secondFactor.addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    follow(await latchkey.completeMfa(String(new FormData(secondFactor).get('code')).trim()));
  } catch (error) {
    fail(error instanceof Error ? error.message : 'That code was not accepted.');
  }
});
