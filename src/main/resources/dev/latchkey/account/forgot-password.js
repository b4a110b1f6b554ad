// Asks for a reset link. The answer is the same for every address, and so is this page's.
const form = /** @type {HTMLFormElement} */ (document.getElementById('forgot'));
const status = /** @type {HTMLElement} */ (document.getElementById('status'));

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const response = await fetch(new URL('../auth/password/forgot', window.location.href), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: new FormData(form).get('email') }),
    credentials: 'omit',
  });
  const body = await response.json().catch(() => ({}));
  status.className = response.ok ? 'status' : 'status error';
  status.textContent = body.detail || (response.ok ? 'The link is on its way.' : 'The request failed.');
  form.hidden = response.ok;
});

// A module (the pages load it with type="module"), so its names stay its own.
export {};
