// The alerts that opened or joined no incident (silenced, dropped, waiting for open_after): stored with
// their decision but on no incident's list, so `/incident alerts` outside an incident shows them here.
import { alias } from 'drizzle-orm/pg-core';
import { and, desc, eq, gt, gte, inArray, isNotNull, isNull, not, notExists, sql, type AnyColumn } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { alertEvents, incidents, silences } from '../db/schema.js';
import { visibleTo, type Viewer } from '../incidents/access.js';

export type OutsideOutcome = 'silenced' | 'dropped' | 'waiting';
const OUTSIDE: OutsideOutcome[] = ['silenced', 'dropped', 'waiting'];

export interface OutsideAlert {
  integrationId: string;
  fingerprint: string;
  title: string;
  /** Its latest decision of the period that put it in no incident, with that decision's reason. */
  outcome: OutsideOutcome;
  reason: string;
  /** "#12" or a config window's id, for 'silenced'. */
  silence: string | null;
  receivedAt: Date;
  status: 'firing' | 'resolved';
  /** How many of its events of the period were decided so. */
  events: number;
}

export interface OutsideAlerts {
  alerts: OutsideAlert[];
  /** How many such alerts there are in all (`alerts` holds the most recent `limit`). */
  total: number;
  /** The stored silences the alerts name, by reference, with what they say. */
  silences: Map<string, { comment: string; createdBy: string; endsAt: Date }>;
}

const later = alias(alertEvents, 'later_event');
const tied = alias(alertEvents, 'tied_event');
const sameAlert = (other: { integrationId: AnyColumn; fingerprint: AnyColumn }) =>
  and(eq(other.integrationId, alertEvents.integrationId), eq(other.fingerprint, alertEvents.fingerprint));

/**
 * Each alert whose latest word since `since` left it outside any incident, most recent first. An alert
 * that later opened or joined an incident is on that incident's list instead; one with any event of the
 * period in an incident the viewer may not see is left out altogether, so a private incident's alerts
 * never show to an outsider.
 */
export async function alertsOutsideIncidents(tx: Tx, viewer: Viewer, since: Date, limit: number): Promise<OutsideAlerts> {
  const rows = await tx
    .selectDistinctOn([alertEvents.integrationId, alertEvents.fingerprint], {
      id: alertEvents.id,
      integrationId: alertEvents.integrationId,
      fingerprint: alertEvents.fingerprint,
      title: alertEvents.title,
      outcome: alertEvents.outcome,
      reason: alertEvents.reason,
      silence: alertEvents.silence,
      receivedAt: alertEvents.receivedAt,
      status: alertEvents.status,
      events: sql<number>`count(*) over (partition by ${alertEvents.integrationId}, ${alertEvents.fingerprint})::int`,
    })
    .from(alertEvents)
    .where(
      and(
        gte(alertEvents.receivedAt, since),
        inArray(alertEvents.outcome, OUTSIDE),
        isNull(alertEvents.incidentId),
        notExists(
          tx
            .select({ one: sql`1` })
            .from(later)
            .where(and(sameAlert(later), gt(later.id, alertEvents.id), isNotNull(later.incidentId))),
        ),
        notExists(
          tx
            .select({ one: sql`1` })
            .from(tied)
            .innerJoin(incidents, eq(incidents.id, tied.incidentId))
            .where(and(sameAlert(tied), gte(tied.receivedAt, since), not(visibleTo(viewer)))),
        ),
      ),
    )
    .orderBy(alertEvents.integrationId, alertEvents.fingerprint, desc(alertEvents.id));
  const recent = rows.sort((a, b) => b.id - a.id).slice(0, limit);
  const ids = [...new Set(recent.flatMap((r) => (r.silence && /^#\d+$/.test(r.silence) ? [Number(r.silence.slice(1))] : [])))];
  const named = ids.length
    ? await tx
        .select({ id: silences.id, comment: silences.comment, createdBy: silences.createdBy, endsAt: silences.endsAt })
        .from(silences)
        .where(inArray(silences.id, ids))
    : [];
  return {
    alerts: recent.map(({ id: _id, ...r }) => ({ ...r, outcome: r.outcome as OutsideOutcome, events: Number(r.events) })),
    total: rows.length,
    silences: new Map(named.map((s) => [`#${s.id}`, { comment: s.comment, createdBy: s.createdBy, endsAt: s.endsAt }])),
  };
}
