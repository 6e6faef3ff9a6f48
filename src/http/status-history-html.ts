/**
 * The page-wide incident history (`/status/history`): each month of the page newest first, each incident
 * that began in it with when it began and was resolved, the components it touched and its public updates.
 * Plain HTML like the page itself: the pages are plain links, every published text is escaped.
 */
import { MAX_HISTORY_PAGE, type HistoryPage } from '../statuspage/incident-history.js';
import type { PageModel, PublicIncident } from '../statuspage/model.js';
import { escapeHtml } from './html.js';
import { incidentHtml, pageShell, STATUS_WORD, when } from './status-html.js';

/** Relative to /status/history, so the pages work under any public address; the first is the bare route. */
const pageLink = (page: number): string => (page === 1 ? 'history' : `?page=${page}`);
const LINKS = '<p><a href="../status">Current status</a></p>';

function entryHtml(incident: PublicIncident, names: ReadonlyMap<string, string>): string {
  const ended = incident.resolvedAt ? `Resolved ${when(incident.resolvedAt)}` : `Ongoing: ${STATUS_WORD[incident.status]}`;
  const touched = incident.componentIds.map((id) => escapeHtml(names.get(id) ?? id)).join(', ');
  const meta = [`Began ${when(incident.createdAt)}`, ended, ...(touched ? [`Components: ${touched}`] : [])];
  return incidentHtml(incident, `<p class="meta">${meta.join(' · ')}</p>\n`);
}

export function historyPageHtml(model: PageModel, history: HistoryPage, feedUrl: string): string {
  const names = new Map(model.components.map((c) => [c.id, c.name]));
  const newest = history.months[0]?.label ?? '';
  const oldest = history.months[history.months.length - 1]?.label ?? '';
  const pager =
    '<nav class="pager" aria-label="Incident history pages">' +
    (history.page > 1 ? `<a href="${pageLink(history.page - 1)}" rel="prev">← Newer</a>` : '<span></span>') +
    `<span>${escapeHtml(`${oldest} – ${newest}`)}</span>` +
    (history.older ? `<a href="${pageLink(history.page + 1)}" rel="next">Older →</a>` : '<span></span>') +
    '</nav>';
  const months = history.months.map((m) => {
    const entries = m.incidents.length
      ? m.incidents.map((i) => entryHtml(i, names)).join('\n')
      : '<p>No incidents reported this month.</p>';
    return `<section aria-labelledby="month-${m.key}" data-month="${m.key}">\n<h2 id="month-${m.key}">${escapeHtml(m.label)}</h2>\n${entries}\n</section>`;
  });
  const body = [`<h1>Incident history <small>· ${escapeHtml(model.title)}</small></h1>`, pager, ...months, LINKS];
  return pageShell(`Incident history · ${model.title}`, feedUrl, body);
}

/** The answer to a `?page=` that is not a page, saying which are. */
export function badHistoryPageHtml(title: string, asked: string, feedUrl: string): string {
  const body = [
    `<h1>Incident history <small>· ${escapeHtml(title)}</small></h1>`,
    `<p>There is no page “${escapeHtml(asked)}” of the incident history: pages are numbered from 1 to ${MAX_HISTORY_PAGE}.</p>`,
    `<p><a href="${pageLink(1)}">The latest incidents</a></p>`,
    LINKS,
  ];
  return pageShell(`Incident history · ${title}`, feedUrl, body);
}
