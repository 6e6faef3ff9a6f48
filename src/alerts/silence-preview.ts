// What a new silence would have silenced: the alerts received over the last days whose labels it matches,
// grouped by title, so the person sees what they are about to quiet before they do it.
import { eq, gte, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { alertEvents, incidents } from '../db/schema.js';
import { visibleTo, type Viewer } from '../incidents/access.js';
import { matchesAll, type Labels, type Matcher } from './matchers.js';

export const PREVIEW_DAYS = 7;
export const PREVIEW_LINES = 10;

export interface SeenAlert {
  fingerprint: string;
  title: string;
  labels: Labels;
  lastReceivedAt: Date;
}

export interface PreviewLine {
  title: string;
  /** Distinct alerts (fingerprints) under this title. */
  count: number;
  lastReceivedAt: Date;
}

export interface Preview {
  /** Distinct alerts matched. */
  total: number;
  /** The busiest titles first, at most `limit`. */
  lines: PreviewLine[];
  /** Titles left out past the limit. */
  moreTitles: number;
}

/** Groups the alerts the matchers hold for by title; the same alert seen in several groups counts once. */
export function previewOf(matchers: readonly Matcher[], seen: readonly SeenAlert[], limit = PREVIEW_LINES): Preview {
  const byTitle = new Map<string, { fingerprints: Set<string>; last: Date }>();
  const all = new Set<string>();
  for (const alert of seen) {
    if (!matchesAll(matchers, alert.labels)) continue;
    all.add(alert.fingerprint);
    const entry = byTitle.get(alert.title) ?? { fingerprints: new Set<string>(), last: alert.lastReceivedAt };
    entry.fingerprints.add(alert.fingerprint);
    if (alert.lastReceivedAt > entry.last) entry.last = alert.lastReceivedAt;
    byTitle.set(alert.title, entry);
  }
  const lines = [...byTitle.entries()]
    .map(([title, e]) => ({ title, count: e.fingerprints.size, lastReceivedAt: e.last }))
    .sort((a, b) => b.count - a.count || b.lastReceivedAt.getTime() - a.lastReceivedAt.getTime() || a.title.localeCompare(b.title));
  return { total: all.size, lines: lines.slice(0, limit), moreTitles: Math.max(0, lines.length - limit) };
}

/**
 * Every alert received since `since`, whatever became of it (waiting for open_after, silenced already,
 * dropped: the noise a silence is for), by its latest title and labels. A private incident's alerts stay
 * private: an alert any of whose events then went to an incident the viewer may not see is left out.
 */
export async function alertsSeenSince(tx: Tx, since: Date, viewer: Viewer): Promise<SeenAlert[]> {
  return tx
    .select({
      fingerprint: alertEvents.fingerprint,
      title: sql<string>`(array_agg(${alertEvents.title} order by ${alertEvents.id} desc))[1]`,
      labels: sql<Labels>`(array_agg(${alertEvents.labels} order by ${alertEvents.id} desc))[1]`.mapWith(alertEvents.labels),
      lastReceivedAt: sql<Date>`max(${alertEvents.receivedAt})`.mapWith(alertEvents.receivedAt),
    })
    .from(alertEvents)
    .leftJoin(incidents, eq(incidents.id, alertEvents.incidentId))
    .where(gte(alertEvents.receivedAt, since))
    .groupBy(alertEvents.integrationId, alertEvents.fingerprint)
    .having(sql`bool_and(${alertEvents.incidentId} is null or coalesce(${visibleTo(viewer)}, false))`);
}

/** The preview of a silence over the last PREVIEW_DAYS days, as the viewer may see it. */
export async function previewSilence(tx: Tx, matchers: readonly Matcher[], now: Date, viewer: Viewer): Promise<Preview> {
  const since = new Date(now.getTime() - PREVIEW_DAYS * 86_400_000);
  return previewOf(matchers, await alertsSeenSince(tx, since, viewer));
}
