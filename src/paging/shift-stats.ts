// What happened in on-call shifts, per person: the hand-off posts and the fairness report read the same
// figures. Pure: shifts, the schedule's zone and the period's pages in, one line per person out.
import { isNight, nightMs, weekendMs } from './local-hours.js';
import type { Shift } from './schedule.js';

/** One notification of a real incident's page to one person (test pages and drills are left out before this). */
export interface PageReach {
  pageId: number;
  incidentId: number;
  userId: string;
  notifiedAt: Date;
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
}

/** A real incident and who took part in it: everyone its pages notified and everyone who joined it. */
export interface IncidentInvolvement {
  incidentId: number;
  declaredAt: Date;
  people: readonly string[];
}

export interface PersonStats {
  userId: string;
  onCallMs: number;
  nightMs: number;
  weekendMs: number;
  /** Pages that reached them while on call, each page once. */
  pages: number;
  /** Of those, the ones whose first notification to them came at night (22:00–08:00 in the schedule's zone). */
  nightPages: number;
  /** Of those, the ones they acknowledged themselves. */
  acknowledged: number;
  /** From their first notification to their acknowledgement, the median over `acknowledged`; null with none. */
  medianAckMs: number | null;
  /** Incidents declared while they were on call that paged them or that they joined. */
  incidents: number;
}

const within = (shift: Shift, at: Date) => shift.start.getTime() <= at.getTime() && at.getTime() < shift.end.getTime();

/** The middle value (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Each person's figures over `shifts` (one schedule's, as `shiftsBetween` gives them), most hours first.
 * A page counts for whoever it reached while they were on call in these shifts, at its first notification
 * to them in a shift; acknowledgements count when that person acknowledged it, whenever they did.
 */
export function shiftStats(
  shifts: readonly Shift[],
  timeZone: string,
  activity: { reaches: readonly PageReach[]; incidents: readonly IncidentInvolvement[] },
): PersonStats[] {
  const byUser = new Map<string, Shift[]>();
  for (const s of shifts) if (s.user !== null) byUser.set(s.user, [...(byUser.get(s.user) ?? []), s]);

  const stats: PersonStats[] = [];
  for (const [userId, own] of byUser) {
    const onShift = (at: Date) => own.some((s) => within(s, at));
    const firstReach = new Map<number, PageReach>();
    for (const r of activity.reaches) {
      if (r.userId !== userId || !onShift(r.notifiedAt)) continue;
      const earlier = firstReach.get(r.pageId);
      if (!earlier || r.notifiedAt < earlier.notifiedAt) firstReach.set(r.pageId, r);
    }
    const reached = [...firstReach.values()];
    const acks = reached.filter((r) => r.acknowledgedBy === userId && r.acknowledgedAt !== null);
    stats.push({
      userId,
      onCallMs: own.reduce((sum, s) => sum + (s.end.getTime() - s.start.getTime()), 0),
      nightMs: own.reduce((sum, s) => sum + nightMs(s.start, s.end, timeZone), 0),
      weekendMs: own.reduce((sum, s) => sum + weekendMs(s.start, s.end, timeZone), 0),
      pages: reached.length,
      nightPages: reached.filter((r) => isNight(r.notifiedAt, timeZone)).length,
      acknowledged: acks.length,
      medianAckMs: median(acks.map((r) => Math.max(0, r.acknowledgedAt!.getTime() - r.notifiedAt.getTime()))),
      incidents: activity.incidents.filter((i) => i.people.includes(userId) && onShift(i.declaredAt)).length,
    });
  }
  return stats.sort((a, b) => b.onCallMs - a.onCallMs || a.userId.localeCompare(b.userId));
}
