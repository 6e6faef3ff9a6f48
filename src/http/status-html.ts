/**
 * The public status page as plain server-rendered HTML: no script, no outside asset, readable with
 * JavaScript off. Every published text is escaped, so a title or message can never become markup.
 */
import { HISTORY_DAYS, type HistoryDay } from '../statuspage/history.js';
import type { PageModel, PublicIncident } from '../statuspage/model.js';
import { stateLabel, type ComponentState } from '../statuspage/states.js';
import { escapeHtml } from './html.js';

export const COLOUR: Record<ComponentState, string> = {
  operational: '#007a5a',
  under_maintenance: '#1264a3',
  degraded_performance: '#8a6500',
  partial_outage: '#b4480f',
  major_outage: '#c0262d',
};

const STYLE =
  'body{font:1rem/1.5 system-ui,sans-serif;margin:0;padding:1.5rem;color:#1d1c1d;background:#f8f8f8}' +
  'main{max-width:46rem;margin:0 auto;background:#fff;padding:1.5rem;border-radius:.75rem}' +
  'h1{font-size:1.5rem;margin-top:0}.banner{padding:.8rem 1rem;border-radius:.5rem;color:#fff;font-weight:600}' +
  'ul{list-style:none;padding:0}.component{display:flex;justify-content:space-between;padding:.6rem 0;border-bottom:1px solid #eee}' +
  '.state{font-weight:600}article{border-top:1px solid #ddd;margin-top:1rem;padding-top:.5rem}time{color:#616061;font-size:.9rem}' +
  '.update p{margin:.25rem 0 .75rem}.history{display:flex;gap:1px;margin:-.3rem 0 .6rem}' +
  '.history span{flex:1;height:1.6rem;border-radius:1px}.history-legend{display:flex;justify-content:space-between;font-size:.8rem;color:#616061}' +
  'a{color:#1264a3}.meta{color:#616061;font-size:.9rem;margin:.25rem 0 .5rem}' +
  '.pager{display:flex;justify-content:space-between;gap:1rem;margin:1rem 0}' +
  Object.entries(COLOUR)
    .map(([state, colour]) => `.s-${state}{background:${colour}}`)
    .join('');

const BANNER: Record<string, ComponentState> = {
  none: 'operational',
  maintenance: 'under_maintenance',
  minor: 'degraded_performance',
  major: 'partial_outage',
  critical: 'major_outage',
};

export const when = (at: Date) =>
  `<time datetime="${at.toISOString()}">${escapeHtml(at.toISOString().replace('T', ' ').slice(0, 16))} UTC</time>`;
export const STATUS_WORD = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
} as const;

/** `extra` goes between the title and the updates (the history page's when and which components). */
export function incidentHtml(incident: PublicIncident, extra = ''): string {
  const updates = incident.updates.map((u) => {
    const affected = u.affected.map((a) => `${escapeHtml(a.name)}: ${escapeHtml(stateLabel(a.to))}`).join(', ');
    return (
      `<div class="update"><strong>${STATUS_WORD[u.status]}</strong> ${when(u.at)}` +
      `<p>${u.body ? escapeHtml(u.body) : ''}${affected ? `<br><small>${affected}</small>` : ''}</p></div>`
    );
  });
  return `<article id="incident-${escapeHtml(incident.id)}">\n<h3>${escapeHtml(incident.name)}</h3>\n${extra}${updates.join('\n')}\n</article>`;
}

/**
 * One bar a day, its date and state in the title (a tooltip, no script needed), summed up for screen
 * readers; `link` is where the component's own history page is, when this is not it.
 */
export function historyHtml(name: string, days: readonly HistoryDay[], link?: string): string {
  // One class per state and the date in a tooltip: a bar per day costs some 50 bytes, not 150.
  const bars = days.map((d) => `<span class="s-${d.state}" title="${escapeHtml(`${d.date}: ${stateLabel(d.state)}`)}"></span>`);
  return (
    `<div class="history" data-history="${escapeHtml(name)}" role="img" aria-label="${escapeHtml(historySummary(name, days))}">${bars.join('')}</div>` +
    `<div class="history-legend"><span>${HISTORY_DAYS} days ago</span>` +
    (link ? `<a href="${escapeHtml(link)}">${escapeHtml(name)} history</a>` : '') +
    '<span>Today</span></div>'
  );
}

/** What a screen reader says of the bar: how many days the component spent in each state. */
function historySummary(name: string, days: readonly HistoryDay[]): string {
  const counts = new Map<ComponentState, number>();
  for (const d of days) counts.set(d.state, (counts.get(d.state) ?? 0) + 1);
  const parts = [...counts].map(([state, n]) => `${n} ${n === 1 ? 'day' : 'days'} ${stateLabel(state).toLowerCase()}`);
  return `${name}, the last ${days.length} days: ${parts.join(', ')}`;
}

/**
 * The whole page; `feedUrl` is the Atom feed's address, linked for feed readers; `history` each
 * component's last days by its id.
 */
export function statusPageHtml(model: PageModel, feedUrl: string, history: ReadonlyMap<string, readonly HistoryDay[]>): string {
  const banner = BANNER[model.indicator] ?? 'operational';
  const components = model.components.map(
    (c) =>
      `<li data-component="${escapeHtml(c.id)}"><div class="component"><span>${escapeHtml(c.name)}</span>` +
      `<span class="state" style="color:${COLOUR[c.state]}">${escapeHtml(stateLabel(c.state))}</span></div>\n` +
      `${historyHtml(c.name, history.get(c.id) ?? [], componentLink(c.id))}</li>`,
  );
  const active = model.incidents.filter((i) => i.status !== 'resolved');
  const body = [
    `<h1>${escapeHtml(model.title)}</h1>`,
    `<p class="banner" style="background:${COLOUR[banner]}">${escapeHtml(model.description)}</p>`,
    '<h2>Components</h2>',
    `<ul>\n${components.join('\n')}\n</ul>`,
    '<h2>Active incidents</h2>',
    active.length ? active.map((i) => incidentHtml(i)).join('\n') : '<p>No active incidents.</p>',
    `<p><a href="${HISTORY_LINK}">Incident history</a> · <a href="${escapeHtml(feedUrl)}">Subscribe to updates (Atom)</a></p>`,
  ];
  return pageShell(model.title, feedUrl, body);
}

/** The page-wide incident history, relative to /status (and to /status?component=…). */
export const HISTORY_LINK = 'status/history';

/** A component's own page, relative to /status so it works under any public address. */
export const componentLink = (id: string): string => `?component=${encodeURIComponent(id)}`;

/** The document around a page's `body` parts: one inline style, the feed linked, no script. */
export function pageShell(title: string, feedUrl: string, body: readonly string[]): string {
  return (
    `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<title>${escapeHtml(title)}</title>\n<link rel="alternate" type="application/atom+xml" href="${escapeHtml(feedUrl)}">\n` +
    `<style>${STYLE}</style>\n</head>\n<body>\n<main>\n${body.join('\n')}\n</main>\n</body>\n</html>\n`
  );
}
