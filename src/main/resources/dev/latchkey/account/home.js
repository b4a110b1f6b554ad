// The account page (/account/home): the profile, the sessions (each can be ended), two-step
// sign-in (turn on, new recovery codes, turn off), a password change, signing out.
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
  showSecondFactor(Boolean(me.mfa_enabled));
}

/** @param {boolean} on */
function showSecondFactor(on) {
  element('mfa').textContent = on ? 'On' : 'Off';
  element('mfa-on').hidden = !on;
  element('mfa-enroll').hidden = on;
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

/**
 * Posts a form's fields as JSON under their input names whenever it is submitted; a refusal is
 * announced and leaves the form as it was, an acceptance resets it and goes on with the answer.
 * @param {string} formId
 * @param {string} path
 * @param {(response: Response) => Promise<void>} accepted
 */
function postOnSubmit(formId, path, accepted) {
  const form = /** @type {HTMLFormElement} */ (document.getElementById(formId));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const fields = Object.fromEntries([...new FormData(form)].map(([name, value]) => [name, String(value)]));
    if (fields.code !== undefined) {
      fields.code = fields.code.trim();
    }
    const response = await postJson(path, fields);
    if (!response.ok) {
      say(await failure(response), true);
      return;
    }
    form.reset();
    await accepted(response);
  });
}

postOnSubmit('mfa-enroll', '../auth/mfa/totp/enroll', async (response) => {
  const enrolment = await response.json();
  // An image, never inserted markup: nothing in the SVG can run.
  /** @type {HTMLImageElement} */ (element('mfa-qr')).src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.qr_svg)}`;
  element('mfa-secret').textContent = enrolment.secret;
  element('mfa-enroll').hidden = true;
  element('mfa-confirm').hidden = false;
  say('');
  element('mfa-code').focus();
});

postOnSubmit('mfa-confirm', '../auth/mfa/totp/confirm', async (response) => {
  showRecoveryCodes((await response.json()).recovery_codes);
  element('mfa-confirm').hidden = true;
  showSecondFactor(true);
  await showSessions();
  say('Two-step sign-in is on. Your other sessions have ended.');
});

postOnSubmit('mfa-new-codes', '../auth/mfa/recovery-codes', async (response) => {
  showRecoveryCodes((await response.json()).recovery_codes);
  say('You have new recovery codes; the old ones no longer work.');
});

postOnSubmit('mfa-disable', '../auth/mfa/totp/disable', async () => {
  element('mfa-recovery').hidden = true;
  element('mfa-recovery-codes').replaceChildren();
  showSecondFactor(false);
  await showSessions();
  say('Two-step sign-in is off, and your other sessions have ended.');
});

postOnSubmit('password-change', '../auth/password/change', async () => {
  // The change ended every session and started a new one for this browser: take its token.
  await latchkey.refresh();
  // The list is redrawn before the announcement, so what is said is what is on the screen.
  await showSessions();
  say('Your password has been changed, and every other session has ended.');
});

/**
 * Shown once, as text: the server keeps only their hashes.
 * @param {string[]} codes
 */
function showRecoveryCodes(codes) {
  element('mfa-recovery-codes').replaceChildren(...codes.map((code) => {
    const item = document.createElement('li');
    item.textContent = code;
    return item;
  }));
  element('mfa-recovery').hidden = false;
}

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
