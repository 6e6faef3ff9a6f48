// Which hand-offs are due: pure, so the hand-off posts, and whatever else should happen at a hand-off
// (a user group to update, an App Home to refresh), read the same answer.
import { nextHandoffs, onCallAt, type ScheduleDef } from './schedule.js';

/**
 * How far back a tick looks for hand-offs. A tick finds the hand-offs since then that nobody has claimed,
 * so one missed by a slow or skipped tick (or a short restart) still goes out, while after a longer
 * outage, or on the very first start, the old ones are let go: a hand-off post from hours ago would say
 * who was on call, not who is.
 */
export const HANDOFF_LOOKBACK_MS = 10 * 60_000;

export interface DueHandoff {
  scheduleId: string;
  at: Date;
  /** Who was on call until `at` (null: nobody). */
  from: string | null;
  /** Who is on call from `at` (null: nobody). */
  to: string | null;
  /** The next hand-off after this one; null when the schedule changes hands no more. */
  until: Date | null;
}

/** Hand-offs are read in batches; a schedule of very short shifts may have many in the look-back. */
const BATCH = 16;

/** Every hand-off of `schedules` in (now − lookbackMs, now], oldest first within each schedule. */
export function handoffsDue(schedules: readonly ScheduleDef[], now: Date, lookbackMs = HANDOFF_LOOKBACK_MS): DueHandoff[] {
  const due: DueHandoff[] = [];
  for (const def of schedules) {
    let since = new Date(now.getTime() - lookbackMs);
    let from = onCallAt(def, since);
    for (;;) {
      // One more than is taken, so the last one taken knows when it ends.
      const batch = nextHandoffs(def, since, BATCH + 1);
      let taken = 0;
      for (const h of batch.slice(0, BATCH)) {
        if (h.at.getTime() > now.getTime()) break;
        due.push({ scheduleId: def.id, at: h.at, from, to: h.user, until: batch[taken + 1]?.at ?? null });
        from = h.user;
        since = h.at;
        taken++;
      }
      if (taken < BATCH || batch.length <= BATCH) break;
    }
  }
  return due;
}
