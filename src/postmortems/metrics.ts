import { isStatus, lifecycleTimes } from '../incidents/lifecycle.js';

export interface MetricEvent {
  id: number;
  kind: string;
  actor: string | null;
  occurredAt: Date;
  data: Record<string, unknown>;
}

export interface IncidentMetrics {
  /** Lifecycle acknowledgement − creation. */
  timeToAcknowledgeMs: number | null;
  /** First mitigation (first move to monitoring, or the first resolve if that came sooner) − creation. */
  timeToMitigateMs: number | null;
  /** First move to resolved − creation: what customers saw first, even if it was reopened later. */
  timeToResolveMs: number | null;
  /** Last move to resolved − creation; null while reopened. */
  totalDurationMs: number | null;
  pages: number;
  escalations: number;
  /** Each acknowledged page: how long after it started, who acknowledged it and how (what woke them). */
  pageAcknowledgements: PageAcknowledgement[];
  /** Sorted, unique user ids of everyone who took part. */
  people: string[];
}

export interface PageAcknowledgement {
  policy: string;
  user: string;
  afterMs: number;
  /** The method that woke them; null when it was not recorded (acknowledged before methods were kept). */
  via: string | null;
}

/** Timeline order: by time, then by id, so events recorded in one transaction keep the order they were written in. */
export function byOccurrence(a: MetricEvent, b: MetricEvent): number {
  return a.occurredAt.getTime() - b.occurredAt.getTime() || a.id - b.id;
}

/** The user ids an event names as taking part (the paged, the acknowledger, the assignee, the lead). */
function namedUsers(event: MetricEvent): unknown[] {
  switch (event.kind) {
    case 'page_notified':
    case 'page_acknowledged':
    case 'role_assigned':
      return [event.data.user];
    case 'declared':
      return [event.data.lead];
    default:
      return [];
  }
}

function pageAcknowledgements(sorted: readonly MetricEvent[]): PageAcknowledgement[] {
  const started = new Map(sorted.filter((e) => e.kind === 'page_triggered').map((e) => [e.data.pageId, e]));
  return sorted.flatMap((e) => {
    const page = e.kind === 'page_acknowledged' ? started.get(e.data.pageId) : undefined;
    if (!page || typeof e.data.user !== 'string') return [];
    return [
      {
        policy: typeof page.data.policy === 'string' ? page.data.policy : '',
        user: e.data.user,
        afterMs: e.occurredAt.getTime() - page.occurredAt.getTime(),
        via: typeof e.data.via === 'string' ? e.data.via : null,
      },
    ];
  });
}

export function incidentMetrics(incident: { createdAt: Date; status: string }, events: readonly MetricEvent[]): IncidentMetrics {
  const sorted = [...events].sort(byOccurrence);
  // A status this code does not know claims no resolution, rather than failing a whole digest.
  const times = lifecycleTimes(sorted, isStatus(incident.status) ? incident.status : 'investigating');
  const since = (date: Date | null | undefined) => (date ? date.getTime() - incident.createdAt.getTime() : null);

  const firstResolve = sorted.find((e) => e.kind === 'status_changed' && e.data.to === 'resolved')?.occurredAt;
  // A resolve mitigates too: without this, resolving straight away and moving to monitoring after a
  // reopen would report mitigation after resolution.
  const mitigated = firstResolve && (!times.mitigatedAt || firstResolve < times.mitigatedAt) ? firstResolve : times.mitigatedAt;

  const people = new Set<string>();
  for (const event of sorted) {
    for (const user of [event.actor, ...namedUsers(event)]) if (typeof user === 'string' && user !== '') people.add(user);
  }

  return {
    timeToAcknowledgeMs: since(times.acknowledgedAt),
    timeToMitigateMs: since(mitigated),
    timeToResolveMs: since(firstResolve),
    totalDurationMs: since(times.resolvedAt),
    pages: sorted.filter((e) => e.kind === 'page_triggered').length,
    escalations: sorted.filter((e) => e.kind === 'page_escalated').length,
    pageAcknowledgements: pageAcknowledgements(sorted),
    people: [...people].sort(),
  };
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const pad = (n: number) => String(n).padStart(2, '0');

/** "45s", "12m", "1h 05m", "2d 3h 04m": rounded down, so a figure never claims more time than passed. */
export function formatDurationMs(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 0) return `-${formatDurationMs(-ms)}`;
  if (ms < MINUTE) return `${Math.floor(ms / SECOND)}s`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)}m`;
  const minutes = Math.floor((ms % HOUR) / MINUTE);
  const hours = Math.floor((ms % DAY) / HOUR);
  if (ms < DAY) return `${hours}h ${pad(minutes)}m`;
  return `${Math.floor(ms / DAY)}d ${hours}h ${pad(minutes)}m`;
}
