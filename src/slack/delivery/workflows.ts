// Workflow effects in Slack: matching and running a timeline event's workflows, and a workflow's post.
import type { WebClient } from '@slack/web-api';
import { parseTemplate, renderMrkdwn } from '../../automation/templates.js';
import { matchWorkflows, plainValues } from '../../workflow/workflow-runs.js';
import { servicesOf } from '../../workflow/workflow-facts.js';
import { channelLink, mention } from '../blocks/text.js';
import { channelOf, DONE, loadIncident, Undeliverable, type Handler } from './context.js';
import { postOnce } from './post-once.js';

/** A Slack user group's members (invite: { user_group }). */
export async function userGroupMembers(client: WebClient, usergroup: string): Promise<string[]> {
  const answer = (await client.apiCall('usergroups.users.list', { usergroup })) as { users?: string[] };
  return answer.users ?? [];
}

export const runMatchedWorkflows: Handler<'workflow.match'> = async (ctx, { incidentId, eventId }) => {
  const ran = await matchWorkflows(
    { db: ctx.db, config: ctx.config, userGroupMembers: (id) => userGroupMembers(ctx.client, id) },
    { incidentId, eventId },
  );
  if (ran) ctx.logger.info({ incidentId, eventId, ran }, 'workflows ran');
  return DONE;
};

export const postWorkflowMessage: Handler<'workflow.post'> = async (ctx, payload, row) => {
  const incident = await loadIncident(ctx, payload.incidentId);
  const parsed = parseTemplate(payload.template);
  if (!parsed.ok) throw new Undeliverable(parsed.error);
  const values = plainValues(ctx.config, incident, await servicesOf(ctx.db, incident.id), payload.workflowId);
  const markup = {
    ...(incident.leadId ? { lead: mention(incident.leadId) } : {}),
    ...(incident.channelId ? { 'incident.channel': channelLink(incident.channelId) } : {}),
  };
  const text = renderMrkdwn(parsed.template, values, markup);
  const channel = payload.user ?? payload.channel ?? channelOf(incident);
  await postOnce(ctx, row, { channel, text, unfurl_links: false });
  return DONE;
};
