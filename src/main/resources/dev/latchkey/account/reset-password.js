// The reset link carries its token in the URL fragment, which browsers never send to a server.
// Read it once, then take it out of the address bar and the history at once.
const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
window.history.replaceState(null, '', window.location.pathname);

const form = /** @type {HTMLFormElement} */ (document.getElementById('reset'));
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
    const data = new FormData(form);
    if (data.get('password') !== data.get('repeat')) {
      say('The two passwords differ.', true);
      return;
    }
    const response = await fetch(new URL('../auth/password/reset', window.location.href), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token, new_password: data.get('password') }),
      credentials: 'omit',
    });
    if (response.status === 204) {
      form.hidden = true;
      say('Your password has been changed and every device signed out. Sign in with the new password.');
      return;
    }
    // A password the rules refuse leaves the link usable: the user can try another.
    const problem = await response.json().catch(() => ({}));
    say(problem.detail || 'The password could not be changed.', true);
  });
}

// A module (the pages load it with type="module"), so its names stay its own.
export {};
