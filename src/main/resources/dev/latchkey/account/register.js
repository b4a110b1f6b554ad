// The registration page. Its answer is the same whether the address is new or taken: the mail
// says which (Latchkey never tells this page).
const form = /** @type {HTMLFormElement} */ (document.getElementById('register'));
const status = /** @type {HTMLElement} */ (document.getElementById('status'));

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  const response = await fetch(new URL('../auth/register', window.location.href), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: data.get('email'), password: data.get('password') }),
    credentials: 'omit',
  });
  const body = await response.json().catch(() => ({}));
  if (response.ok) {
    form.hidden = true;
    status.className = 'status';
    status.textContent = 'Thank you. Look in your inbox for a message from us, follow its link if it has one, then sign in.';
    return;
  }
  status.className = 'status error';
  status.textContent = body.detail || 'The account could not be created.';
});

// A module (the pages load it with type="module"), so its names stay its own.
export {};
