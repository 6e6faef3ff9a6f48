// The pages and incidents of a period, as the shift figures (shift-stats.ts) read them. Only real incidents
// count: test pages have no incident, and drills are practice. Private incidents are left out altogether,
// so a hand-off post or a report, which anyone in a channel may read, never hints that one exists.
import { and, asc, eq, gte, inArray, lt } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { incidentMembers, incidents, pageNotifications, pages } from '../db/schema.js';
import { realIncidents } from '../incidents/drills.js';
import { OPEN_STATUSES } from '../incidents/lifecycle.js';
import { frozenPolicySchema } from './policy.js';
import type { IncidentInvolvement, PageReach } from './shift-stats.js';

const shown = and(realIncidents, eq(incidents.isPrivate, false), eq(pages.kind, 'incident'));

/** Every notification in [from, to) of a real, public incident's page, and those incidents declared then with who took part. */
export async function shiftActivity(tx: Tx, from: Date, to: Date): Promise<{ reaches: PageReach[]; incidents: IncidentInvolvement[] }> {
  const reaches = await tx
    .select({
      pageId: pages.id,
      incidentId: incidents.id,
      userId: pageNotifications.userId,
      notifiedAt: pageNotifications.createdAt,
      acknowledgedBy: pages.acknowledgedBy,
      acknowledgedAt: pages.acknowledgedAt,
    })
    .from(pageNotifications)
    .innerJoin(pages, eq(pages.id, pageNotifications.pageId))
    .innerJoin(incidents, eq(incidents.id, pages.incidentId))
    .where(and(shown, gte(pageNotifications.createdAt, from), lt(pageNotifications.createdAt, to)))
    .orderBy(asc(pageNotifications.createdAt), asc(pageNotifications.id));
  const declared = await tx
    .select({ id: incidents.id, createdAt: incidents.createdAt })
    .from(incidents)
    .where(and(realIncidents, eq(incidents.isPrivate, false), gte(incidents.createdAt, from), lt(incidents.createdAt, to)));
  const people = await peopleOf(
    tx,
    declared.map((i) => i.id),
  );
  return {
    reaches,
    incidents: declared.map((i) => ({ incidentId: i.id, declaredAt: i.createdAt, people: [...(people.get(i.id) ?? [])] })),
  };
}

/** Who took part in each incident: its members (invited or joined) and everyone its pages notified. */
async function peopleOf(tx: Tx, ids: readonly number[]): Promise<Map<number, Set<string>>> {
  const people = new Map<number, Set<string>>();
  if (ids.length === 0) return people;
  const add = (incidentId: number | null, userId: string) => {
    if (incidentId === null) return;
    people.set(incidentId, (people.get(incidentId) ?? new Set()).add(userId));
  };
  const members = await tx
    .select()
    .from(incidentMembers)
    .where(inArray(incidentMembers.incidentId, [...ids]));
  for (const m of members) add(m.incidentId, m.userId);
  const notified = await tx
    .select({ incidentId: pages.incidentId, userId: pageNotifications.userId })
    .from(pageNotifications)
    .innerJoin(pages, eq(pages.id, pageNotifications.pageId))
    .where(inArray(pages.incidentId, [...ids]));
  for (const n of notified) add(n.incidentId, n.userId);
  return people;
}

export interface OpenIncident {
  id: number;
  title: string;
  severity: string;
  status: string;
}

/** What a hand-off leaves open: incidents not yet resolved, and their pages nobody has acknowledged. */
export interface OpenWork {
  incidents: OpenIncident[];
  unacknowledged: Array<{ pageId: number; incidentId: number }>;
}

/**
 * The open real, public incidents that concern a schedule: one of its pages goes through the schedule, or
 * one of `people` (who hands over, who takes over) was paged for it or is in it.
 */
export async function openWork(tx: Tx, scheduleId: string, people: readonly string[]): Promise<OpenWork> {
  const open = await tx
    .select({ id: incidents.id, title: incidents.title, severity: incidents.severity, status: incidents.status })
    .from(incidents)
    .where(and(realIncidents, eq(incidents.isPrivate, false), inArray(incidents.status, [...OPEN_STATUSES])))
    .orderBy(asc(incidents.id));
  if (open.length === 0) return { incidents: [], unacknowledged: [] };
  const ids = open.map((i) => i.id);
  const theirPages = await tx
    .select({ id: pages.id, incidentId: pages.incidentId, state: pages.state, policy: pages.policy })
    .from(pages)
    .where(inArray(pages.incidentId, ids))
    .orderBy(asc(pages.id));
  const involved = await peopleOf(tx, ids);
  const throughSchedule = (policy: unknown) => {
    const parsed = frozenPolicySchema.safeParse(policy);
    return parsed.success && parsed.data.levels.some((l) => l.targets.some((t) => 'schedule' in t && t.schedule.id === scheduleId));
  };
  const concerns = (id: number) =>
    theirPages.some((p) => p.incidentId === id && throughSchedule(p.policy)) || people.some((u) => involved.get(id)?.has(u));
  const concerned = open.filter((i) => concerns(i.id));
  const unacknowledged = theirPages
    .filter((p) => p.state === 'triggered' && p.incidentId !== null && concerned.some((i) => i.id === p.incidentId))
    .map((p) => ({ pageId: p.id, incidentId: p.incidentId! }));
  return { incidents: concerned, unacknowledged };
}
