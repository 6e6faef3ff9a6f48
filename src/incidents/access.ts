import { and, eq, or, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { incidentMembers, incidents, type Incident } from '../db/schema.js';

/**
 * Who is asking to see incidents: a person by Slack user id (Slack, a console session), or the holder of
 * the configured api_token, which is a member of nothing.
 */
export type Viewer = { readonly kind: 'person'; readonly userId: string } | { readonly kind: 'api_token' };

export const personViewer = (userId: string): Viewer => ({ kind: 'person', userId });
export const API_TOKEN_VIEWER: Viewer = { kind: 'api_token' };

/**
 * The one access rule, as a query condition on `incidents`: anyone sees a public incident, a private one
 * only its members. Lists filter with it; `canSee` asks the same of one row.
 */
export function visibleTo(viewer: Viewer): SQL {
  const isPublic = eq(incidents.isPrivate, false);
  if (viewer.kind === 'api_token') return isPublic;
  const member = sql`exists (select 1 from ${incidentMembers} where ${incidentMembers.incidentId} = ${incidents.id} and ${incidentMembers.userId} = ${viewer.userId})`;
  return or(isPublic, member) ?? isPublic;
}

/** Whether the viewer may see (and act on) the incident; what they may not see is answered as missing. */
export async function canSee(tx: Tx, incident: Incident, viewer: Viewer): Promise<boolean> {
  if (!incident.isPrivate) return true;
  if (viewer.kind === 'api_token') return false;
  const [row] = await tx
    .select({ userId: incidentMembers.userId })
    .from(incidentMembers)
    .where(and(eq(incidentMembers.incidentId, incident.id), eq(incidentMembers.userId, viewer.userId)));
  return row !== undefined;
}
