import type { Button, KnownBlock } from '@slack/types';
import type { Config } from '../../config/load.js';
import { findSeverity } from '../../config/load.js';
import type { Incident } from '../../db/schema.js';
import { DRILL_MARK } from '../../incidents/drills.js';
import { isWorking } from '../../incidents/lifecycle.js';
import { API_ACTOR, isPerson } from '../../incidents/people.js';
import { incidentKey } from '../../incidents/queries.js';
import { serviceLabel } from '../../incidents/services.js';
import { statusLabel } from '../../incidents/status.js';
import { channelLink, escapeMrkdwn, mention, slackDate, truncate } from './text.js';

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Buttons on the summary; their ids are what the action listeners register. */
export const SUMMARY_ACTIONS = {
  postUpdate: 'incident_post_update',
  changeStatus: 'incident_change_status',
  resolve: 'incident_resolve',
  accept: 'incident_accept',
  decline: 'incident_decline',
  subscribe: 'incident_subscribe',
  statusPage: 'incident_status_page',
} as const;

export function severityText(config: Config, id: string): string {
  const severity = findSeverity(config, id);
  return severity ? `${severity.id.toUpperCase()} (${severity.label})` : id.toUpperCase();
}

/** A drill's text starts with its mark, so that no glance at a channel, a DM or a notification takes it for an outage. */
export function drillMarked(incident: Pick<Incident, 'drill'>, text: string): string {
  return incident.drill ? `🧪 ${DRILL_MARK} · ${text}` : text;
}

/** What a drill's summary says under its header. */
const DRILL_NOTICE = `🧪 *${DRILL_MARK}*: a practice incident. Its pages go out for real; it is left out of announcements, digests, insights and the metrics.`;

/**
 * `SEV2 · Investigating · Lead: @alice`, after `🧪 DRILL · ` in a drill. A topic shows `<@U…>` as typed, not
 * as a mention, so a lead whose name Slack cannot give is pointed at in the summary, which does render mentions.
 */
export function topicText(incident: Incident, leadName: string | undefined): string {
  const lead = incident.leadId ? `Lead: ${leadName ? `@${leadName}` : 'see the summary'}` : 'Lead: none';
  return truncate(drillMarked(incident, `${incident.severity.toUpperCase()} · ${statusLabel(incident.status)} · ${lead}`), 250);
}

function headline(incident: Incident): string {
  return `${incidentKey(incident.id)}: ${incident.title}`;
}

/** What the summary shows besides the incident row. */
export interface SummaryState {
  incident: Incident;
  roles: Array<{ role: string; userId: string }>;
  lastUpdate: { message: string; actor: string | null; at: Date } | undefined;
  postmortem?: { version: number; permalink: string | null } | undefined;
  /** The incident's checklists and how many of their steps are ticked. */
  checklists?: Array<{ title: string; done: number; total: number }>;
  /** The ids of the affected services, in the order they were marked. */
  services?: readonly string[];
}

/** A summary button's value: the incident and the status the person saw, so a click can compare-and-set. */
export function summaryButtonValue(incident: Pick<Incident, 'id' | 'status'>): string {
  return `${incident.id}:${incident.status}`;
}

function summaryButtons(config: Config, incident: Incident): Button[] {
  const value = summaryButtonValue(incident);
  const button = (action_id: string, text: string, extra: Pick<Button, 'style' | 'confirm'> = {}): Button => ({
    type: 'button',
    action_id,
    text: { type: 'plain_text', text },
    value,
    ...extra,
  });
  // Subscribers hear of real incidents only (workflow/audience.ts): a drill offers nothing to subscribe to.
  const subscribe = incident.drill ? [] : [button(SUMMARY_ACTIONS.subscribe, 'Subscribe')];
  // Private incidents and drills are never public, so they are not offered the form.
  const statusPage = config.statusPage && !incident.isPrivate && !incident.drill ? [button(SUMMARY_ACTIONS.statusPage, 'Status page')] : [];
  if (incident.status === 'triage') {
    return [
      button(SUMMARY_ACTIONS.accept, 'Accept', { style: 'primary' }),
      button(SUMMARY_ACTIONS.decline, 'Decline', { style: 'danger' }),
    ];
  }
  if (isWorking(incident.status)) {
    return [
      button(SUMMARY_ACTIONS.postUpdate, 'Post update', { style: 'primary' }),
      button(SUMMARY_ACTIONS.changeStatus, 'Change status'),
      ...subscribe,
      ...statusPage,
      button(SUMMARY_ACTIONS.resolve, 'Resolve', {
        confirm: {
          title: { type: 'plain_text', text: `Resolve ${incidentKey(incident.id)}?` },
          text: { type: 'plain_text', text: 'The incident is marked resolved and stakeholders are told.' },
          confirm: { type: 'plain_text', text: 'Resolve' },
          deny: { type: 'plain_text', text: 'Not yet' },
        },
      }),
    ];
  }
  if (incident.status === 'resolved') {
    return [
      button(SUMMARY_ACTIONS.postUpdate, 'Post update'),
      button(SUMMARY_ACTIONS.changeStatus, 'Change status'),
      ...subscribe,
      ...statusPage,
    ];
  }
  return [];
}

