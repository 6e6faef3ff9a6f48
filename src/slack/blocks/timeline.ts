import type { KnownBlock } from '@slack/types';
import type { Config } from '../../config/load.js';
import type { Incident, TimelineEvent } from '../../db/schema.js';
import { isOver, isStatus } from '../../incidents/lifecycle.js';
import { incidentKey } from '../../incidents/queries.js';
import { roleDescription } from '../../incidents/roles.js';
import { statusLabel } from '../../incidents/status.js';
import { severityText, type SlackMessage } from './incident.js';
import { writePostmortemButton } from './postmortem.js';
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

const str = (value: unknown) => (typeof value === 'string' ? value : '');

/** A link from an alert source, only when it is http(s), with the characters of Slack's link syntax encoded. */
function safeLink(url: string): string {
  if (!/^https?:\/\/[^\s]+$/i.test(url)) return '';
  return ` <${url.replace(/[<>|]/g, (c) => encodeURIComponent(c))}|source>`;
}

const policyName = (d: Record<string, unknown>) => (str(d.policy).startsWith('user:') ? 'direct page' : `policy ${str(d.policy)}`);
/** "level 2 of policy primary, pass 2" in words people use (levels and passes count from one). */
const pageWhere = (d: Record<string, unknown>) =>
  `level ${Number(d.level) + 1} of ${policyName(d)}${Number(d.loop) > 0 ? `, pass ${Number(d.loop) + 1}` : ''}`;

/** One line saying what happened, for the incident channel and the announcement thread. */
function describe(config: Config, incident: Incident, event: TimelineEvent): string {
  const key = `*${incidentKey(incident.id)}*`;
  const who = event.actor ? mention(event.actor) : 'Firewatch';
  const d = event.data;
  switch (event.kind) {
    case 'status_changed': {
      const to = str(d.to);
      const message = str(d.message);
      const detail = message ? `\n>${escapeMrkdwn(message).replace(/\n/g, '\n>')}` : '';
      const what = d.reopen
        ? `reopened ${key} (now ${statusLabel(to)})`
        : isStatus(to) && isOver(to)
          ? `${to} ${key}`
          : `moved ${key} to *${statusLabel(to)}*`;
      return `${STATUS_EMOJI[to] ?? '•'} ${who} ${what}${detail}`;
    }
    case 'status_update':
      return `📣 *Update on ${incidentKey(incident.id)}* · ${severityText(config, str(d.severity) || incident.severity)} · ${statusLabel(str(d.status) || incident.status)} · from ${who}\n${escapeMrkdwn(str(d.message))}`;
    case 'severity_changed':
      return `⚠️ ${who} changed the severity of ${key} from ${severityText(config, str(d.from))} to *${severityText(config, str(d.to))}*`;
    case 'role_assigned':
      return `🧑‍🚒 ${who} made ${mention(str(d.user))} ${str(d.role) === 'lead' ? 'the *lead*' : `*${str(d.role)}*`} of ${key}`;
    case 'type_changed':
      return `🏷️ ${who} set the type of ${key} to *${str(d.to)}*`;
    case 'impact_set':
      return `💥 ${who} recorded the impact of ${key}:\n>${escapeMrkdwn(str(d.text)).replace(/\n/g, '\n>')}`;
    case 'page_notified':
      return `📟 Paged ${mention(str(d.user))} for ${key} (${pageWhere(d)})`;
    case 'page_target_skipped':
      return `⚠️ Skipped schedule *${str(d.schedule)}* for ${key}: nobody is on call (${pageWhere(d)})`;
    case 'page_escalated':
      return `⏫ ${d.manual ? `${who} escalated` : 'Nobody acknowledged; escalated'} the page for ${key} to ${pageWhere(d)}`;
    case 'page_acknowledged':
      return `✅ ${mention(str(d.user))} acknowledged the page for ${key}`;
    case 'page_exhausted':
      return `🚨 <!here> *Nobody acknowledged the page for ${key}* (${policyName(d)}, ${Number(d.passes)} pass${Number(d.passes) === 1 ? '' : 'es'}). Page someone: \`/incident page @someone\``;
    case 'alert_firing': {
      const link = safeLink(str(d.link));
      return `🔔 Alert firing from *${str(d.integration)}*: ${escapeMrkdwn(str(d.title))}${link}`;
    }
    case 'alert_resolved':
      return `✅ Alert resolved at *${str(d.integration)}*: ${escapeMrkdwn(str(d.title))}`;
    case 'alert_group_resolved':
      return `✅ Every alert of ${key} from *${str(d.integration)}* has resolved.${incident.status === 'resolved' ? '' : ' Resolve the incident when you are sure it is over: `/incident resolve`.'}`;
    case 'alert_acknowledged':
      return `👍 *${str(d.integration)}* acknowledged ${key} at the source`;
    case 'lead_nudge':
      return `👋 ${key} has no lead yet. Someone take it: \`/incident lead @you\``;
    default:
      return `• ${who}: ${event.kind.replace(/_/g, ' ')} on ${key}`;
  }
}

/** `inChannel`: the copy in the incident channel, which carries follow-on buttons; stakeholders' copies do not. */
export function timelineMessage(config: Config, incident: Incident, event: TimelineEvent, inChannel = false): SlackMessage {
  const text = truncate(describe(config, incident, event), 3000);
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text } }];
  // The resolution is where the postmortem starts: what only people know is asked for right there.
  if (inChannel && event.kind === 'status_changed' && event.data.to === 'resolved') blocks.push(writePostmortemButton(incident.id));
  return { text, blocks };
}

/** The DM to someone given a role: the incident, the role and what it asks of them. */
export function roleMessage(incident: Incident, event: TimelineEvent): SlackMessage {
  const role = str(event.data.role);
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
  const remind = str(event.data.remind);
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
