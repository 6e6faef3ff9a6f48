import type { Config } from '../config/load.js';
import type { Tx } from '../db/client.js';
import { activeWebhooks } from '../webhooks/active.js';
import { enqueueWorkflowWebhook } from '../webhooks/enqueue.js';

/**
 * A workflow's `webhook` action: one `workflow.triggered` delivery, sent whatever events the webhook lists;
 * the reason when it is not sent (a private incident, a drill).
 */
export async function sendWorkflowWebhook(
  tx: Tx,
  config: Config,
  webhookId: string,
  incidentId: number,
  workflowId: string,
): Promise<string | undefined> {
  const active = activeWebhooks();
  if (!active) throw new Error('webhooks are not running: Firewatch registers them at start-up');
  return enqueueWorkflowWebhook(tx, config.webhooks, active.publicUrl, webhookId, incidentId, workflowId);
}