/** The pinned live summary in the incident channel, rendered from the incident's current state. */
export function summaryMessage(config: Config, state: SummaryState): SlackMessage {
  const { incident } = state;
  const opener = isPerson(incident.declaredBy)
    ? mention(incident.declaredBy)
    : incident.declaredBy === API_ACTOR
      ? 'through the API'
      : `🔔 alert from ${escapeMrkdwn(incident.source)}`;
  const fields = [
    `*Severity*\n${severityText(config, incident.severity)}`,
    `*Status*\n${statusLabel(incident.status)}`,
    `*Lead*\n${incident.leadId ? mention(incident.leadId) : '_none_'}`,
    `*${isPerson(incident.declaredBy) ? 'Declared' : 'Opened'}*\n${opener} · ${slackDate(incident.createdAt)}`,
  ];
  if (incident.type) fields.push(`*Type*\n${incident.type}`);
  for (const role of state.roles) fields.push(`*${role.role.charAt(0).toUpperCase()}${role.role.slice(1)}*\n${mention(role.userId)}`);
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncate(incident.drill ? drillMarked(incident, headline(incident)) : `🔥 ${headline(incident)}`, 150),
        emoji: true,
      },
    },
    ...(incident.drill ? [{ type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text: DRILL_NOTICE }] }] : []),
    { type: 'section', fields: fields.slice(0, 10).map((text) => ({ type: 'mrkdwn', text })) },
  ];
  if (incident.description) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(escapeMrkdwn(incident.description), 3000) } });
  }
  if (incident.impact) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(`*Impact*\n${escapeMrkdwn(incident.impact)}`, 3000) } });
  }
  if (state.services?.length) {
    const list = state.services.map((id) => escapeMrkdwn(serviceLabel(config, id))).join(', ');
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(`*Affected services*\n${list}`, 3000) } });
  }
  if (state.lastUpdate) {
    const by = state.lastUpdate.actor ? ` by ${mention(state.lastUpdate.actor)}` : '';
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(`*Last update* (${slackDate(state.lastUpdate.at)}${by})\n${escapeMrkdwn(state.lastUpdate.message)}`, 3000),
      },
    });
  }
  if (state.checklists?.length) {
    const lines = state.checklists.map((c) => `${c.done === c.total ? '✅' : '☑️'} ${escapeMrkdwn(c.title)}: ${c.done}/${c.total} done`);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(`*Checklists*\n${lines.join('\n')}`, 3000) } });
  }
  if (state.postmortem) {
    const link = state.postmortem.permalink
      ? `<${state.postmortem.permalink}|version ${state.postmortem.version}>`
      : `version ${state.postmortem.version}, posted in this channel`;
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `📝 Postmortem: ${link}` }] });
  }
  if (incident.isPrivate) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: '🔒 Private incident: only members of this channel can see it.' }] });
  }
  const buttons = summaryButtons(config, incident);
  if (buttons.length) blocks.push({ type: 'actions', block_id: 'incident_actions', elements: buttons });
  return {
    // The fallback text is mrkdwn (notifications show it): the title is escaped here too.
    text: truncate(
      drillMarked(incident, `${escapeMrkdwn(headline(incident))} (${incident.severity.toUpperCase()}, ${statusLabel(incident.status)})`),
      3000,
    ),
    blocks,
  };
}

/** The post in announcements_channel that tells everyone an incident exists and where to go. */
export function announcementMessage(config: Config, incident: Incident, channelId: string): SlackMessage {
  const title = escapeMrkdwn(incident.title);
  const details = [
    severityText(config, incident.severity),
    statusLabel(incident.status),
    incident.leadId ? `Lead ${mention(incident.leadId)}` : 'No lead yet',
    channelLink(channelId),
  ].join(' · ');
  return {
    text: truncate(`🔥 ${incidentKey(incident.id)} declared: ${escapeMrkdwn(incident.title)} ${channelLink(channelId)}`, 3000),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(`🔥 *${incidentKey(incident.id)}* declared: *${title}*`, 3000) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: details }] },
    ],
  };
}

/**
 * Why Slack would not create an incident channel, and what to ask an admin, for the answers a locked-down
 * workspace gives; undefined for the others.
 */
function channelRefusal(error: string | undefined): string | undefined {
  switch (error) {
    case 'restricted_action':
      return "a workspace setting lets only some people create channels, and Firewatch's app is not among them. Ask a Workspace Owner to allow it: Workspace settings → Permissions → Channel Management → who can create channels (on Enterprise Grid, the org's Channel Management Restrictions policy decides).";
    case 'cannot_create_channel':
      return 'Slack answered `cannot_create_channel`: an organisation policy keeps this channel from being created. Ask a Slack admin to check the Channel Management settings and policies for Firewatch.';
    case 'too_many_convos_for_app_on_team':
      return 'Firewatch has created as many channels as Slack allows one app in this workspace. Ask a Slack admin to archive or delete old incident channels.';
    default:
      return undefined;
  }
}

/** The declarer's ephemeral confirmation; `channelError` is Slack's answer when the channel could not be created. */
export function declaredReply(config: Config, incident: Incident, replyTo: string, channelError?: string): SlackMessage {
  if (!incident.channelId) {
    const refusal = channelRefusal(channelError);
    const text = refusal
      ? `${incidentKey(incident.id)} is recorded, but Slack refused to create its channel: ${refusal}`
      : `${incidentKey(incident.id)} is recorded, but Slack refused to create its channel; ask an admin to check Firewatch's logs and scopes.`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `⚠️ ${text}` } }] };
  }
  const role = incident.leadId === replyTo ? " You're the lead." : incident.leadId ? ` ${mention(incident.leadId)} is the lead.` : '';
  const declared = `${incidentKey(incident.id)} declared (${severityText(config, incident.severity)}): ${channelLink(incident.channelId)}.${role}`;
  const text = incident.drill ? `${drillMarked(incident, declared)} Nothing is announced; its pages go out for real.` : `🔥 ${declared}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
