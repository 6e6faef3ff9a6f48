import { createHash } from 'node:crypto';
import { z } from 'zod';

// Schemas follow the senders' published payloads:
// - Alertmanager webhook_config (version "4"): https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
// - Grafana webhook contact point: https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/
// - PagerDuty Events API v2: https://developer.pagerduty.com/docs/events-api-v2/trigger-events/
// Objects are loose so that fields added by newer senders never turn into 400s.

const alertStatus = z.enum(['firing', 'resolved']);

// Go serialises a nil map as null, and older senders leave some maps out entirely.
const stringMap = z
  .record(z.string(), z.string())
  .nullish()
  .transform((map) => map ?? {});

// Alertmanager and Grafana emit Go RFC 3339 with nanoseconds and a numeric offset.
const rfc3339 = z.iso.datetime({ offset: true, message: 'expected an RFC 3339 timestamp such as 2024-05-01T12:00:00Z' });

const alertmanagerAlertSchema = z.looseObject({
  status: alertStatus,
  labels: z.record(z.string(), z.string()),
  annotations: stringMap,
  startsAt: rfc3339.optional(),
  endsAt: rfc3339.optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
  silenceURL: z.string().optional(),
  dashboardURL: z.string().optional(),
  panelURL: z.string().optional(),
  values: z.record(z.string(), z.number().nullable()).nullish(),
  valueString: z.string().optional(),
});

export const alertmanagerPayloadSchema = z.looseObject({
  // Alertmanager sends "4", Grafana "1", and some older Grafana releases nothing at all.
  version: z.string().optional(),
  groupKey: z.string(),
  // Older Alertmanager releases leave it out; they had no max_alerts, so nothing was cut.
  truncatedAlerts: z.number().int().nonnegative().default(0),
  status: alertStatus,
  receiver: z.string(),
  groupLabels: stringMap,
  commonLabels: stringMap,
  commonAnnotations: stringMap,
  externalURL: z.string().optional(),
  alerts: z.array(alertmanagerAlertSchema),
  orgId: z.number().int().optional(),
  title: z.string().optional(),
  // Grafana's legacy state vocabulary ("alerting", "ok", …), not firing|resolved.
  state: z.string().optional(),
  message: z.string().optional(),
});

export type AlertmanagerPayload = z.infer<typeof alertmanagerPayloadSchema>;
type AlertmanagerAlert = AlertmanagerPayload['alerts'][number];

function requiredFor(actions: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? `required when event_action is ${actions}` : undefined);
}

const pagerDutyTriggerPayloadSchema = z.looseObject(
  {
    summary: z.string().min(1).max(1024),
    source: z.string().min(1),
    severity: z.enum(['critical', 'error', 'warning', 'info']),
    // Not z.iso.datetime: PagerDuty's own example uses "+0000", which RFC 3339 forbids.
    timestamp: z
      .string()
      .refine((text) => !Number.isNaN(Date.parse(text)), { message: 'expected an ISO 8601 timestamp' })
      .optional(),
    component: z.string().optional(),
    group: z.string().optional(),
    class: z.string().optional(),
    custom_details: z.record(z.string(), z.unknown()).optional(),
  },
  { error: requiredFor('"trigger"') },
);

const pagerDutyCommon = {
  routing_key: z.string().min(1),
  images: z.array(z.looseObject({ src: z.string().min(1), href: z.string().optional(), alt: z.string().optional() })).optional(),
  links: z.array(z.looseObject({ href: z.string().min(1), text: z.string().optional() })).optional(),
  client: z.string().optional(),
  client_url: z.string().optional(),
};

// The action-dependent rules live in the union's branches rather than in a
// superRefine, so PagerDutyEvent itself says a trigger has a payload and an
// acknowledge/resolve has a dedup_key; each rule still reports its own field path.
export const pagerDutyEventSchema = z.discriminatedUnion('event_action', [
  z.looseObject({
    ...pagerDutyCommon,
    event_action: z.literal('trigger'),
    // Optional on trigger: PagerDuty mints one when it is left out.
    dedup_key: z.string().min(1).max(255).optional(),
    payload: pagerDutyTriggerPayloadSchema,
  }),
  z.looseObject({
    ...pagerDutyCommon,
    event_action: z.enum(['acknowledge', 'resolve']),
    dedup_key: z
      .string({ error: requiredFor('"acknowledge" or "resolve"') })
      .min(1)
      .max(255),
  }),
]);

export type PagerDutyEvent = z.infer<typeof pagerDutyEventSchema>;

/** What Firewatch needs from any source, normalized. */
export interface NormalizedAlert {
  fingerprint: string;
  status: 'firing' | 'resolved';
  title: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string | null;
  endsAt: string | null;
  link: string | null;
  sourceSeverity: string | null;
}

export interface NormalizedBatch {
  groupKey: string;
  title: string;
  sourceSeverity: string | null;
  alerts: NormalizedAlert[];
  truncatedAlerts: number;
}

