import type { KnownBlock } from '@slack/types';
import type { Config } from '../../config/load.js';
import type { Incident, TimelineEvent } from '../../db/schema.js';
import { isOver, isStatus } from '../../incidents/lifecycle.js';
import { incidentKey } from '../../incidents/queries.js';
import { roleDescription } from '../../incidents/roles.js';
import { statusLabel } from '../../incidents/status.js';
import { severityText, type SlackMessage } from './incident.js';
import { dmFailureReason } from './paging.js';
import { writePostmortemButton } from './postmortem.js';
import { alertSilenceButton } from './silences.js';
import { parseEvent, acknowledgedVia } from '../../timeline/events.js';
import { escapeMrkdwn, mention, truncate } from './text.js';

const STATUS_EMOJI: Record<string, string> = {
  triage: '🟠',
  investigating: '🔍',
  identified: '🎯',
  monitoring: '👀',
  resolved: '✅',
  closed: '🔒',
  declined: '🚫',
};

/** A link from an alert source, only when it is http(s), with the characters of Slack's link syntax encoded. */
function safeLink(url: string): string {
  if (!/^https?:\/\/[^\s]+$/i.test(url)) return '';
  return ` <${url.replace(/[<>|]/g, (c) => encodeURIComponent(c))}|source>`;
}

type PageData = { policy: string };
type RungData = PageData & { level: number; loop: number };

const policyName = (d: PageData) => (d.policy.startsWith('user:') ? 'direct page' : `policy ${d.policy}`);
/** "level 2 of policy primary, pass 2" in words people use (levels and passes count from one). */
const pageWhere = (d: RungData) => `level ${d.level + 1} of ${policyName(d)}${d.loop > 0 ? `, pass ${d.loop + 1}` : ''}`;

/** The line of a person notified on a page; its receipt (blocks/receipts.ts) is added to it as attempts go. */
export const pageNotifiedLine = (key: string, d: RungData & { user: string }) => `📟 Paged ${mention(d.user)} for ${key} (${pageWhere(d)})`;

/** The line for an event that has no words of its own, or that this code cannot read. */
const genericLine = (who: string, kind: string, key: string) => `• ${who}: ${kind.replace(/_/g, ' ')} on ${key}`;

