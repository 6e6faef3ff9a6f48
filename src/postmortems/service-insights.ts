// Insights by service: how many incidents affected each service, and which services had a dependency
// affected (the incidents they were exposed to without being marked themselves).
import type { Config } from '../config/load.js';
import { dependenciesOf } from '../incidents/services.js';

const DAY_MS = 86_400_000;
/** Services listed in "dependencies affected": enough to act on, few enough for one line in Slack. */
export const TOP_DEPENDENTS = 10;

export interface ServiceInsights {
  /** Most affected in the current period first, then by id; a service absent from both periods is left out. */
  byService: Array<{ service: string; current: number; previous: number }>;
  /** Current period only: per service, the incidents where something it depends on was affected but it was not marked. */
  dependenciesAffected: Array<{ service: string; count: number; via: string[] }>;
}

/** Pure: over the current period [now − days, now) and the one before it; declined incidents are left out. */
export function serviceInsights(
  config: Pick<Config, 'services'>,
  incidents: ReadonlyArray<{ createdAt: Date; status: string; services: readonly string[] }>,
  options: { days: number; now: Date },
): ServiceInsights {
  const to = options.now.getTime();
  const from = to - options.days * DAY_MS;
  const previousFrom = from - options.days * DAY_MS;
  const counts = new Map<string, [number, number]>();
  const exposed = new Map<string, { count: number; via: Set<string> }>();
  const dependencies = new Map(config.services.map((s) => [s.id, dependenciesOf(config, s.id)]));
  for (const incident of incidents) {
    if (incident.status === 'declined' || incident.services.length === 0) continue;
    const created = incident.createdAt.getTime();
    const period = created >= from && created < to ? 0 : created >= previousFrom && created < from ? 1 : null;
    if (period === null) continue;
    for (const service of new Set(incident.services)) {
      const entry = counts.get(service) ?? [0, 0];
      entry[period] += 1;
      counts.set(service, entry);
    }
    if (period !== 0) continue;
    const affected = new Set(incident.services);
    for (const [service, deps] of dependencies) {
      if (affected.has(service)) continue;
      const via = deps.filter((d) => affected.has(d));
      if (!via.length) continue;
      const entry = exposed.get(service) ?? { count: 0, via: new Set<string>() };
      entry.count += 1;
      for (const d of via) entry.via.add(d);
      exposed.set(service, entry);
    }
  }
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    byService: [...counts]
      .sort(([a, x], [b, y]) => y[0] - x[0] || y[1] - x[1] || byName(a, b))
      .map(([service, [current, previous]]) => ({ service, current, previous })),
    dependenciesAffected: [...exposed]
      .sort(([a, x], [b, y]) => y.count - x.count || byName(a, b))
      .slice(0, TOP_DEPENDENTS)
      .map(([service, { count, via }]) => ({ service, count, via: [...via].sort(byName) })),
  };
}
