// The console's front page: the incidents the signed-in person may see, newest first, narrowed by a GET
// form that works without JavaScript, a page of 50 at a time by key. Same query as the JSON API's list.
import type { ConsoleSession, Incident } from '../../db/schema.js';
import { incidentKey } from '../../incidents/queries.js';
import { findIncidents } from '../../incidents/search.js';
import { STATUSES, statusLabel } from '../../incidents/status.js';
import { escapeHtml } from '../html.js';
import type { Route } from '../server.js';
import { signedIn, slackChannelUrl, viewerOf, type ConsoleContext } from './context.js';
import { listQueryString, MAX_QUERY_TEXT, PAGE_SIZE, parseListQuery, type ListForm } from './incident-filters.js';
import { sendConsolePage } from './layout.js';

const LIST_PATH = '/incidents';

/** Where an incident's console page is; every link to one is built here. */
export const incidentPath = (id: number): string => `${LIST_PATH}/${incidentKey(id)}`;

/** An instant as the list shows it: UTC to the minute, machine-readable in full. */
export const utcTime = (at: Date): string =>
  `<time datetime="${at.toISOString()}">${at.toISOString().slice(0, 16).replace('T', ' ')} UTC</time>`;

const checked = (on: boolean): string => (on ? ' checked' : '');

function choices(
  name: string,
  legend: string,
  options: ReadonlyArray<{ value: string; label: string }>,
  chosen: readonly string[],
): string {
  const boxes = options
    .map(
      (o) =>
        `<label class="check"><input type="checkbox" name="${name}" value="${escapeHtml(o.value)}"${checked(chosen.includes(o.value))}> ${escapeHtml(o.label)}</label>`,
    )
    .join('');
  return `<fieldset><legend>${escapeHtml(legend)}</legend>${boxes}</fieldset>`;
}

function filterForm(ctx: ConsoleContext, form: ListForm): string {
  const types = ctx.config.incidentTypes
    .map((t) => `<option value="${escapeHtml(t)}"${form.types.includes(t) ? ' selected' : ''}>${escapeHtml(t)}</option>`)
    .join('');
  return (
    `<form class="filters" method="get" action="/incidents" role="search" aria-label="Filter incidents">` +
    choices(
      'status',
      'Status',
      STATUSES.map((s) => ({ value: s, label: statusLabel(s) })),
      form.statuses,
    ) +
    choices(
      'severity',
      'Severity',
      ctx.config.severities.map((s) => ({ value: s.id, label: s.id.toUpperCase() })),
      form.severities,
    ) +
    `<label>Type<select name="type"><option value="">Any type</option>${types}</select></label>` +
    `<label>Declared from<input type="date" name="since" value="${escapeHtml(form.since)}"></label>` +
    `<label>Declared until<input type="date" name="until" value="${escapeHtml(form.until)}"></label>` +
    `<label>Search titles and updates<input type="search" name="q" maxlength="${MAX_QUERY_TEXT}" value="${escapeHtml(form.q)}"></label>` +
    `<label class="check"><input type="checkbox" name="drills" value="1"${checked(form.drills)}> Include drills</label>` +
    `<button type="submit">Filter</button> <a href="/incidents">Clear filters</a></form>`
  );
}

function row(ctx: ConsoleContext, incident: Incident, names: Record<string, string>): string {
  const key = incidentKey(incident.id);
  const lead = incident.leadId ? escapeHtml(names[incident.leadId] ?? incident.leadId) : '<span class="muted">none</span>';
  const slack = incident.channelId
    ? `<a href="${escapeHtml(slackChannelUrl(ctx, incident.channelId))}">Open ${escapeHtml(key)} in Slack</a>`
    : '<span class="muted">no channel yet</span>';
  const marks = `${incident.isPrivate ? ' <span class="badge">private</span>' : ''}${incident.drill ? ' <span class="badge">drill</span>' : ''}`;
  return (
    `<tr><td><a href="${incidentPath(incident.id)}">${key}</a></td><td>${escapeHtml(incident.title)}${marks}</td>` +
    `<td>${escapeHtml(incident.severity.toUpperCase())}</td><td>${incident.type ? escapeHtml(incident.type) : '<span class="muted">—</span>'}</td>` +
    `<td>${escapeHtml(statusLabel(incident.status))}</td><td>${lead}</td><td>${utcTime(incident.createdAt)}</td><td>${slack}</td></tr>`
  );
}

function table(ctx: ConsoleContext, items: readonly Incident[], names: Record<string, string>): string {
  return (
    `<table><caption class="muted">${items.length === 1 ? '1 incident' : `${items.length} incidents`} on this page</caption>` +
    '<thead><tr><th scope="col">Key</th><th scope="col">Title</th><th scope="col">Severity</th><th scope="col">Type</th>' +
    '<th scope="col">Status</th><th scope="col">Lead</th><th scope="col">Declared (UTC)</th><th scope="col">Slack</th></tr></thead>' +
    `<tbody>${items.map((i) => row(ctx, i, names)).join('')}</tbody></table>`
  );
}

async function listPage(ctx: ConsoleContext, url: URL, session: ConsoleSession): Promise<{ status: number; body: string }> {
  const parsed = parseListQuery(url.searchParams, {
    severities: ctx.config.severities.map((s) => s.id),
    types: ctx.config.incidentTypes,
  });
  const heading = `<h1>Incidents</h1>\n${filterForm(ctx, parsed.form)}`;
  if (!parsed.ok) {
    const faults = parsed.errors.map((e) => `<li>${escapeHtml(e)}</li>`).join('');
    return {
      status: 400,
      body: `${heading}\n<div class="error" role="alert"><p>These filters cannot be used:</p><ul>${faults}</ul></div>`,
    };
  }
  const page = await findIncidents(ctx.db, viewerOf(session), parsed.filter, { after: parsed.form.after, limit: PAGE_SIZE });
  const leads = [...new Set(page.items.flatMap((i) => (i.leadId ? [i.leadId] : [])))];
  const names = leads.length ? await ctx.names(leads) : {};
  const links = [
    parsed.form.after === undefined ? '' : `<a href="/incidents${listQueryString(parsed.form, undefined)}">Newest incidents</a>`,
    page.next === undefined ? '' : `<a href="/incidents${listQueryString(parsed.form, page.next)}" rel="next">Older incidents</a>`,
  ].filter(Boolean);
  const pager = links.length ? `<nav class="pager" aria-label="Pages">${links.join('')}</nav>` : '';
  const filtered = listQueryString({ ...parsed.form, after: undefined }, undefined) !== '';
  const content = page.items.length
    ? table(ctx, page.items, names)
    : `<p class="notice">${parsed.form.after !== undefined ? 'No older incidents.' : filtered ? 'No incidents match these filters.' : 'No incidents yet.'}</p>`;
  return { status: 200, body: `${heading}\n${content}\n${pager}` };
}

export function incidentsListPage(ctx: ConsoleContext): Route[] {
  const handler = signedIn(ctx.auth, async (req, res, session) => {
    const { status, body } = await listPage(ctx, new URL(req.url ?? '/', 'http://console'), session);
    sendConsolePage(res, status, session, { title: 'Incidents', section: 'incidents', body });
  });
  return [
    { method: 'GET', path: '/', handler },
    { method: 'GET', path: '/incidents', handler },
  ];
}
