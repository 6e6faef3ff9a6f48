// The short human reason of a decision: what an alert event stores and the channel's alert lines end with.
import { formatDuration } from '../config/duration.js';
import type { Decision, OpenAfter } from './decide.js';
import { describeGroup } from './grouping.js';
import { describeRouting, type AlertRoute, type Routing } from './route.js';

export interface ReasonInput {
  routing: Routing;
  routes: readonly AlertRoute[];
  groupKey: string;
  byLabels: boolean;
  decision: Decision;
  openAfter: OpenAfter | undefined;
  /** The silence's reference, for 'silenced'. */
  silence: string | undefined;
  /** INC-12, for outcomes tied to an incident. */
  incident: string | undefined;
}

function outcomeText(r: ReasonInput): string {
  const inc = r.incident ?? 'the incident';
  switch (r.decision.outcome) {
    case 'dropped':
      return 'dropped';
    case 'silenced':
      return `silenced by ${r.silence ?? 'a silence'}`;
    case 'opened': {
      const n = r.decision.firingInWindow ?? 1;
      return r.openAfter ? `opened ${inc} (${n} alerts in ${formatDuration(r.openAfter.within)})` : `opened ${inc}`;
    }
    case 'joined':
      return `joined ${inc}`;
    case 'waiting':
      return r.openAfter ? `waiting (${r.openAfter.count} alerts in ${formatDuration(r.openAfter.within)} open an incident)` : 'waiting';
    case 'resolved':
      return r.incident ? `resolved in ${inc}` : 'resolved';
    case 'duplicate':
      return r.incident ? `repeat, already in ${inc}` : 'repeat of the same state';
  }
}

/** e.g. `route 2 {team="db"} → sev1 · group alertname=DiskFull,cluster=eu · opened INC-12 (3 alerts in 5m)`. */
export function reasonOf(r: ReasonInput): string {
  const parts = [describeRouting(r.routing, r.routes)];
  if (r.decision.outcome !== 'dropped') parts.push(describeGroup(r.groupKey, r.byLabels));
  parts.push(outcomeText(r));
  return parts.join(' · ');
}
