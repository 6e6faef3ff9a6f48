// A workflow's `if:`: every condition given must hold of the incident as it is when the run is decided.

export interface Conditions {
  severity?: string[] | { at_least: string };
  type?: string[];
  service?: string[];
  tier?: { at_most?: number; at_least?: number };
  private?: boolean;
  source?: string[];
  status?: string[];
}

/** What the conditions read of an incident. */
export interface IncidentFacts {
  severity: string;
  type: string | null;
  /** The ids of its affected services. */
  services: readonly string[];
  /** The tiers of those services (1 most critical). */
  tiers: readonly number[];
  private: boolean;
  /** `slack`, `api`, `console`, `button`, or the id of the integration whose alert opened it. */
  source: string;
  status: string;
}

/** Sources that are a person declaring; any other source is an integration, which `source: [alert]` matches. */
export const PERSON_SOURCES: readonly string[] = ['slack', 'api', 'console', 'button'];

/** `severityOrder`: the configured severities, most severe first. */
export function conditionsHold(conditions: Conditions | undefined, facts: IncidentFacts, severityOrder: readonly string[]): boolean {
  if (!conditions) return true;
  const { severity, type, service, tier, source, status } = conditions;
  if (severity !== undefined) {
    if (Array.isArray(severity)) {
      if (!severity.includes(facts.severity)) return false;
    } else {
      const rank = severityOrder.indexOf(facts.severity);
      const bound = severityOrder.indexOf(severity.at_least);
      if (rank < 0 || bound < 0 || rank > bound) return false;
    }
  }
  if (type !== undefined && (facts.type === null || !type.includes(facts.type))) return false;
  if (service !== undefined && !facts.services.some((s) => service.includes(s))) return false;
  if (tier !== undefined) {
    // The incident is as critical as its most critical service.
    if (facts.tiers.length === 0) return false;
    const top = Math.min(...facts.tiers);
    if (tier.at_most !== undefined && top > tier.at_most) return false;
    if (tier.at_least !== undefined && top < tier.at_least) return false;
  }
  if (conditions.private !== undefined && facts.private !== conditions.private) return false;
  if (source !== undefined) {
    const fromAlert = !PERSON_SOURCES.includes(facts.source);
    if (!source.includes(facts.source) && !(fromAlert && source.includes('alert'))) return false;
  }
  if (status !== undefined && !status.includes(facts.status)) return false;
  return true;
}

/** A short summary for `/incident workflows` and the plan: `severity ≥ sev2, private: false`. */
export function describeConditions(conditions: Conditions | undefined): string {
  if (!conditions) return 'always';
  const parts: string[] = [];
  const list = (values: string[]) => values.join('|');
  if (conditions.severity !== undefined)
    parts.push(Array.isArray(conditions.severity) ? `severity ${list(conditions.severity)}` : `severity ≥ ${conditions.severity.at_least}`);
  if (conditions.type) parts.push(`type ${list(conditions.type)}`);
  if (conditions.service) parts.push(`service ${list(conditions.service)}`);
  if (conditions.tier?.at_most !== undefined) parts.push(`tier ≤ ${conditions.tier.at_most}`);
  if (conditions.tier?.at_least !== undefined) parts.push(`tier ≥ ${conditions.tier.at_least}`);
  if (conditions.private !== undefined) parts.push(conditions.private ? 'private' : 'not private');
  if (conditions.source) parts.push(`source ${list(conditions.source)}`);
  if (conditions.status) parts.push(`status ${list(conditions.status)}`);
  return parts.length ? parts.join(', ') : 'always';
}
