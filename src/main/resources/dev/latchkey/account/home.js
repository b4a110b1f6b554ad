// The account page (/account/home): the profile, the sessions (each can be ended), a password
// change, signing out.
import { createClient } from '../client/latchkey.js';

const latchkey = createClient({ baseUrl: new URL('..', window.location.href).href });
const status = /** @type {HTMLElement} */ (document.getElementById('status'));
const signedInPart = /** @type {HTMLElement} */ (document.getElementById('signed-in'));
const signInPage = new URL('sign-in', window.location.href).href;

/** @param {string} id */
const element = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * @param {string} message
 * @param {boolean} [error]
 */
function say(message, error = false) {
  status.className = error ? 'status error' : 'status';
  status.textContent = message;
}

/** @param {Response} response */
async function failure(response) {
  const problem = await response.json().catch(() => ({}));
  return problem.detail || `The request failed (${response.status}).`;
}

async function showProfile() {
  const response = await latchkey.fetch('../api/me');
  if (!response.ok) {
    throw new Error(await failure(response));
  }
  const me = await response.json();
  element('email').textContent = me.email;
  element('verified').textContent = me.email_verified ? 'Yes' : 'Not yet';
  element('mfa').textContent = me.mfa_enabled ? 'On' : 'Off';
  element('roles').textContent = (me.roles || []).join(', ');
  element('mfa-on').hidden = !me.mfa_enabled;
  element('mfa-enroll').hidden = Boolean(me.mfa_enabled);
}

/**
 * @param {string} path
 * @param {Record<string, unknown>} body
 */
function postJson(path, body) {
  return latchkey.fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const enrollForm = /** @type {HTMLFormElement} */ (document.getElementById('mfa-enroll'));
const confirmForm = /** @type {HTMLFormElement} */ (document.getElementById('mfa-confirm'));

enrollForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const response = await postJson('../auth/mfa/totp/enroll', { password: new FormData(enrollForm).get('password') });
  if (!response.ok) {
    say(await failure(response), true);
    return;
  }
  const enrolment = await response.json();
  // An image, never inserted markup: nothing in the SVG can run.
  /** @type {HTMLImageElement} */ (element('mfa-qr')).src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.qr_svg)}`;
  element('mfa-secret').textContent = enrolment.secret;
  enrollForm.reset();
  enrollForm.hidden = true;
  confirmForm.hidden = false;
  say('');
  element('mfa-code').focus();
});

confirmForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const response = await postJson('../auth/mfa/totp/confirm', { code: String(new FormData(confirmForm).get('code')).trim() });
  if (!response.ok) {
    say(await failure(response), true);
    return;
  }
  const codes = (await response.json()).recovery_codes.map((/** @type {string} */ code) => {
    const item = document.createElement('li');
    item.textContent = code;
    return item;
  });
  element('mfa-recovery-codes').replaceChildren(...codes);
  confirmForm.reset();
  confirmForm.hidden = true;
  element('mfa-recovery').hidden = false;
  element('mfa-on').hidden = false;
  element('mfa').textContent = 'On';
  say('Two-step sign-in is on. Your other sessions have ended.');
  await showSessions();
});

async function showSessions() {
  const sessions = await latchkey.sessions();
  const rows = sessions.map((session) => {
    const row = document.createElement('tr');
    const device = document.createElement('td');
    device.className = 'device';
    device.textContent = `${session.user_agent || 'Unknown device'}${session.current ? ' (this browser)' : ''}`;
    const address = document.createElement('td');
    address.className = 'address';
    address.textContent = String(session.ip || '');
    const used = document.createElement('td');
    used.textContent = new Date(String(session.last_used)).toLocaleString();
    const action = document.createElement('td');
    const end = document.createElement('button');
    end.type = 'button';
    end.className = 'secondary';
    end.textContent = 'End';
    end.setAttribute('aria-label', session.current ? 'End this session (signs you out here)'
      : `End the session on ${session.user_agent || 'an unknown device'}, last used ${used.textContent}`);
    end.addEventListener('click', async () => {
      await latchkey.endSession(String(session.id));
      if (!session.current) {
        await showSessions();
        say('That session has ended.');
      }
    });
    action.append(end);
    row.append(device, address, used, action);
    return row;
  });
  element('sessions').replaceChildren(...rows);
}

latchkey.addEventListener('signedOut', () => window.location.assign(signInPage));
latchkey.addEventListener('sessionExpiring', (event) => {
  const { secondsLeft } = /** @type {CustomEvent} */ (event).detail;
  say(`Your session ends in ${Math.ceil(secondsLeft / 60)} minutes. Sign in again to go on.`, true);
});

element('logout').addEventListener('click', () => latchkey.logout());
element('logout-everywhere').addEventListener('click', () => latchkey.logoutEverywhere());

const passwordForm = /** @type {HTMLFormElement} */ (document.getElementById('password-change'));
passwordForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(passwordForm);
  const response = await postJson('../auth/password/change', { current_password: data.get('current'), new_password: data.get('new') });
  if (!response.ok) {
    say(await failure(response), true);
    return;
  }
  // The change ended every session and started a new one for this browser: take its token.
  passwordForm.reset();
  await latchkey.refresh();
  say('Your password has been changed, and every other session has ended.');
  await showSessions();
});

if (await latchkey.ready) {
  try {
    await Promise.all([showProfile(), showSessions()]);
    signedInPart.hidden = false;
    say('');
  } catch (error) {
    say(error instanceof Error ? error.message : 'Your account could not be loaded.', true);
  }
} else {
  window.location.assign(signInPage);
}
