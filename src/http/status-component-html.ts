/**
 * A component's own status page (`/status?component=<id>`): its state now, its 90 days, and every published
 * incident that touched it, resolved ones too. Plain HTML like the page itself, every published text escaped.
 */
import type { StatusPageConfig } from '../config/load.js';
import { HISTORY_DAYS, type HistoryDay } from '../statuspage/history.js';
import type { PageModel, PublicComponent } from '../statuspage/model.js';
import { stateLabel } from '../statuspage/states.js';
import { escapeHtml } from './html.js';
import { COLOUR, componentLink, HISTORY_LINK, historyHtml, incidentHtml, pageShell } from './status-html.js';

const BACK = `<p><a href="status">All components</a> · <a href="${HISTORY_LINK}">Incident history</a></p>`;

export function componentPageHtml(model: PageModel, component: PublicComponent, days: readonly HistoryDay[], feedUrl: string): string {
  const touched = model.incidents.filter((i) => i.componentIds.includes(component.id));
  const body = [
    `<h1>${escapeHtml(component.name)} <small>· ${escapeHtml(model.title)}</small></h1>`,
    `<p class="banner" style="background:${COLOUR[component.state]}">${escapeHtml(stateLabel(component.state))}</p>`,
    `<h2>The last ${HISTORY_DAYS} days</h2>`,
    historyHtml(component.name, days),
    '<h2>Incidents</h2>',
    touched.length
      ? touched.map((i) => incidentHtml(i)).join('\n')
      : `<p>No incident has been published about ${escapeHtml(component.name)}.</p>`,
    BACK,
  ];
  return pageShell(`${component.name} · ${model.title}`, feedUrl, body);
}

/** The answer to a component the page does not have, naming those it has. */
export function unknownComponentHtml(page: StatusPageConfig, asked: string, feedUrl: string): string {
  const known = page.components.map((c) => `<li><a href="${escapeHtml(componentLink(c.id))}">${escapeHtml(c.name)}</a></li>`);
  const body = [
    `<h1>${escapeHtml(page.title)}</h1>`,
    `<p>There is no component “${escapeHtml(asked)}” on this page. Its components are:</p>`,
    `<ul>\n${known.join('\n')}\n</ul>`,
    BACK,
  ];
  return pageShell(`Unknown component · ${page.title}`, feedUrl, body);
}