/** One line saying what happened, for the incident channel and the announcement thread. */
function describe(config: Config, incident: Incident, row: TimelineEvent): string {
  const key = `*${incidentKey(incident.id)}*`;
  const who = row.actor ? mention(row.actor) : 'Firewatch';
  const event = parseEvent(row);
  if (!event) return genericLine(who, row.kind, key);
  switch (event.kind) {
    case 'status_changed': {
      const { to, message } = event.data;
      const detail = message ? `\n>${escapeMrkdwn(message).replace(/\n/g, '\n>')}` : '';
      const what = event.data.reopen
        ? `reopened ${key} (now ${statusLabel(to)})`
        : isStatus(to) && isOver(to)
          ? `${to} ${key}`
          : `moved ${key} to *${statusLabel(to)}*`;
      return `${STATUS_EMOJI[to] ?? '•'} ${who} ${what}${detail}`;
    }
    case 'status_update': {
      const d = event.data;
      return `📣 *Update on ${incidentKey(incident.id)}* · ${severityText(config, d.severity || incident.severity)} · ${statusLabel(d.status || incident.status)} · from ${who}\n${escapeMrkdwn(d.message)}`;
    }
    case 'severity_changed':
      return `⚠️ ${who} changed the severity of ${key} from ${severityText(config, event.data.from)} to *${severityText(config, event.data.to)}*`;
    case 'role_assigned': {
      const { role, user } = event.data;
      return `🧑‍🚒 ${who} made ${mention(user)} ${role === 'lead' ? 'the *lead*' : `*${role}*`} of ${key}`;
    }
    case 'type_changed':
      return `🏷️ ${who} set the type of ${key} to *${event.data.to}*`;
    case 'service_added': {
      const names = event.data.services.map((id) => {
        const service = config.services.find((s) => s.id === id);
        return service ? `*${escapeMrkdwn(service.name)}* (tier ${service.tier})` : `*${escapeMrkdwn(id)}*`;
      });
      return `🧩 ${who} marked ${names.join(', ')} affected on ${key}; owners are invited`;
    }
    case 'impact_set':
      return `💥 ${who} recorded the impact of ${key}:\n>${escapeMrkdwn(event.data.text).replace(/\n/g, '\n>')}`;
    case 'page_notified':
      return pageNotifiedLine(key, event.data);
    case 'page_dm_failed':
      return `⚠️ Could not DM ${mention(event.data.user)} the page for ${key}: ${dmFailureReason(event.data.error)}`;
    case 'page_target_skipped':
      return `⚠️ Skipped schedule *${event.data.schedule}* for ${key}: nobody is on call (${pageWhere(event.data)})`;
    case 'page_escalated':
      return `⏫ ${event.data.manual ? `${who} escalated` : 'Nobody acknowledged; escalated'} the page for ${key} to ${pageWhere(event.data)}`;
    case 'page_acknowledged':
      return `✅ ${mention(event.data.user)} acknowledged the page for ${key}${acknowledgedVia(event.data.via)}`;
    case 'page_exhausted': {
      const { passes } = event.data;
      return `🚨 <!here> *Nobody acknowledged the page for ${key}* (${policyName(event.data)}, ${passes} pass${passes === 1 ? '' : 'es'}). Page someone: \`/incident page @someone\``;
    }
    case 'alert_firing': {
      const link = safeLink(event.data.link ?? '');
      return `🔔 Alert firing from *${event.data.integration}*: ${escapeMrkdwn(event.data.title)}${link}${alertReason(event.data.reason)}`;
    }
    case 'alert_resolved':
      return `✅ Alert resolved at *${event.data.integration}*: ${escapeMrkdwn(event.data.title)}${alertReason(event.data.reason)}`;
    case 'alert_group_resolved':
      return `✅ Every alert of ${key} from *${event.data.integration}* has resolved.${incident.status === 'resolved' ? '' : ' Resolve the incident when you are sure it is over: `/incident resolve`.'}`;
    case 'alert_acknowledged':
      return `👍 *${event.data.integration}* acknowledged ${key} at the source`;
    case 'statuspage_published': {
      const { title, components, message } = event.data;
      const states = components.map((c) => `*${escapeMrkdwn(c.id)}* ${c.state.replace(/_/g, ' ')}`).join(', ');
      const said = message ? `\n>${escapeMrkdwn(message).replace(/\n/g, '\n>')}` : '';
      return `🌐 ${who} published ${key} to the status page as “${escapeMrkdwn(title)}”: ${states}${said}`;
    }
    case 'workflow_ran': {
      const { workflow, trigger, actions } = event.data;
      const lines = actions.map((a) => `${a.ok ? '✅' : '⚠️'} ${escapeMrkdwn(a.action)}: ${escapeMrkdwn(a.detail)}`);
      return `⚙️ Workflow *${escapeMrkdwn(workflow)}* ran on ${key} (${trigger.replace(/_/g, ' ')})${lines.length ? `\n${lines.join('\n')}` : ''}`;
    }
    case 'lead_nudge':
      return `👋 ${key} has no lead yet. Someone take it: \`/incident lead @you\``;
    // Not posted as lines of their own (a reminder has its own message): should one reach a line, it names what happened.
    case 'declared':
    case 'note':
    case 'followup_added':
    case 'followup_done':
    case 'message_pinned':
    case 'message_unpinned':
    case 'page_triggered':
    case 'page_attempt':
    case 'page_resolved':
    case 'update_reminder':
    case 'reminders_snoozed':
    case 'reminders_stopped':
    case 'postmortem_answers_saved':
    case 'postmortem_published':
    case 'checklist_added':
    case 'checklist_step_done':
    case 'checklist_step_undone':
      return genericLine(who, event.kind, key);
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

/** `inChannel`: the copy in the incident channel, which carries follow-on buttons; stakeholders' copies do not. */
export function timelineMessage(config: Config, incident: Incident, event: TimelineEvent, inChannel = false): SlackMessage {
  const text = truncate(describe(config, incident, event), 3000);
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text } }];
  const known = parseEvent(event);
  // The resolution is where the postmortem starts: what only people know is asked for right there.
  if (inChannel && known?.kind === 'status_changed' && known.data.to === 'resolved') blocks.push(writePostmortemButton(incident.id));
  // A firing alert can be quieted right where it is seen.
  if (inChannel && known?.kind === 'alert_firing') blocks.push(alertSilenceButton(event.id));
  return { text, blocks };
}

