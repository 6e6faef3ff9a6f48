// What a workflow's conditions and templates read of an incident, from the database.
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { IncidentFacts } from '../automation/conditions.js';
import type { Config } from '../config/load.js';
import type { Tx } from '../db/client.js';
import { timelineEvents, type Incident } from '../db/schema.js';

/** The services marked affected, from the timeline (`service_added` carries them), in the order they were added. */
export async function servicesOf(tx: Tx, incidentId: number): Promise<string[]> {
  const rows = await tx
    .select({ data: timelineEvents.data })
    .from(timelineEvents)
    .where(and(eq(timelineEvents.incidentId, incidentId), eq(timelineEvents.kind, 'service_added')))
    .orderBy(asc(timelineEvents.id));
  return servicesFromEvents(rows);
}

/** servicesOf for many incidents in one read. */
export async function servicesOfMany(tx: Tx, incidentIds: readonly number[]): Promise<Map<number, string[]>> {
  const rows = incidentIds.length
    ? await tx
        .select({ incidentId: timelineEvents.incidentId, data: timelineEvents.data })
        .from(timelineEvents)
        .where(and(inArray(timelineEvents.incidentId, [...incidentIds]), eq(timelineEvents.kind, 'service_added')))
        .orderBy(asc(timelineEvents.id))
    : [];
  return new Map(incidentIds.map((id) => [id, servicesFromEvents(rows.filter((r) => r.incidentId === id))]));
}

export function servicesFromEvents(rows: ReadonlyArray<{ data: unknown }>): string[] {
  const ids = rows.flatMap((r) => {
    const services = (r.data as { services?: unknown } | null)?.services;
    return Array.isArray(services) ? services.filter((s): s is string => typeof s === 'string') : [];
  });
  return [...new Set(ids)];
}

export function factsOf(config: Config, incident: Incident, services: readonly string[]): IncidentFacts {
  const tiers = services.flatMap((id) => config.services.find((s) => s.id === id)?.tier ?? []);
  return {
    severity: incident.severity,
    type: incident.type,
    services,
    tiers,
    private: incident.isPrivate,
    source: incident.source,
    status: incident.status,
  };
}
