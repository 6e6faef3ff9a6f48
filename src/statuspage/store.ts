import { and, asc, eq } from 'drizzle-orm';
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
