// The service catalogue as incidents see it: which services exist, what they depend on, whose policy is
// paged when one is affected, and which services each incident affects.
import { asc, inArray } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { Tx } from '../db/client.js';
import { incidentServices } from '../db/schema.js';

export type Service = Config['services'][number];
type Catalogue = Pick<Config, 'services' | 'pageTiers'>;

/** Pure: the ids the catalogue does not know, in the order asked. */
export function unknownServiceIds(config: Pick<Config, 'services'>, ids: readonly string[]): string[] {
  const known = new Set(config.services.map((s) => s.id));
  return [...new Set(ids.filter((id) => !known.has(id)))];
}

/** Pure: the catalogue's entries for known ids, each once, in the order asked. */
export function servicesByIds(config: Pick<Config, 'services'>, ids: readonly string[]): Service[] {
  const byId = new Map(config.services.map((s) => [s.id, s]));
  return [...new Set(ids)].flatMap((id) => byId.get(id) ?? []);
}

/** Pure: everything a service depends on, directly or through others, nearest first, itself excluded. */
export function dependenciesOf(config: Pick<Config, 'services'>, id: string): string[] {
  const byId = new Map(config.services.map((s) => [s.id, s.depends_on]));
  const seen = new Set<string>([id]);
  const found: string[] = [];
  let frontier = byId.get(id) ?? [];
  while (frontier.length) {
    const next: string[] = [];
    for (const dep of frontier) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      found.push(dep);
      next.push(...(byId.get(dep) ?? []));
    }
    frontier = next;
  }
  return found;
}

/** Pure: the services that depend, directly or through others, on one of `affected` (and are not affected themselves). */
export function dependentsOf(config: Pick<Config, 'services'>, affected: readonly string[]): string[] {
  const hit = new Set(affected);
  return config.services.filter((s) => !hit.has(s.id) && dependenciesOf(config, s.id).some((d) => hit.has(d))).map((s) => s.id);
}

/** Pure: whether affecting a service of this tier pages its owning policy. */
export const pagesOwners = (config: Pick<Config, 'pageTiers'>, tier: number): boolean => config.pageTiers.includes(tier);

/** Pure: the owning policies to page for these newly affected services, each once, in the order of the services. */
export function policiesToPage(config: Catalogue, services: readonly Service[]): string[] {
  const policies = services.filter((s) => s.owners.policy && pagesOwners(config, s.tier)).map((s) => s.owners.policy!);
  return [...new Set(policies)];
}

export interface AffectedService {
  incidentId: number;
  serviceId: string;
  addedBy: string;
  addedAt: Date;
}

/** The services each incident affects, in the order they were marked. */
export async function affectedServices(tx: Tx, incidentIds: readonly number[]): Promise<Map<number, AffectedService[]>> {
  const byIncident = new Map<number, AffectedService[]>();
  if (incidentIds.length === 0) return byIncident;
  const rows = await tx
    .select()
    .from(incidentServices)
    .where(inArray(incidentServices.incidentId, [...incidentIds]))
    .orderBy(asc(incidentServices.addedAt), asc(incidentServices.serviceId));
  for (const row of rows) byIncident.set(row.incidentId, [...(byIncident.get(row.incidentId) ?? []), row]);
  return byIncident;
}

/** How a service reads in a list: its name and tier, or its id when it has left the catalogue. */
export function serviceLabel(config: Pick<Config, 'services'>, id: string): string {
  const service = config.services.find((s) => s.id === id);
  return service ? `${service.name} (tier ${service.tier})` : id;
}
