import { and, count, eq, inArray, min, sql } from 'drizzle-orm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from './db/client.js';
import { incidents, outbox, pages } from './db/schema.js';
import { ofRealIncident, realIncidents } from './incidents/drills.js';
import { OPEN_STATUSES } from './incidents/lifecycle.js';

/**
 * Prometheus metrics (GET /metrics). Counters and histograms count what this process did; gauges are read
 * from the database at scrape time, so every replica reports the same shared state.
 */
export function createMetrics(db: Db) {
  const registry = new Registry();
  // The process's own health: resident memory, heap, event-loop delay, GC, open handles.
  collectDefaultMetrics({ register: registry });
  const metrics = {
    registry,
    declares: new Counter({
      name: 'firewatch_declares_total',
      help: 'Incidents declared or opened, by source (slack, api, console, or an integration id)',
      labelNames: ['source'],
      registers: [registry],
    }),
    escalationLateness: new Histogram({
      name: 'firewatch_escalation_lateness_seconds',
      help: 'How late a due escalation fired after its due time',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 5, 10, 30],
      registers: [registry],
    }),
    slackCalls: new Counter({
      name: 'firewatch_slack_api_calls_total',
      help: 'Slack Web API calls by method and outcome (ok, a Slack error code, ratelimited, http_<status>, request_error)',
      labelNames: ['method', 'outcome'],
      registers: [registry],
    }),
    ackLatency: new Histogram({
      name: 'firewatch_slack_request_seconds',
      help: 'Time to answer (ack) a request from Slack, by kind',
      labelNames: ['kind'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 3],
      registers: [registry],
    }),
    appRateLimited: new Counter({
      name: 'firewatch_slack_app_rate_limited_total',
      help: 'app_rate_limited notices from Slack: each means Slack dropped events to this app for the rest of a minute',
      registers: [registry],
    }),
    alertsReceived: new Counter({
      name: 'firewatch_alerts_received_total',
      help: 'Alerts received, by integration',
      labelNames: ['integration'],
      registers: [registry],
    }),
    alertsDeduplicated: new Counter({
      name: 'firewatch_alerts_deduplicated_total',
      help: 'Alerts repeated in a state already recorded, by integration',
      labelNames: ['integration'],
      registers: [registry],
    }),
    alertsRejected: new Counter({
      name: 'firewatch_alerts_rejected_total',
      help: 'Webhook deliveries refused, by integration and reason',
      labelNames: ['integration', 'reason'],
      registers: [registry],
    }),
  };
  new Gauge({
    name: 'firewatch_incidents_open',
    help: 'Open incidents by severity and status (drills are not counted)',
    labelNames: ['severity', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db
        .select({ severity: incidents.severity, status: incidents.status, n: count() })
        .from(incidents)
        .where(and(realIncidents, inArray(incidents.status, [...OPEN_STATUSES])))
        .groupBy(incidents.severity, incidents.status);
      for (const row of rows) this.set({ severity: row.severity, status: row.status }, Number(row.n));
    },
  });
  new Gauge({
    name: 'firewatch_pages',
    help: 'Pages by state: triggered (escalating), acknowledged, resolved, exhausted (pages of drills are not counted)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const state of ['triggered', 'acknowledged', 'resolved', 'exhausted']) this.set({ state }, 0);
      // Test pages and drills wake nobody for a real incident: an alert on triggered pages must fire for neither.
      const rows = await db
        .select({ state: pages.state, n: count() })
        .from(pages)
        .where(ofRealIncident(pages.incidentId))
        .groupBy(pages.state);
      for (const row of rows) this.set({ state: row.state }, Number(row.n));
    },
  });
  new Gauge({
    name: 'firewatch_outbox_pending',
    help: 'Slack side effects waiting to be delivered',
    registers: [registry],
    async collect() {
      const [row] = await db.select({ n: count() }).from(outbox).where(eq(outbox.status, 'pending'));
      this.set(Number(row?.n ?? 0));
    },
  });
  new Gauge({
    name: 'firewatch_outbox_oldest_pending_seconds',
    help: 'Age of the oldest undelivered Slack side effect (0 when none)',
    registers: [registry],
    async collect() {
      const [row] = await db
        .select({ oldest: min(outbox.createdAt) })
        .from(outbox)
        .where(eq(outbox.status, 'pending'));
      this.set(row?.oldest ? Math.max(0, (Date.now() - new Date(row.oldest).getTime()) / 1000) : 0);
    },
  });
  new Gauge({
    name: 'firewatch_outbox_failed',
    help: 'Slack side effects that failed for good (see outbox.last_error)',
    registers: [registry],
    async collect() {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(outbox)
        .where(eq(outbox.status, 'failed'));
      this.set(Number(row?.n ?? 0));
    },
  });
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
