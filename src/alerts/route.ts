// Routing: which of the config's alert_routes an alert matches and what they set on its incident.
import { formatMatchers, matchesAll, type Labels, type Matcher } from './matchers.js';

export interface RouteSet {
  severity?: string | undefined;
  type?: string | undefined;
  service?: string | undefined;
  page?: string | undefined;
}

export interface AlertRoute {
  match: readonly Matcher[];
  integration?: string | undefined;
  set?: RouteSet | undefined;
  drop: boolean;
  continue: boolean;
}

export interface Routing {
  /** Indexes into the routes, in order; empty when none matched. */
  routes: number[];
  set: RouteSet;
  dropped: boolean;
}

const FIELDS = ['severity', 'type', 'service', 'page'] as const;

/**
 * The first matching route decides; with `continue: true` later matching routes are tried too and add only
 * the fields the earlier ones left unset. A matching route with `drop: true` drops the alert.
 */
export function route(alert: { integration: string; labels: Labels }, routes: readonly AlertRoute[]): Routing {
  const out: Routing = { routes: [], set: {}, dropped: false };
  for (const [i, r] of routes.entries()) {
    if (r.integration !== undefined && r.integration !== alert.integration) continue;
    if (!matchesAll(r.match, alert.labels)) continue;
    out.routes.push(i);
    for (const field of FIELDS) if (out.set[field] === undefined && r.set?.[field] !== undefined) out.set[field] = r.set[field];
    if (r.drop) out.dropped = true;
    if (!r.continue || r.drop) break;
  }
  return out;
}

/** "route 2 {team="db"} → sev1": the first route that matched (numbered from 1, as people count) and what was set. */
export function describeRouting(routing: Routing, routes: readonly AlertRoute[]): string {
  const first = routing.routes[0];
  if (first === undefined) return 'no route';
  const shown = routing.routes.map((i) => `route ${i + 1} ${formatMatchers(routes[i]?.match ?? [])}`).join(' + ');
  if (routing.dropped) return `${shown} → dropped`;
  const set = FIELDS.map((f) => routing.set[f]).filter((v) => v !== undefined);
  return set.length ? `${shown} → ${set.join(', ')}` : shown;
}
