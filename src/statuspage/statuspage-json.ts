/**
 * The page in Atlassian Statuspage's public API shapes (`/api/v2/*.json`), so tools that read a
 * Statuspage read this one. Pure: a page model in, plain JSON out. Times are ISO 8601 in UTC.
 */
import { isUnresolved, type PageModel, type PublicComponent, type PublicIncident } from './model.js';

/** The page's id in every shape: there is one page. */
export const PAGE_ID = 'firewatch';

const RECENT_INCIDENTS = 50;

const iso = (at: Date | null): string | null => (at ? at.toISOString() : null);

export function pageJson(model: PageModel, url: string) {
  return { id: PAGE_ID, name: model.title, url, time_zone: 'Etc/UTC', updated_at: iso(model.updatedAt) };
}

export const statusJson = (model: PageModel) => ({ indicator: model.indicator, description: model.description });

export function componentJson(c: PublicComponent) {
  return {
    id: c.id,
    name: c.name,
    status: c.state,
    created_at: null,
    updated_at: iso(c.updatedAt),
    position: c.position,
    description: null,
    showcase: true,
    start_date: null,
    group_id: null,
    page_id: PAGE_ID,
    group: false,
    only_show_if_degraded: false,
  };
}

export function incidentJson(incident: PublicIncident, model: PageModel, url: string) {
  const components = model.components.filter((c) => incident.componentIds.includes(c.id));
  return {
    id: incident.id,
    name: incident.name,
    status: incident.status,
    created_at: iso(incident.createdAt),
    updated_at: iso(incident.updatedAt),
    monitoring_at: iso(incident.monitoringAt),
    resolved_at: iso(incident.resolvedAt),
    impact: incident.impact,
    shortlink: `${url}#incident-${incident.id}`,
    started_at: iso(incident.createdAt),
    page_id: PAGE_ID,
    incident_updates: incident.updates.map((u) => ({
      id: u.id,
      status: u.status,
      body: u.body,
      incident_id: incident.id,
      created_at: iso(u.at),
      updated_at: iso(u.at),
      display_at: iso(u.at),
      affected_components: u.affected.map((a) => ({ code: a.id, name: a.name, old_status: a.from, new_status: a.to })),
      deliver_notifications: true,
      custom_tweet: null,
      tweet_id: null,
    })),
    components: components.map(componentJson),
  };
}

/** The documents, by the path after `/api/v2/`. */
export function statuspageDocuments(model: PageModel, url: string): Record<string, unknown> {
  const page = pageJson(model, url);
  // Statuspage's incidents.json lists the 50 most recent.
  const incidents = model.incidents.slice(0, RECENT_INCIDENTS).map((i) => incidentJson(i, model, url));
  const unresolved = model.incidents.filter(isUnresolved).map((i) => incidentJson(i, model, url));
  const components = model.components.map(componentJson);
  const status = statusJson(model);
  return {
    'summary.json': { page, components, incidents: unresolved, scheduled_maintenances: [], status },
    'status.json': { page, status },
    'components.json': { page, components },
    'incidents.json': { page, incidents },
    'incidents/unresolved.json': { page, incidents: unresolved },
  };
}
