// The incident page's update and status forms, sent through the console's own JSON API (the form's
// data-api, POST /api/v1/incidents/INC-<n>/updates) as the signed-in person with the page's CSRF token.
// A refusal is shown in the form; a posted update arrives on the live timeline, so the page stays as it
// is. Without this script the forms post to the console's routes and the page comes back.
const token = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';

/** The form's field → the API's; an empty field means "keep" and is left out. */
const FIELDS = [
  ['status', 'status'],
  ['severity', 'severity'],
  ['expected', 'expected_status'],
];

function requestBody(form) {
  const data = new FormData(form);
  const body = { message: String(data.get('message') ?? '') };
  for (const [field, name] of FIELDS) {
    const value = data.get(field);
    if (typeof value === 'string' && value !== '') body[name] = value;
  }
  return body;
}

function show(alert, text) {
  alert.textContent = text;
  alert.hidden = false;
}

async function send(form, alert) {
  const button = form.querySelector('button[type="submit"]');
  if (button) button.disabled = true;
  alert.hidden = true;
  alert.textContent = '';
  try {
    const response = await fetch(form.dataset.api, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': token },
      body: JSON.stringify(requestBody(form)),
    });
    const answer = await response.json().catch(() => undefined);
    if (!response.ok) {
      show(alert, answer?.error?.message ?? `Firewatch answered ${response.status}; nothing was posted.`);
      return;
    }
    form.reset();
    // The next change is judged against the status the API answered, not the one the page was loaded with.
    for (const expected of document.querySelectorAll('form[data-api] input[name="expected"]')) expected.value = answer.status;
  } catch {
    show(alert, 'Firewatch could not be reached, so this may not have been posted: check the timeline before sending it again.');
  } finally {
    if (button) button.disabled = false;
  }
}

for (const form of document.querySelectorAll('form[data-api]')) {
  // The live region is there before anything is written to it, so screen readers announce the refusal.
  const alert = document.createElement('p');
  alert.className = 'error';
  alert.setAttribute('role', 'alert');
  alert.hidden = true;
  form.prepend(alert);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void send(form, alert);
  });
}
