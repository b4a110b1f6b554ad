// The link carries its token in the URL fragment, which browsers never send to a server. Read it
// once, then take it out of the address bar and the history at once. Nothing is posted until the
// user confirms, so a mail scanner that renders the page does not use the link up.
const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
window.history.replaceState(null, '', window.location.pathname);

const form = document.getElementById('verify');
const status = document.getElementById('status');

if (!token) {
  status.textContent = 'This page needs the link from the e-mail. Ask for a new one if it has expired.';
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
      status.textContent = 'Your address is confirmed. You can sign in now.';
      return;
    }
    const problem = await response.json().catch(() => ({}));
    status.textContent = problem.detail || 'The address could not be confirmed.';
  });
}
