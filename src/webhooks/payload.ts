// The body every webhook delivery carries (Standard Webhooks: type, timestamp, data), described once.
import { z } from 'zod';

export const webhookIncidentSchema = z.object({
  /** `INC-<n>` */
  id: z.string().regex(/^INC-\d+$/),
  title: z.string(),
  severity: z.string(),
  type: z.string().nullable(),
  status: z.string(),
  private: z.boolean(),
  /** The incident's page in the console. */
  url: z.url(),
  /** The incident's Slack channel id, once it has one. */
  channel: z.string().nullable(),
});

export const webhookBodySchema = z.object({
  type: z.string(),
  timestamp: z.iso.datetime(),
  data: z
    .object({
      incident: webhookIncidentSchema,
      /** The timeline event's own fields (from/to/message, pageId/user, followupId/text …); absent for workflow.triggered. */
      event: z.record(z.string(), z.unknown()).optional(),
      /** The workflow that sent it, for workflow.triggered. */
      workflow: z.string().optional(),
    })
    .strict(),
});
export type WebhookBody = z.infer<typeof webhookBodySchema>;

export interface IncidentSnapshot {
  id: number;
  title: string;
  severity: string;
  type: string | null;
  status: string;
  isPrivate: boolean;
  channelId: string | null;
}

export function webhookIncident(incident: IncidentSnapshot, publicUrl: string): WebhookBody['data']['incident'] {
  return {
    id: `INC-${incident.id}`,
    title: incident.title,
    severity: incident.severity,
    type: incident.type,
    status: incident.status,
    private: incident.isPrivate,
    url: `${publicUrl}/incidents/INC-${incident.id}`,
    channel: incident.channelId,
  };
}

/** The body as sent: serialised once, when enqueued, so every retry signs the same bytes. */
export function webhookBody(type: string, at: Date, data: WebhookBody['data']): string {
  return JSON.stringify(webhookBodySchema.parse({ type, timestamp: at.toISOString(), data }));
}
