// Outbound webhooks (issue 18): where incident and paging events are sent, signed as Standard Webhooks.
import { z } from 'zod';

/** The event types a webhook may subscribe to; `workflow.triggered` is sent only by a workflow's action. */
export const WEBHOOK_EVENTS = [
  'incident.declared',
  'incident.updated',
  'incident.status_changed',
  'incident.resolved',
  'incident.closed',
  'page.triggered',
  'page.acknowledged',
  'page.exhausted',
  'followup.created',
  'followup.done',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

const webhook = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'expected an id of lowercase letters, digits, "-" and "_" (e.g. pagerduty-bridge)'),
  url: z.url({ protocol: /^https?$/, message: 'expected an http:// or https:// URL' }),
  /** `whsec_<base64>` (the Standard Webhooks form) is the decoded bytes; any other string is its own bytes. */
  secret: z.string().min(1, 'expected the signing secret, e.g. "whsec_…" or a long random string'),
  events: z.array(z.enum(WEBHOOK_EVENTS, { message: `expected one of ${WEBHOOK_EVENTS.join(', ')}` })).default([]),
  include_private: z.boolean().default(false),
  /** How long one attempt may take before it counts as a timeout and is retried. */
  timeout_ms: z.number().int().min(1).max(60_000).default(10_000),
});
export type WebhookConfig = z.output<typeof webhook>;

export const webhookKeys = {
  webhooks: z.array(webhook).default([]),
};

export function checkWebhooks(cfg: { webhooks: WebhookConfig[] }, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  cfg.webhooks.forEach((w, i) => {
    if (seen.has(w.id)) ctx.addIssue({ code: 'custom', path: ['webhooks', i, 'id'], message: `duplicate id "${w.id}"` });
    seen.add(w.id);
  });
}
