// The reset link carries its token in the URL fragment, which browsers never send to a server.
// Read it once, then take it out of the address bar and the history at once.
const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
window.history.replaceState(null, '', window.location.pathname);

const form = document.getElementById('reset');
const status = document.getElementById('status');

if (!token) {
  status.textContent = 'This page needs the link from the e-mail. Request a new one if it has expired.';
} else {
  form.hidden = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const password = document.getElementById('new-password').value;
    if (password !== document.getElementById('repeat-password').value) {
      status.textContent = 'The two passwords differ.';
      return;
    }
    const response = await fetch(new URL('../auth/password/reset', window.location.href), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token, new_password: password }),
      credentials: 'omit',
    });
    if (response.status === 204) {
      form.hidden = true;
      status.textContent = 'Your password has been changed and every device signed out. Sign in with the new password.';
      return;
    }
    const problem = await response.json().catch(() => ({}));
    status.textContent = problem.detail || 'The password could not be changed.';
  });
}
