// The incident page's sections as escaped HTML. Everything typed by people (titles, updates, names,
// postmortems) goes through escapeHtml, messageHtml or markdownHtml.
import type { Config } from '../../../config/load.js';
import type { ConsoleSession, Followup, Incident } from '../../../db/schema.js';
import { dueDay } from '../../../incidents/followups.js';
import { allowedMoves, isStatus, takesUpdates } from '../../../incidents/lifecycle.js';
import { incidentKey } from '../../../incidents/queries.js';
import { STATUSES, statusLabel } from '../../../incidents/status.js';
import { escapeHtml } from '../../html.js';
import { csrfField } from '../auth.js';
import { markdownHtml } from '../markdown.js';
import type { IncidentView, PageWithReceipts } from './data.js';
import { timeHtml } from './timeline-html.js';

export type Names = Record<string, string>;

/** The incident page's own address. */
export const incidentHref = (id: number): string => ['', 'incidents', incidentKey(id)].join('/');

const nameOf = (names: Names, userId: string) => escapeHtml(names[userId] ?? userId);
const at = (date: Date | null) => (date ? timeHtml(date) : '—');

/** Every person the page names, to look up at once. */
export function peopleOnPage(view: IncidentView): string[] {
  const { incident } = view;
  return [
    incident.declaredBy,
    ...(incident.leadId ? [incident.leadId] : []),
    ...view.roles.map((r) => r.userId),
    ...view.followups.flatMap((f) => (f.ownerId ? [f.ownerId] : [])),
    ...view.pages.flatMap((p) => [
      ...(p.page.acknowledgedBy ? [p.page.acknowledgedBy] : []),
      ...p.notified.map((n) => n.notification.userId),
    ]),
    ...view.versions.map((v) => v.createdBy),
  ];
}

export function summaryHtml(incident: Incident, names: Names, channelUrl: string | undefined): string {
  const channel =
    incident.channelId && channelUrl
      ? `<a href="${escapeHtml(channelUrl)}">#${escapeHtml(incident.channelName ?? incident.channelId)} · Open in Slack</a>`
      : 'No channel yet';
  const facts: Array<[string, string]> = [
    ['Status', escapeHtml(statusLabel(incident.status))],
    ['Severity', escapeHtml(incident.severity.toUpperCase())],
    ['Type', incident.type ? escapeHtml(incident.type) : 'Not set'],
    ['Declared', `by ${nameOf(names, incident.declaredBy)} at ${timeHtml(incident.createdAt)}`],
    ['Channel', channel],
  ];
  const marks = [
    ...(incident.isPrivate ? ['<span class="badge private">Private</span>'] : []),
    ...(incident.drill ? ['<span class="badge">Drill</span>'] : []),
  ].join(' ');
  const description = incident.description.trim() ? `<p class="description">${escapeHtml(incident.description)}</p>` : '';
  const impact = incident.impact?.trim() ? `<p><strong>Impact:</strong> ${escapeHtml(incident.impact)}</p>` : '';
  return (
    `<h1>${escapeHtml(incidentKey(incident.id))}: ${escapeHtml(incident.title)} ${marks}</h1>\n` +
    `<section class="card" aria-labelledby="summary"><h2 id="summary">Summary</h2><dl class="facts">` +
    facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('') +
    `</dl>${description}${impact}</section>`
  );
}

export function rolesHtml(incident: Incident, roles: IncidentView['roles'], names: Names): string {
  const held = [...(incident.leadId ? [{ role: 'lead', userId: incident.leadId }] : []), ...roles];
  const items = held.map((r) => `<li><strong>${escapeHtml(r.role)}</strong>: ${nameOf(names, r.userId)}</li>`).join('');
  return `<section class="card" aria-labelledby="roles"><h2 id="roles">Roles</h2>${items ? `<ul>${items}</ul>` : '<p>Nobody holds a role yet.</p>'}</section>`;
}

export function timelineHtml(items: ReadonlyArray<{ html: string }>, lastId: number): string {
  return (
    `<section class="card" aria-labelledby="timeline-heading"><h2 id="timeline-heading">Timeline</h2>` +
    `<ol id="timeline" class="timeline" data-last-event-id="${lastId}" aria-live="polite">${items.map((i) => i.html).join('\n')}</ol></section>`
  );
}

function attemptsHtml(person: PageWithReceipts['notified'][number]): string {
  const dm = person.notification.dmError
    ? `Slack DM <span class="bad">not delivered</span> (${escapeHtml(person.notification.dmError)})`
    : person.notification.dmTs
      ? 'Slack DM sent'
      : 'Slack DM pending';
  const others = person.attempts.map((a) => {
    const when = a.deliveredAt ?? a.sentAt ?? a.updatedAt;
    const to = a.maskedAddress ? ` to ${escapeHtml(a.maskedAddress)}` : '';
    const error = a.error ? ` (${escapeHtml(a.error)})` : '';
    return `${escapeHtml(a.method)}${to}: <span class="attempt-${escapeHtml(a.state)}">${escapeHtml(a.state)}</span> ${timeHtml(when)}${error}`;
  });
  return [dm, ...others].map((line) => `<li>${line}</li>`).join('');
}

