import { eq, sql, type Column, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { incidents, type Incident } from '../db/schema.js';

/**
 * A drill is a practice incident (`/incident drill`): its channel, its pages and its postmortem work as a
 * real incident's do, because proving the chain works is the point, but whatever reports on incidents
 * leaves it out. Listings (digests, insights, the metrics, `/incident list`, the status page, the console)
 * filter with `realIncidents`; code holding a row asks `countsAsReal`. Who hears of a drill's events is
 * decided with the rest of the audience, in workflow/audience.ts.
 */
export const DRILL_TITLE = 'Paging drill';

/** The word every surface shows on a drill, so nobody takes it for an outage. */
export const DRILL_MARK = 'DRILL';

export const countsAsReal = (incident: Pick<Incident, 'drill'>): boolean => !incident.drill;

/** `countsAsReal` as a query condition on `incidents`. */
export const realIncidents: SQL = eq(incidents.drill, false);

/** The same condition on rows that belong to an incident (follow-ups, pages), by their incident id column. */
export const ofRealIncident = (incidentId: Column): SQL =>
  sql`exists (select 1 from ${incidents} where ${incidents.id} = ${incidentId} and ${realIncidents})`;

export async function isDrill(tx: Tx, incidentId: number): Promise<boolean> {
  const [row] = await tx.select({ drill: incidents.drill }).from(incidents).where(eq(incidents.id, incidentId));
  return row?.drill ?? false;
}
