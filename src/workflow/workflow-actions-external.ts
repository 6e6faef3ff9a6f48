// The actions whose domains are configured elsewhere (`checklists:`, `webhooks:`). They answer as failed
// until those domains are wired in here: the run records that and goes on with the rest.
import type { Config } from '../config/load.js';
import type { Db } from '../db/client.js';

export interface ExternalResult {
  ok: boolean;
  detail: string;
}

export async function runChecklistAction(_db: Db, _config: Config, _incidentId: number, checklistId: string): Promise<ExternalResult> {
  return { ok: false, detail: `checklists are not configured (checklist "${checklistId}")` };
}

export async function runWebhookAction(
  _db: Db,
  _config: Config,
  _incidentId: number,
  webhookId: string,
  _workflowId: string,
): Promise<ExternalResult> {
  return { ok: false, detail: `webhooks are not configured (webhook "${webhookId}")` };
}
