// The incident page's update and status forms, sent through the console's own JSON API (the form's
// data-api, POST /api/v1/incidents/INC-<n>/updates) as the signed-in person with the page's CSRF token.
// A refusal is shown in the form; a posted update arrives on the live timeline, and a move of status or
// severity redraws the summary and the forms from the server, so the page is never reloaded. Without this
// script the forms post to the console's routes and the page comes back.
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
  const body = requestBody(form);
  try {
    const response = await fetch(form.dataset.api, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': token },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => undefined);
    if (!response.ok) {
      show(alert, answer?.error?.message ?? `Firewatch answered ${response.status}; nothing was posted.`);
      return;
    }
    form.reset();
    // Posted either way: if the page cannot be redrawn, a later move from it is refused as stale and says so.
    if (body.status !== undefined || body.severity !== undefined) await redraw(form.className).catch(() => undefined);
  } catch {
    show(alert, 'Firewatch could not be reached, so this may not have been posted: check the timeline before sending it again.');
  } finally {
    if (button) button.disabled = false;
  }
}

/** The parts of the page a change of status or severity changes, as the server draws them. */
const REDRAWN = ['section[aria-labelledby="summary"]', 'section[aria-labelledby="act"]'];

/**
 * Swaps in the summary and forms of the page as it is now, so the next change starts from the
 * status the server has (the forms' moves and `expected`), not the one the page was loaded with.
 */
async function redraw(formClass) {
  const response = await fetch(location.pathname, { credentials: 'same-origin', headers: { accept: 'text/html' } });
  if (!response.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
  for (const selector of REDRAWN) {
    const now = document.querySelector(selector);
    const next = fresh.querySelector(selector);
    if (now && next) now.replaceWith(document.importNode(next, true));
  }
  for (const form of document.querySelectorAll('form[data-api]')) enhance(form);
  // The button that was pressed is gone; the keyboard carries on where the person was.
  document.querySelector(`form.${formClass} textarea`)?.focus();
}

function enhance(form) {
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

for (const form of document.querySelectorAll('form[data-api]')) enhance(form);
