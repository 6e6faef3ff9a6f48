import { and, asc, desc, eq, gt, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { incidents, timelineEvents, type Incident, type TimelineEvent } from '../db/schema.js';
import { visibleTo, type Viewer } from './access.js';
import { realIncidents } from './drills.js';
import type { Status } from './status.js';

/** What a list of incidents may be narrowed to; every field left out narrows nothing. */
export interface IncidentFilter {
  statuses?: readonly Status[];
  severities?: readonly string[];
  types?: readonly string[];
  /** Declared at or after. */
  since?: Date;
  /** Declared before. */
  until?: Date;
  /** Words in the title or in a status update, case-insensitive. */
  text?: string;
  /** Drills are practice (incidents/drills.ts): left out unless asked for. */
  includeDrills?: boolean;
}

export interface Page<T> {
  items: T[];
  /** The key to pass as `after` for the next page; undefined on the last page. */
  next: number | undefined;
}

/** `text` as a LIKE pattern matching it anywhere, its own `%`, `_` and `\` taken literally. */
export const containsPattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function conditions(viewer: Viewer, filter: IncidentFilter): SQL[] {
  const where: SQL[] = [visibleTo(viewer)];
  if (!filter.includeDrills) where.push(realIncidents);
  if (filter.statuses?.length) where.push(inArray(incidents.status, [...filter.statuses]));
  if (filter.severities?.length) where.push(inArray(incidents.severity, [...filter.severities]));
  if (filter.types?.length) where.push(inArray(incidents.type, [...filter.types]));
  if (filter.since) where.push(gte(incidents.createdAt, filter.since));
  if (filter.until) where.push(lt(incidents.createdAt, filter.until));
  const text = filter.text?.trim();
  if (text) {
    const pattern = containsPattern(text);
    // Uncorrelated, so Postgres scans the updates once into a hashed set rather than once per incident.
    const inUpdates = sql`${incidents.id} in (select ${timelineEvents.incidentId} from ${timelineEvents} where ${timelineEvents.kind} = 'status_update' and ${timelineEvents.data}->>'message' ilike ${pattern})`;
    where.push(or(sql`${incidents.title} ilike ${pattern}`, inUpdates) ?? inUpdates);
  }
  return where;
}

/**
 * Incidents the viewer may see, newest (highest number) first, a page at a time. Paging is by key (the
 * number of the last incident of the previous page), so a page costs the same at the 10,000th incident as
 * at the first, walking the primary key backwards, and incidents declared meanwhile never shift a page.
 */
export async function findIncidents(
  tx: Tx,
  viewer: Viewer,
  filter: IncidentFilter,
  page: { after?: number; limit: number },
): Promise<Page<Incident>> {
  const where = conditions(viewer, filter);
  if (page.after !== undefined) where.push(lt(incidents.id, page.after));
  const rows = await tx
    .select()
    .from(incidents)
    .where(and(...where))
    .orderBy(desc(incidents.id))
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit);
  return { items, next: rows.length > page.limit ? items.at(-1)?.id : undefined };
}

/** An incident's timeline in the order it was recorded, a page at a time, keyed by event id. */
export async function timelinePage(tx: Tx, incidentId: number, page: { after?: number; limit: number }): Promise<Page<TimelineEvent>> {
  const where = [eq(timelineEvents.incidentId, incidentId)];
  if (page.after !== undefined) where.push(gt(timelineEvents.id, page.after));
  const rows = await tx
    .select()
    .from(timelineEvents)
    .where(and(...where))
    .orderBy(asc(timelineEvents.id))
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit);
  return { items, next: rows.length > page.limit ? items.at(-1)?.id : undefined };
}
