// Which silence, if any, holds an alert: the one rule the live pipeline, the 7-day preview of a new
// silence and replay all use, so they can never disagree.
import { matchesAll, type Labels, type Matcher } from './matchers.js';

export interface SilenceRule {
  id: number;
  matchers: readonly Matcher[];
  startsAt: Date;
  endsAt: Date;
  /** Also stop the pages of an open incident whose alerts it matches (PagerDuty does not, by default). */
  stopPages: boolean;
}

/** A silence holds from its start up to, not including, its end. */
export const isActive = (s: SilenceRule, at: Date): boolean => s.startsAt.getTime() <= at.getTime() && at.getTime() < s.endsAt.getTime();

/**
 * The silence that holds alerts with these labels at `at`: of those active and matching, the one that
 * started first (then the lowest id), so the answer does not depend on the order silences are listed in.
 */
export function silenceFor<S extends SilenceRule>(labels: Labels, at: Date, silences: readonly S[]): S | undefined {
  let best: S | undefined;
  for (const s of silences) {
    if (!isActive(s, at) || !matchesAll(s.matchers, labels)) continue;
    if (!best || s.startsAt < best.startsAt || (s.startsAt.getTime() === best.startsAt.getTime() && s.id < best.id)) best = s;
  }
  return best;
}
