// Heartbeats (dead-man's switches) as plain data: when one is missed, and the alert that says so.
import type { Config } from '../config/load.js';
import { formatDuration } from '../config/duration.js';
import { heartbeatIntegrationId } from '../config/sources.js';
import type { Integration } from './ingest.js';
import type { NormalizedBatch } from './payloads.js';

export type Heartbeat = Config['heartbeats'][number];

/** Seen last: the last beat, or, never beaten, when Firewatch first knew of it. */
export function lastSeen(state: { lastBeatAt: Date | null; firstSeenAt: Date }): Date {
  return state.lastBeatAt ?? state.firstSeenAt;
}

/** Missed once more than interval + grace has passed since it was last seen. */
export function isMissed(heartbeat: Heartbeat, state: { lastBeatAt: Date | null; firstSeenAt: Date }, now: Date): boolean {
  return now.getTime() - lastSeen(state).getTime() > heartbeat.interval + heartbeat.grace;
}

/**
 * What ingestAlerts routes a heartbeat's alert by: its severity and page; auto_resolve, because the beat
 * that resolves the alert is the all-clear itself.
 */
export function heartbeatIntegration(heartbeat: Heartbeat): Integration {
  return {
    id: heartbeatIntegrationId(heartbeat.id),
    type: 'generic',
    ...(heartbeat.severity ? { severity: heartbeat.severity } : {}),
    ...(heartbeat.page ? { page: heartbeat.page } : {}),
    severity_map: {},
    auto_resolve: true,
    rate_limit: 600,
  };
}

const labelsOf = (heartbeat: Heartbeat) => ({ alertname: 'HeartbeatMissed', heartbeat: heartbeat.id });

/** A heartbeat's one alert: one group and one fingerprint per heartbeat, so repeats de-duplicate. */
function heartbeatBatch(
  heartbeat: Heartbeat,
  alert: Pick<NormalizedBatch['alerts'][number], 'status' | 'title' | 'annotations' | 'startsAt' | 'endsAt'>,
): NormalizedBatch {
  return {
    groupKey: heartbeat.id,
    title: alert.title,
    sourceSeverity: null,
    truncatedAlerts: 0,
    alerts: [{ ...alert, fingerprint: heartbeat.id, labels: labelsOf(heartbeat), link: null, sourceSeverity: null }],
  };
}

/** The firing alert of a missed heartbeat. */
export function missedBatch(heartbeat: Heartbeat, state: { lastBeatAt: Date | null; firstSeenAt: Date }): NormalizedBatch {
  const seen = state.lastBeatAt ? `last seen ${state.lastBeatAt.toISOString()}` : `never seen since ${state.firstSeenAt.toISOString()}`;
  return heartbeatBatch(heartbeat, {
    status: 'firing',
    title: `Heartbeat ${heartbeat.id} missed (${seen})`,
    annotations: {
      summary: `No heartbeat from ${heartbeat.id} within its interval of ${formatDuration(heartbeat.interval)} and grace of ${formatDuration(heartbeat.grace)}`,
    },
    startsAt: new Date(lastSeen(state).getTime() + heartbeat.interval + heartbeat.grace).toISOString(),
    endsAt: null,
  });
}

/** The resolved alert a beat after a miss sends. */
export function beatBatch(heartbeat: Heartbeat, at: Date): NormalizedBatch {
  return heartbeatBatch(heartbeat, {
    status: 'resolved',
    title: `Heartbeat ${heartbeat.id} beat again`,
    annotations: {},
    startsAt: null,
    endsAt: at.toISOString(),
  });
}
