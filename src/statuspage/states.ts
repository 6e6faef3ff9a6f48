/**
 * The words of the public status page, as Atlassian Statuspage uses them (its public JSON carries them as
 * they are), and how the state of components rolls up into the page's one indicator. Pure.
 */
import { COMPONENT_STATES } from '../config/schema.js';
import type { Status } from '../incidents/status.js';

export { COMPONENT_STATES };
export type ComponentState = (typeof COMPONENT_STATES)[number];

export const isComponentState = (word: string): word is ComponentState => (COMPONENT_STATES as readonly string[]).includes(word);

/** The public status of an incident: Statuspage's four. */
export type PublicStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved';

/** What the public is told of an incident's status; anything that is over is resolved to them. */
export function publicStatusOf(status: Status): PublicStatus {
  switch (status) {
    case 'triage':
    case 'investigating':
      return 'investigating';
    case 'identified':
    case 'monitoring':
      return status;
    case 'resolved':
    case 'closed':
    case 'declined':
      return 'resolved';
  }
}

/** Worse states rank higher; maintenance is planned, so it ranks below any degradation. */
const RANK: Record<ComponentState, number> = {
  operational: 0,
  under_maintenance: 1,
  degraded_performance: 2,
  partial_outage: 3,
  major_outage: 4,
};

export function worstState(states: Iterable<ComponentState>): ComponentState {
  let worst: ComponentState = 'operational';
  for (const s of states) if (RANK[s] > RANK[worst]) worst = s;
  return worst;
}

export type Indicator = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';

const INDICATOR: Record<ComponentState, { indicator: Indicator; description: string }> = {
  operational: { indicator: 'none', description: 'All Systems Operational' },
  under_maintenance: { indicator: 'maintenance', description: 'Service Under Maintenance' },
  degraded_performance: { indicator: 'minor', description: 'Partially Degraded Service' },
  partial_outage: { indicator: 'major', description: 'Partial System Outage' },
  major_outage: { indicator: 'critical', description: 'Major System Outage' },
};

/** The page's `status`: the worst component's state, in Statuspage's indicator and words. */
export const pageIndicator = (states: Iterable<ComponentState>): { indicator: Indicator; description: string } =>
  INDICATOR[worstState(states)];

export type Impact = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';

/** An incident's impact: the worst state it ever gave a component. */
export function impactOf(states: Iterable<ComponentState>): Impact {
  const worst = worstState(states);
  return worst === 'operational' ? 'none' : INDICATOR[worst].indicator;
}

const LABEL: Record<ComponentState, string> = {
  operational: 'Operational',
  under_maintenance: 'Under maintenance',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};

export const stateLabel = (state: ComponentState): string => LABEL[state];
