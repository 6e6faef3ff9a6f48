import { and, desc, eq, gte, inArray } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { Tx } from '../db/client.js';
import { incidents, timelineEvents } from '../db/schema.js';
import { realIncidents } from '../incidents/drills.js';
import { OPEN_STATUSES, RESOLVED_STATUSES } from '../incidents/lifecycle.js';
import { overdueFollowupCount } from '../incidents/followups.js';
import { affectedServices, serviceLabel } from '../incidents/services.js';

export interface DigestIncident {
  id: number;
  title: string;
  status: string;
  leadId: string | null;
  channelId: string | null;
  createdAt: string;
  lastUpdate: { at: string; firstLine: string } | null;
  /** The affected services as they read (name and tier); absent in digests stored before there were services. */
  services?: string[];
}

export interface DigestData {
  generatedAt: string;
  /** Resolved incidents are those resolved at or after this time (the previous digest). */
  since: string;
  open: Array<{ severity: string; label: string; incidents: DigestIncident[] }>;
  resolved: Array<{ id: number; title: string; severity: string; channelId: string | null; durationMs: number; services?: string[] }>;
  /** Open follow-ups past their due date, across every incident. */
  overdueFollowups?: number;
}

/**
 * The digest as plain data (dates as ISO strings, so it can be stored and re-rendered): open incidents
 * grouped by severity, most severe first, then those resolved since the previous digest. Private
 * incidents and drills are never included.
 */
export async function buildDigest(tx: Tx, config: Config, options: { now: Date; since: Date }): Promise<DigestData> {
  const open = await tx
    .select()
    .from(incidents)
    .where(and(eq(incidents.isPrivate, false), realIncidents, inArray(incidents.status, [...OPEN_STATUSES])))
    .orderBy(incidents.createdAt, incidents.id);
  const updates = open.length
    ? await tx
        .selectDistinctOn([timelineEvents.incidentId], {
          incidentId: timelineEvents.incidentId,
          at: timelineEvents.occurredAt,
          data: timelineEvents.data,
        })
        .from(timelineEvents)
        .where(
          and(
            eq(timelineEvents.kind, 'status_update'),
            inArray(
              timelineEvents.incidentId,
              open.map((i) => i.id),
            ),
          ),
        )
        .orderBy(timelineEvents.incidentId, desc(timelineEvents.occurredAt), desc(timelineEvents.id))
    : [];
  const lastUpdate = new Map(updates.map((u) => [u.incidentId, u]));
  const resolved = await tx
    .select()
    .from(incidents)
    .where(
      and(
        eq(incidents.isPrivate, false),
        realIncidents,
        inArray(incidents.status, [...RESOLVED_STATUSES]),
        gte(incidents.resolvedAt, options.since),
      ),
    )
    .orderBy(incidents.resolvedAt, incidents.id);

  // A severity removed from the config since still shows, after the configured ones.
  const groups = config.severities.map((s) => ({ severity: s.id, label: s.label }));
  for (const incident of open) {
    if (!groups.some((g) => g.severity === incident.severity)) groups.push({ severity: incident.severity, label: incident.severity });
  }
  const overdue = await overdueFollowupCount(tx, options.now);
  const affected = await affectedServices(
    tx,
    [...open, ...resolved].map((i) => i.id),
  );
  const servicesOf = (id: number) => (affected.get(id) ?? []).map((s) => serviceLabel(config, s.serviceId));
  return {
    overdueFollowups: overdue,
    generatedAt: options.now.toISOString(),
    since: options.since.toISOString(),
    open: groups
      .map((group) => ({
        severity: group.severity,
        label: group.label,
        incidents: open
          .filter((i) => i.severity === group.severity)
          .map((i) => {
            const update = lastUpdate.get(i.id);
            const message = typeof update?.data.message === 'string' ? update.data.message : '';
            return {
              id: i.id,
              title: i.title,
              status: i.status,
              leadId: i.leadId,
              channelId: i.channelId,
              createdAt: i.createdAt.toISOString(),
              services: servicesOf(i.id),
              lastUpdate: update
                ? {
                    at: update.at.toISOString(),
                    firstLine:
                      message
                        .split(/\r?\n/)
                        .map((l) => l.trim())
                        .find(Boolean) ?? '',
                  }
                : null,
            };
          }),
      }))
      .filter((g) => g.incidents.length > 0),
    resolved: resolved.map((i) => ({
      id: i.id,
      title: i.title,
      severity: i.severity,
      channelId: i.channelId,
      durationMs: (i.resolvedAt ?? options.now).getTime() - i.createdAt.getTime(),
      services: servicesOf(i.id),
    })),
  };
}

export function isQuiet(digest: DigestData): boolean {
  return digest.open.length === 0 && digest.resolved.length === 0;
}
