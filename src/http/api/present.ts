import type { Incident, TimelineEvent } from '../../db/schema.js';
import { incidentKey } from '../../incidents/queries.js';
import type { IncidentJson, IncidentSummaryJson, TimelineEventJson } from './schemas.js';

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

/** Slack's documented redirect that opens a channel in the app or the browser, whatever the workspace's domain. */
export const slackChannelUrl = (channelId: string): string => `https://slack.com/app_redirect?channel=${encodeURIComponent(channelId)}`;

export function incidentSummaryJson(incident: Incident): IncidentSummaryJson {
  return {
    id: incidentKey(incident.id),
    number: incident.id,
    title: incident.title,
    description: incident.description,
    impact: incident.impact,
    status: incident.status,
    severity: incident.severity,
    type: incident.type,
    private: incident.isPrivate,
    drill: incident.drill,
    source: incident.source,
    lead: incident.leadId,
    declared_by: incident.declaredBy,
    channel: incident.channelId ? { id: incident.channelId, name: incident.channelName, url: slackChannelUrl(incident.channelId) } : null,
    created_at: incident.createdAt.toISOString(),
    acknowledged_at: iso(incident.acknowledgedAt),
    mitigated_at: iso(incident.mitigatedAt),
    resolved_at: iso(incident.resolvedAt),
    closed_at: iso(incident.closedAt),
    updated_at: incident.updatedAt.toISOString(),
    next_update_due_at: iso(incident.nextUpdateDueAt),
  };
}

/** The incident with its roles: the lead first, then each configured role held. */
export function incidentJson(incident: Incident, roles: ReadonlyArray<{ role: string; userId: string }>): IncidentJson {
  const held = roles.map((r) => ({ role: r.role, user: r.userId }));
  return { ...incidentSummaryJson(incident), roles: incident.leadId ? [{ role: 'lead', user: incident.leadId }, ...held] : held };
}

export function eventJson(event: TimelineEvent): TimelineEventJson {
  return { id: event.id, kind: event.kind, actor: event.actor, occurred_at: event.occurredAt.toISOString(), data: event.data };
}
