import { and, inArray, not } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { Tx } from '../db/client.js';
import { incidents, type Incident } from '../db/schema.js';
import { personViewer, visibleTo } from './access.js';
import { realIncidents } from './drills.js';
import { OPEN_STATUSES } from './lifecycle.js';

/** Open incidents the viewer may see, most severe first, then oldest first: the real ones, or with `drills` the drills only. */
export async function openIncidentsFor(tx: Tx, config: Config, viewer: string, options: { drills?: boolean } = {}): Promise<Incident[]> {
  const rows = await tx
    .select()
    .from(incidents)
    .where(
      and(
        inArray(incidents.status, [...OPEN_STATUSES]),
        options.drills ? not(realIncidents) : realIncidents,
        visibleTo(personViewer(viewer)),
      ),
    );
  const rank = (id: string) => {
    const i = config.severities.findIndex((s) => s.id === id);
    return i === -1 ? config.severities.length : i;
  };
  return rows.sort((a, b) => rank(a.severity) - rank(b.severity) || a.createdAt.getTime() - b.createdAt.getTime());
}
