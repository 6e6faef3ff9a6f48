import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { incidents, statusPublications } from '../db/schema.js';
import { realIncidents } from '../incidents/drills.js';
import type { Publication } from './model.js';

/**
 * Every publication the public may see, oldest first. Publishing already refuses private incidents and
 * drills; reading checks again, so an incident made private later disappears from the page with it.
 */
export async function publicPublications(db: Db): Promise<Publication[]> {
  return db
    .select({
      id: statusPublications.id,
      incidentId: statusPublications.incidentId,
      title: statusPublications.title,
      status: statusPublications.status,
      components: statusPublications.components,
      message: statusPublications.message,
      publishedAt: statusPublications.publishedAt,
    })
    .from(statusPublications)
    .innerJoin(incidents, eq(incidents.id, statusPublications.incidentId))
    .where(and(eq(incidents.isPrivate, false), realIncidents))
    .orderBy(asc(statusPublications.id));
}

/**
 * The components an incident's publications left in a state other than operational, when the public was
 * not yet told it is resolved; empty when it was, or when it was never published.
 */
export async function stillPublicComponents(db: Db, incidentId: number): Promise<string[]> {
  const rows = await db
    .select({ status: statusPublications.status, components: statusPublications.components })
    .from(statusPublications)
    .where(eq(statusPublications.incidentId, incidentId))
    .orderBy(desc(statusPublications.id));
  if (!rows.length || rows[0]?.status === 'resolved') return [];
  const latest = new Map<string, string>();
  for (const row of rows) for (const c of row.components) if (!latest.has(c.id)) latest.set(c.id, c.state);
  return [...latest].filter(([, state]) => state !== 'operational').map(([id]) => id);
}

/** The title the public last read for an incident, so a follow-up publication keeps it; undefined when never published. */
export async function lastPublicTitle(db: Db, incidentId: number): Promise<string | undefined> {
  const [row] = await db
    .select({ title: statusPublications.title })
    .from(statusPublications)
    .where(eq(statusPublications.incidentId, incidentId))
    .orderBy(desc(statusPublications.id))
    .limit(1);
  return row?.title;
}

/**
 * What the page depends on, in one cheap aggregate: publishing adds an id, making a published incident
 * private takes its rows out of the count. Equal versions mean equal publicPublications().
 */
export async function publicationsVersion(db: Db): Promise<string> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int`, max: sql<number | null>`max(${statusPublications.id})` })
    .from(statusPublications)
    .innerJoin(incidents, eq(incidents.id, statusPublications.incidentId))
    .where(and(eq(incidents.isPrivate, false), realIncidents));
  return `${row?.n ?? 0}:${row?.max ?? 0}`;
}
