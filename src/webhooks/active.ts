// The running webhooks, registered by the composition root at start-up. Timeline events are recorded from
// dozens of places that carry no config; they reach the webhooks through this one reference instead. The
// config object is updated in place on reload, so a registered config stays current.
import type { WebhookConfig } from '../config/webhooks.js';

export interface ActiveWebhooks {
  config: { webhooks: WebhookConfig[] };
  /** PUBLIC_URL, for the console link of each incident. */
  publicUrl: string;
}

let active: ActiveWebhooks | undefined;

export function useWebhooks(next: ActiveWebhooks | undefined): void {
  active = next;
}

export function activeWebhooks(): ActiveWebhooks | undefined {
  return active;
}