export function pagesHtml(paged: readonly PageWithReceipts[], names: Names): string {
  if (paged.length === 0)
    return `<section class="card" aria-labelledby="pages"><h2 id="pages">Pages</h2><p>Nobody was paged.</p></section>`;
  const blocks = paged.map(({ page, notified }) => {
    const ack = page.acknowledgedBy ? `, acknowledged by ${nameOf(names, page.acknowledgedBy)} at ${at(page.acknowledgedAt)}` : '';
    const rows = notified
      .map(
        (n) =>
          `<tr><td>${nameOf(names, n.notification.userId)}</td><td>${n.notification.level + 1}</td><td>${timeHtml(n.notification.createdAt)}</td>` +
          `<td><ul class="receipts">${attemptsHtml(n)}</ul></td></tr>`,
      )
      .join('');
    return (
      `<h3>Policy ${escapeHtml(page.policyId)}: ${escapeHtml(page.state)}</h3><p>Triggered ${timeHtml(page.createdAt)}${ack}</p>` +
      (rows
        ? `<table><thead><tr><th scope="col">Paged</th><th scope="col">Level</th><th scope="col">At</th><th scope="col">Receipts</th></tr></thead><tbody>${rows}</tbody></table>`
        : '<p>Nobody notified yet.</p>')
    );
  });
  return `<section class="card" aria-labelledby="pages"><h2 id="pages">Pages</h2>${blocks.join('')}</section>`;
}

export function followupsHtml(followups: readonly Followup[], names: Names): string {
  const rows = followups
    .map(
      (f) =>
        `<tr><td>${escapeHtml(f.text)}</td><td>${f.ownerId ? nameOf(names, f.ownerId) : '—'}</td><td>${f.dueAt ? `<time datetime="${dueDay(f.dueAt)}">${dueDay(f.dueAt)}</time>` : '—'}</td>` +
        `<td>${f.doneAt ? `Done ${timeHtml(f.doneAt)}` : 'Open'}</td></tr>`,
    )
    .join('');
  const body = rows
    ? `<table><thead><tr><th scope="col">Follow-up</th><th scope="col">Owner</th><th scope="col">Due</th><th scope="col">Done</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p>No follow-ups yet.</p>';
  return `<section class="card" aria-labelledby="followups"><h2 id="followups">Follow-ups</h2>${body}</section>`;
}

export function postmortemHtml(view: IncidentView, names: Names): string {
  const { postmortem, versions, incident } = view;
  if (!postmortem)
    return `<section class="card" aria-labelledby="postmortem"><h2 id="postmortem">Postmortem</h2><p>No postmortem yet.</p></section>`;
  const base = incidentHref(incident.id);
  const list = versions
    .map((v) => {
      const label = `Version ${v.version}, by ${nameOf(names, v.createdBy)}, ${timeHtml(v.createdAt)}`;
      return v.version === postmortem.version
        ? `<li aria-current="true"><strong>${label}</strong></li>`
        : `<li><a href="${base}?version=${v.version}#postmortem">${label}</a></li>`;
    })
    .join('');
  return (
    `<section class="card" aria-labelledby="postmortem"><h2 id="postmortem">Postmortem (version ${postmortem.version})</h2>` +
    `<nav aria-label="Postmortem versions"><ul class="versions">${list}</ul></nav>` +
    `<article class="postmortem">${markdownHtml(postmortem.markdown)}</article></section>`
  );
}

const option = (value: string, label: string, selected = false) =>
  `<option value="${escapeHtml(value)}"${selected ? ' selected' : ''}>${escapeHtml(label)}</option>`;

/** Where the page's script sends its forms: the JSON API's update endpoint, which takes what both forms hold. */
export const updatesApiPath = (id: number): string => ['', 'api', 'v1', 'incidents', incidentKey(id), 'updates'].join('/');

/**
 * The update form and the status form. Without JavaScript both post to the page and come back to it; with
 * it, incident-update.js sends them as JSON to `data-api` and the live timeline shows the result.
 */
export function formsHtml(incident: Incident, config: Config, session: ConsoleSession): string {
  const base = incidentHref(incident.id);
  const api = `data-api="${escapeHtml(updatesApiPath(incident.id))}"`;
  if (!isStatus(incident.status) || !takesUpdates(incident.status)) {
    return `<section class="card" aria-labelledby="act"><h2 id="act">Update</h2><p>${escapeHtml(incidentKey(incident.id))} is ${escapeHtml(incident.status)}; it takes no more updates.</p></section>`;
  }
  const statuses = STATUSES.filter((s) => s !== incident.status && takesUpdates(s));
  const moves = allowedMoves(incident.status).filter(takesUpdates);
  const expected = `<input type="hidden" name="expected" value="${escapeHtml(incident.status)}">`;
  const update =
    `<form method="post" action="${base}/update" class="update" ${api}>${csrfField(session)}${expected}` +
    `<label for="update-message">Update</label><textarea id="update-message" name="message" required maxlength="3000" rows="4"></textarea>` +
    `<label for="update-status">Status</label><select id="update-status" name="status">${option('', `Keep ${statusLabel(incident.status)}`)}${statuses.map((s) => option(s, statusLabel(s))).join('')}</select>` +
    `<label for="update-severity">Severity</label><select id="update-severity" name="severity">${option('', `Keep ${incident.severity.toUpperCase()}`)}` +
    `${config.severities
      .filter((s) => s.id !== incident.severity)
      .map((s) => option(s.id, `${s.id.toUpperCase()} (${s.label})`))
      .join('')}</select>` +
    `<button type="submit">Post update</button></form>`;
  const status = moves.length
    ? `<form method="post" action="${base}/status" class="status" ${api}>${csrfField(session)}${expected}` +
      `<label for="status-to">New status</label><select id="status-to" name="status" required>${moves.map((s) => option(s, statusLabel(s))).join('')}</select>` +
      `<label for="status-message">What changed</label><textarea id="status-message" name="message" required maxlength="3000" rows="2"></textarea>` +
      `<button type="submit">Change status</button></form>`
    : '';
  return `<section class="card" aria-labelledby="act"><h2 id="act">Update</h2>${update}${status ? `<h3>Change status</h3>${status}` : ''}</section>`;
}