export type NormalizedPagerDuty =
  | {
      action: 'trigger';
      dedupKey: string;
      alert: NormalizedAlert;
      title: string;
      sourceSeverity: string;
      details: Record<string, unknown>;
      links: Array<{ href: string; text: string | null }>;
    }
  | { action: 'acknowledge' | 'resolve'; dedupKey: string };

const TITLE_MAX = 200;
const ANNOTATION_MAX = 1000;
const TITLE_LABEL_LIMIT = 5;
const FALLBACK_TITLE = 'Alert';
// Alertmanager writes an unset endsAt as Go's zero time.
const GO_ZERO_TIME_MS = Date.parse('0001-01-01T00:00:00Z');

// Code-unit order, so titles and fingerprints never depend on the host's locale.
function byKey([a]: [string, string], [b]: [string, string]): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Cuts to at most `max` UTF-16 units without splitting a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max - 1) break;
    out += char;
  }
  return `${out}…`;
}

function nonEmpty(text: string | undefined): string | null {
  return text !== undefined && oneLine(text) !== '' ? text : null;
}

function labelTitle(labels: Record<string, string>): string | null {
  const name = nonEmpty(labels.alertname);
  if (name === null) return null;
  const shown = Object.entries(labels)
    .filter(([key]) => key !== 'alertname' && key !== 'severity')
    .sort(byKey);
  if (shown.length === 0) return name;
  const parts = shown.slice(0, TITLE_LABEL_LIMIT).map(([key, value]) => `${key}=${value}`);
  if (shown.length > TITLE_LABEL_LIMIT) parts.push('…');
  return `${name} (${parts.join(', ')})`;
}

export function title(...candidates: Array<string | null | undefined>): string {
  for (const candidate of candidates) {
    const line = oneLine(candidate ?? '');
    if (line !== '') return cut(line, TITLE_MAX);
  }
  return FALLBACK_TITLE;
}

function severityOf(labels: Record<string, string>): string | null {
  const severity = labels.severity?.trim().toLowerCase();
  return severity ? severity : null;
}

function timestamp(text: string | undefined): string | null {
  if (text === undefined) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) || ms <= GO_ZERO_TIME_MS ? null : new Date(ms).toISOString();
}

/** Some Grafana releases leave fingerprint out; a label hash keeps the same alert on the same key. */
function labelFingerprint(labels: Record<string, string>): string {
  const canonical = JSON.stringify(Object.entries(labels).sort(byKey));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

function normalizeAlertmanagerAlert(alert: AlertmanagerAlert): NormalizedAlert {
  return {
    fingerprint: nonEmpty(alert.fingerprint) ?? labelFingerprint(alert.labels),
    status: alert.status,
    title: title(alert.annotations.summary, labelTitle(alert.labels)),
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt: timestamp(alert.startsAt),
    endsAt: timestamp(alert.endsAt),
    // Grafana sends "" for the dashboard fields of rules not tied to a panel.
    link: nonEmpty(alert.generatorURL) ?? nonEmpty(alert.panelURL) ?? nonEmpty(alert.dashboardURL),
    sourceSeverity: severityOf(alert.labels),
  };
}

export function normalizeAlertmanager(payload: AlertmanagerPayload): NormalizedBatch {
  return {
    groupKey: payload.groupKey,
    title: title(payload.commonAnnotations.summary, payload.title, labelTitle(payload.commonLabels)),
    sourceSeverity: severityOf(payload.commonLabels),
    alerts: payload.alerts.map(normalizeAlertmanagerAlert),
    truncatedAlerts: payload.truncatedAlerts,
  };
}

export function detailText(value: unknown): string {
  const text =
    typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  return cut(text, ANNOTATION_MAX);
}

export function normalizePagerDuty(event: PagerDutyEvent, newDedupKey: () => string): NormalizedPagerDuty {
  if (event.event_action !== 'trigger') return { action: event.event_action, dedupKey: event.dedup_key };

  const { payload } = event;
  const dedup = event.dedup_key ?? newDedupKey();
  const labels: Record<string, string> = { source: payload.source };
  if (payload.component !== undefined) labels.component = payload.component;
  if (payload.group !== undefined) labels.group = payload.group;
  if (payload.class !== undefined) labels.class = payload.class;
  const details = payload.custom_details ?? {};
  const links = (event.links ?? []).map((link) => ({ href: link.href, text: link.text ?? null }));
  const alert: NormalizedAlert = {
    fingerprint: dedup,
    status: 'firing',
    title: title(payload.summary),
    labels,
    annotations: Object.fromEntries(Object.entries(details).map(([key, value]) => [key, detailText(value)])),
    startsAt: timestamp(payload.timestamp),
    endsAt: null,
    link: links[0]?.href ?? nonEmpty(event.client_url),
    sourceSeverity: payload.severity,
  };
  return { action: 'trigger', dedupKey: dedup, alert, title: alert.title, sourceSeverity: payload.severity, details, links };
}

function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

/** Zod issues as "field.path: message" lines, for 400 answers. */
export function issuePaths(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${formatPath(issue.path) || '(top level)'}: ${issue.message}`);
}
