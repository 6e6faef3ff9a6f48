// What one person's App Home shows: their shifts, open pages, incidents and follow-ups, read from the
// database as they are now. The Home is re-rendered from this whole each time, never patched.
import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { Tx } from '../db/client.js';
import {
  followups,
  homeTabs,
  incidentMembers,
  incidents,
  pageNotifications,
  pages,
  type Followup,
  type Incident,
  type Page,
} from '../db/schema.js';
import { OPEN_STATUSES } from '../incidents/lifecycle.js';
import { currentSchedules } from './current-schedules.js';
import { shiftsBetween, type ScheduleDef } from './schedule.js';

/** How far ahead the Home looks for someone's next shift. */
export const HOME_HORIZON_MS = 90 * 86_400_000;
/** At most this many of each list are read: the Home shows fewer, and says how many more there are. */
export const HOME_READ_LIMIT = 101;

/** One schedule as it concerns one person: on call now (until when), and their next shift. */
export interface ScheduleShifts {
  scheduleId: string;
  /** Set when they are on call now; `beyondHorizon` when the shift runs past what was looked at. */
  now: { until: Date; beyondHorizon: boolean } | undefined;
  next: { start: Date; end: Date; beyondHorizon: boolean } | undefined;
}

export interface HomeData {
  userId: string;
  schedules: ScheduleShifts[];
  pages: Array<{ page: Page; incident: Incident }>;
  incidents: Incident[];
  followups: Array<{ followup: Followup; incident: Incident }>;
}

/**
 * Pure: the person's shift now and next on each schedule they are on (in its rotation or overrides),
 * looking `HOME_HORIZON_MS` ahead of `now`.
 */
export function shiftsOf(defs: readonly ScheduleDef[], userId: string, now: Date): ScheduleShifts[] {
  const horizon = new Date(now.getTime() + HOME_HORIZON_MS);
  return defs.flatMap((def) => {
    const involved = def.rotation.users.includes(userId) || def.overrides.some((o) => o.user === userId);
    if (!involved) return [];
    const mine = shiftsBetween(def, now, horizon).filter((s) => s.user === userId);
    const first = mine[0];
    const current = first && first.start.getTime() <= now.getTime() ? first : undefined;
    const upcoming = current ? mine[1] : first;
    const beyond = (end: Date) => end.getTime() >= horizon.getTime();
    return [
      {
        scheduleId: def.id,
        now: current && { until: current.end, beyondHorizon: beyond(current.end) },
        next: upcoming && { start: upcoming.start, end: upcoming.end, beyondHorizon: beyond(upcoming.end) },
      },
    ];
  });
}

export async function homeData(tx: Tx, config: Config, userId: string, now: Date): Promise<HomeData> {
  const [defs, paged, memberOf, owned] = await Promise.all([
    currentSchedules(tx, config, now),
    // Pages that reached them and are still running: exhausted ones can still be acknowledged.
    tx
      .selectDistinct({ page: pages, incident: incidents })
      .from(pageNotifications)
      .innerJoin(pages, eq(pages.id, pageNotifications.pageId))
      .innerJoin(incidents, eq(incidents.id, pages.incidentId))
      .where(and(eq(pageNotifications.userId, userId), inArray(pages.state, ['triggered', 'exhausted'])))
      .orderBy(desc(pages.id))
      .limit(HOME_READ_LIMIT),
    // Their incidents: they are a member, so a private one is theirs to see.
    tx
      .select({ incident: incidents })
      .from(incidentMembers)
      .innerJoin(incidents, eq(incidents.id, incidentMembers.incidentId))
      .where(and(eq(incidentMembers.userId, userId), inArray(incidents.status, [...OPEN_STATUSES])))
      .orderBy(desc(incidents.id))
      .limit(HOME_READ_LIMIT),
    tx
      .select({ followup: followups, incident: incidents })
      .from(followups)
      .innerJoin(incidents, eq(incidents.id, followups.incidentId))
      .where(and(eq(followups.ownerId, userId), isNull(followups.doneAt)))
      .orderBy(asc(followups.dueAt), asc(followups.id))
      .limit(HOME_READ_LIMIT),
  ]);
  return {
    userId,
    schedules: shiftsOf(defs, userId, now),
    pages: paged,
    incidents: memberOf.map((m) => m.incident),
    followups: owned,
  };
}

/** Remembers that the person opened the Home, so later changes re-publish it. */
export async function recordHomeOpened(tx: Tx, userId: string): Promise<void> {
  await tx
    .insert(homeTabs)
    .values({ userId })
    .onConflictDoUpdate({ target: homeTabs.userId, set: { openedAt: new Date() } });
}
