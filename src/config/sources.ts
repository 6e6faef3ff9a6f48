// The config of alert sources that are not a known sender's shape: generic JSON integrations and heartbeats.
import { z } from 'zod';
import { parsePointer, POINTER_HINT } from '../alerts/json-pointer.js';
import { duration, id } from './primitives.js';

const pointer = z.string({ message: `expected ${POINTER_HINT}` }).superRefine((text, ctx) => {
  const parsed = parsePointer(text);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `${parsed.message}; expected ${POINTER_HINT}` });
});

const required = (field: string, example: string) =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined ? `required: the JSON pointer of the alert's ${field}, such as ${example}` : `expected ${POINTER_HINT}`,
    })
    .pipe(pointer);

/** Where each field of a generic integration's alert is found in the payload. */
export const genericFields = z.strictObject({
  title: required('title', '/title'),
  /** Alerts with the same group value go to the same incident. */
  group: required('group', '/fingerprint'),
  status: required('status', '/status'),
  severity: pointer.optional(),
  labels: pointer.optional(),
  annotations: pointer.optional(),
  link: pointer.optional(),
  /** One alert of a group; the group value when unset (one alert a group). */
  fingerprint: pointer.optional(),
});

export type GenericFields = z.output<typeof genericFields>;

/** The status value, or values, that mean resolved; every other value is firing. */
export const resolvedWhen = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)], { message: 'expected a status value such as resolved, or a list of them' })
  .transform((value) => (typeof value === 'string' ? [value] : value));

interface Known {
  policies: Set<string>;
  severities: Set<string>;
  allowed: (set: Set<string>) => string;
}

/** Heartbeats name known severities and escalation policies. */
export function heartbeatRefinements(
  heartbeats: Array<{ severity?: string | undefined; page?: string | undefined }>,
  { policies, severities, allowed }: Known,
  ctx: z.RefinementCtx,
): void {
  heartbeats.forEach((hb, i) => {
    if (hb.severity && !severities.has(hb.severity))
      ctx.addIssue({
        code: 'custom',
        path: ['heartbeats', i, 'severity'],
        message: `unknown severity "${hb.severity}"; allowed: ${allowed(severities)}`,
      });
    if (hb.page && !policies.has(hb.page))
      ctx.addIssue({
        code: 'custom',
        path: ['heartbeats', i, 'page'],
        message: `unknown escalation policy "${hb.page}"; allowed: ${allowed(policies)}`,
      });
  });
}

/** One source of alerts: Alertmanager (and Grafana), PagerDuty's Events API, or any JSON mapped by `fields`. */
export const integration = z.strictObject({
  id,
  type: z.enum(['alertmanager', 'pagerduty', 'generic']),
  token: z.string().min(1).optional(),
  routing_key: z.string().min(1).optional(),
  /** type: generic: where each field of an alert is in the payload. */
  fields: genericFields.optional(),
  resolved_when: resolvedWhen.optional(),
  /** type: generic: the wrapper the payload comes in; `sns`: Amazon SNS's HTTP/HTTPS envelope, fields read from its Message. */
  envelope: z.enum(['sns']).optional(),
  severity: id.optional(),
  severity_map: z.record(z.string(), id).default({}),
  page: id.optional(),
  auto_resolve: z.boolean().default(false),
  rate_limit: z.number().int().positive().default(600),
});

/**
 * The integration id a heartbeat's alerts carry, which a route's `integration` may name: not a configured
 * integration's (the colon is outside an id), so never one a sender can post to.
 */
export const heartbeatIntegrationId = (id: string) => `heartbeat:${id}`;

/** A dead-man's switch: an alert opens when it is not beaten within interval + grace. */
export const heartbeat = z.strictObject({
  id,
  interval: duration,
  grace: duration,
  severity: id.optional(),
  page: id.optional(),
  token: z.string().min(16, 'expected a token of at least 16 characters (the sender sends it as Authorization: Bearer <token>)'),
});
