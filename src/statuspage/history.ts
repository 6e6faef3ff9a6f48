/**
 * The page's history bar: for each of the last days (UTC), the worst state a component was publicly in
 * at any moment of it. A publication puts its components in their state until a later publication of the
 * same incident names them again, or that incident is resolved in public. Pure.
 */
import type { Publication } from './model.js';
import { worstState, type ComponentState } from './states.js';

export const HISTORY_DAYS = 90;
const DAY_MS = 86_400_000;

export interface Interval {
  component: string;
  state: ComponentState;
  from: number;
  /** Exclusive; `now` while it lasts. */
  to: number;
}

/** Every stretch of time a component spent in a state other than operational, by the publications. */
export function publicIntervals(publications: readonly Publication[], now: Date): Interval[] {
  const byIncident = new Map<number, Publication[]>();
  for (const p of [...publications].sort((a, b) => a.id - b.id)) byIncident.set(p.incidentId, [...(byIncident.get(p.incidentId) ?? []), p]);
  const intervals: Interval[] = [];
  for (const ordered of byIncident.values()) {
    const open = new Map<string, { state: ComponentState; from: number }>();
    const close = (component: string, at: number) => {
      const started = open.get(component);
      if (started && started.state !== 'operational' && at > started.from) intervals.push({ component, ...started, to: at });
      open.delete(component);
    };
    for (const p of ordered) {
      const at = p.publishedAt.getTime();
      for (const c of p.components) {
        close(c.id, at);
        open.set(c.id, { state: c.state, from: at });
      }
      if (p.status === 'resolved') for (const component of [...open.keys()]) close(component, at);
    }
    for (const component of [...open.keys()]) close(component, now.getTime());
  }
  return intervals;
}

export interface HistoryDay {
  /** `YYYY-MM-DD`, UTC. */
  date: string;
  state: ComponentState;
}

/** The last `days` UTC days up to and including today, oldest first, each with the component's worst state. */
export function componentHistory(intervals: readonly Interval[], component: string, now: Date, days = HISTORY_DAYS): HistoryDay[] {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const mine = intervals.filter((i) => i.component === component);
  return Array.from({ length: days }, (_, k) => {
    const start = today - (days - 1 - k) * DAY_MS;
    const end = start + DAY_MS;
    const states = mine.filter((i) => i.from < end && i.to > start).map((i) => i.state);
    return { date: new Date(start).toISOString().slice(0, 10), state: worstState(states) };
  });
}
