// Each workflow action through the domain call a person's command would make; each answers how it went.
import type { Config } from '../config/load.js';
import type { Workflow, WorkflowAction } from '../config/workflows.js';
import type { Db } from '../db/client.js';
import type { ActionResult, Incident } from '../db/schema.js';
import { addFollowup } from '../incidents/followups.js';
import { addMembers } from '../incidents/members.js';
import { workflowActor } from '../incidents/people.js';
import { rolesOf } from '../incidents/roles.js';
import { enqueue } from '../outbox/enqueue.js';
import type { Message, Outcome } from '../outcome.js';
import { pageFor } from '../paging/page-command.js';
import { renderPlain } from '../automation/templates.js';
import { assignRole } from './roles.js';
import { addChecklist } from './checklists.js';
import { sendWorkflowWebhook } from './webhooks.js';
import type { TemplateValues } from '../automation/templates.js';

export interface ActionDeps {
  db: Db;
  config: Config;
  /** The members of a Slack user group (invite: { user_group }); Slack is asked where this runs. */
  userGroupMembers(userGroupId: string): Promise<string[]>;
}

/** A message as plain words: people by user id, commands as typed. */
export const plainText = (message: Message): string =>
  message.map((part) => (typeof part === 'string' ? part : 'user' in part ? part.user : ['/incident', part.command].join(' '))).join('');

const fromOutcome = (action: string, outcome: Outcome): ActionResult => ({ action, ok: outcome.ok, detail: plainText(outcome.message) });

/** Who a `dm:` names: the lead, or whoever holds the role; undefined when nobody does. */
async function holderOf(db: Db, incident: Incident, role: string): Promise<string | undefined> {
  if (role === 'lead') return incident.leadId ?? undefined;
  return (await rolesOf(db, incident.id)).find((r) => r.role === role)?.userId;
}

export async function runAction(
  deps: ActionDeps,
  workflow: Workflow,
  incident: Incident,
  action: WorkflowAction,
  values: TemplateValues,
): Promise<ActionResult> {
  const { db, config } = deps;
  const actor = workflowActor(workflow.id);
  switch (action.kind) {
    case 'invite': {
      const users = action.users ?? (action.userGroup ? await deps.userGroupMembers(action.userGroup) : []);
      if (users.length === 0) return { action: 'invite', ok: false, detail: 'the user group has nobody in it' };
      await db.transaction(async (tx) => {
        await addMembers(tx, incident.id, users);
        await enqueue(tx, [{ kind: 'channel.invite', payload: { incidentId: incident.id, users } }], { incidentId: incident.id });
      });
      return { action: 'invite', ok: true, detail: `invited ${users.join(', ')}` };
    }
    case 'page':
      return fromOutcome(
        'page',
        await pageFor(db, config, {
          incidentId: incident.id,
          actor,
          target: { policy: action.policy },
          message: `Workflow ${workflow.id}`,
        }),
      );
    case 'post': {
      const to = action.to;
      let target: { channel?: string; user?: string } = {};
      if (typeof to === 'object' && 'channel' in to) target = { channel: to.channel };
      if (typeof to === 'object' && 'dm' in to) {
        const user = await holderOf(db, incident, to.dm);
        if (!user) return { action: 'post', ok: false, detail: `nobody is ${to.dm === 'lead' ? 'the lead' : to.dm} to DM` };
        target = { user };
      }
      if (!target.channel && !target.user && !incident.channelId)
        return { action: 'post', ok: false, detail: 'the incident has no channel' };
      await enqueue(
        db,
        [{ kind: 'workflow.post', payload: { incidentId: incident.id, workflowId: workflow.id, template: action.text.source, ...target } }],
        { incidentId: incident.id },
      );
      const where = target.channel ?? (target.user ? `a DM to ${target.user}` : 'the incident channel');
      return { action: 'post', ok: true, detail: `posted in ${where}` };
    }
    case 'role': {
      const done: string[] = [];
      for (const { role, user } of action.assign) {
        const outcome = await assignRole(db, config, { incidentId: incident.id, actor, role, userId: user });
        if (!outcome.ok) return { action: 'role', ok: false, detail: plainText(outcome.message) };
        done.push(plainText(outcome.message));
      }
      return { action: 'role', ok: true, detail: done.join(' ') };
    }
    case 'bookmark':
      if (!incident.channelId) return { action: 'bookmark', ok: false, detail: 'the incident has no channel' };
      await enqueue(db, [{ kind: 'channel.bookmark', payload: { incidentId: incident.id, title: action.title, link: action.url } }], {
        incidentId: incident.id,
      });
      return { action: 'bookmark', ok: true, detail: `bookmarked ${action.title}` };
    case 'followup': {
      const owner = action.owner ?? incident.leadId ?? undefined;
      if (!owner) return { action: 'followup', ok: false, detail: 'no owner given and the incident has no lead' };
      const text = renderPlain(action.text, values);
      return fromOutcome('followup', await addFollowup(db, { incidentId: incident.id, actor, text, owner }));
    }
    case 'checklist':
      return fromOutcome('checklist', await db.transaction((tx) => addChecklist(tx, config, incident.id, action.checklist, actor)));
    case 'webhook': {
      const unsent = await db.transaction((tx) => sendWorkflowWebhook(tx, config, action.webhook, incident.id, workflow.id));
      // Not sending to a webhook that must not hear of the incident is the rule working, not a failure.
      const detail = unsent
        ? `not sent to webhook ${action.webhook}: ${unsent}`
        : `workflow.triggered queued for webhook ${action.webhook}`;
      return { action: 'webhook', ok: true, detail };
    }
  }
}