/** The DM to someone given a role: the incident, the role and what it asks of them. */
export function roleMessage(incident: Incident, event: TimelineEvent): SlackMessage {
  const known = parseEvent(event);
  const role = known?.kind === 'role_assigned' ? known.data.role : '';
  const by = event.actor ? ` by ${mention(event.actor)}` : '';
  const channel = incident.channelId ? ` Join the response in <#${incident.channelId}>.` : '';
  const text = `You are now ${role === 'lead' ? 'the *lead*' : `*${role}*`} of *${incidentKey(incident.id)}*: ${escapeMrkdwn(incident.title)} (assigned${by}).${channel}`;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: roleDescription(role) }] },
  ];
  return { text: truncate(`${text} ${roleDescription(role)}`, 3000), blocks };
}

export const REMINDER_ACTIONS = { snooze: 'reminder_snooze', stop: 'reminder_stop' } as const;

/** The reminder in the channel that a status update is due, mentioning who owes it. */
export function reminderMessage(incident: Incident, event: TimelineEvent, postUpdateAction: string, postUpdateValue: string): SlackMessage {
  const known = parseEvent(event);
  const remind = known?.kind === 'update_reminder' ? known.data.remind : null;
  const who = remind ? `${mention(remind)}, ` : 'Nobody leads it yet: ';
  const text = `⏰ ${who}${incidentKey(incident.id)} is due a status update. Tell stakeholders where things stand.`;
  const value = String(incident.id);
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'actions',
        block_id: 'reminder_actions',
        elements: [
          {
            type: 'button',
            action_id: postUpdateAction,
            style: 'primary',
            text: { type: 'plain_text', text: 'Post update' },
            value: postUpdateValue,
          },
          { type: 'button', action_id: REMINDER_ACTIONS.snooze, text: { type: 'plain_text', text: 'Snooze 30m' }, value },
          { type: 'button', action_id: REMINDER_ACTIONS.stop, text: { type: 'plain_text', text: 'Stop reminders' }, value },
        ],
      },
    ],
  };
}

/** What a subscriber gets by DM: the same line the channel got, and where to follow along. */
export function subscriberMessage(config: Config, incident: Incident, event: TimelineEvent): SlackMessage {
  const line = describe(config, incident, event);
  const where = incident.channelId ? ` · <#${incident.channelId}>` : '';
  const text = truncate(`🔔 ${line}`, 3000);
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `You subscribed to ${incidentKey(incident.id)}${where}. \`/incident unsubscribe\` in its channel stops these.`,
          },
        ],
      },
    ],
  };
}

/** The message for alert changes of one minute beyond the few posted one by one. */
export function alertSummaryMessage(incident: Incident, minute: Date, counts: { firing: number; resolved: number }): SlackMessage {
  const total = counts.firing + counts.resolved;
  const from = minute.toISOString().slice(11, 16);
  const to = new Date(minute.getTime() + 60_000).toISOString().slice(11, 16);
  const text = `📈 …and ${total} more alert change${total === 1 ? '' : 's'} on ${incidentKey(incident.id)} between ${from} and ${to} UTC (${counts.firing} firing, ${counts.resolved} resolved). Every one is on the timeline.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/** The pipeline's short reason, set apart at the end of an alert line. */
export function alertReason(reason: string | undefined): string {
  return reason ? ` — _${escapeMrkdwn(reason)}_` : '';
}
