// The link carries its token in the URL fragment, which browsers never send to a server. Read it
// once, then take it out of the address bar and the history at once. Nothing is posted until the
// user confirms, so a mail scanner that renders the page does not use the link up.
const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
window.history.replaceState(null, '', window.location.pathname);

const form = /** @type {HTMLFormElement} */ (document.getElementById('verify'));
const status = /** @type {HTMLElement} */ (document.getElementById('status'));

/**
 * @param {string} message
 * @param {boolean} [error]
 */
function say(message, error = false) {
  status.className = error ? 'status error' : 'status';
  status.textContent = message;
}

if (!token) {
  say('This page needs the link from the e-mail. Ask for a new one if it has expired.', true);
} else {
  form.hidden = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const response = await fetch(new URL('../auth/email/verify', window.location.href), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
      credentials: 'omit',
    });
    form.hidden = true;
    if (response.status === 204) {
      say('Your address is confirmed. You can sign in now.');
      return;
    }
    const problem = await response.json().catch(() => ({}));
    say(problem.detail || 'The address could not be confirmed.', true);
  });
}

// A module (the pages load it with type="module"), so its names stay its own.
export {};
