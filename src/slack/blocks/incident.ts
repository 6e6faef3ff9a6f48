import type { KnownBlock } from '@slack/types';
import type { Config } from '../../config/load.js';
import { findSeverity } from '../../config/load.js';
import type { Incident } from '../../db/schema.js';
import { incidentKey } from '../../incidents/queries.js';
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
} as const;

export function severityText(config: Config, id: string): string {
  const severity = findSeverity(config, id);
  return severity ? `${severity.id.toUpperCase()} (${severity.label})` : id.toUpperCase();
}

/** `SEV2 · Investigating · Lead: @alice` */
export function topicText(incident: Incident, leadName: string | undefined): string {
  const lead = incident.leadId ? `Lead: ${leadName ? `@${leadName}` : mention(incident.leadId)}` : 'Lead: none';
  return truncate(`${incident.severity.toUpperCase()} · ${statusLabel(incident.status)} · ${lead}`, 250);
}

function headline(incident: Incident): string {
  return `${incidentKey(incident.id)}: ${incident.title}`;
}

/** The pinned live summary in the incident channel, rendered from the incident's current state. */
export function summaryMessage(config: Config, incident: Incident): SlackMessage {
  const fields = [
    `*Severity*\n${severityText(config, incident.severity)}`,
    `*Status*\n${statusLabel(incident.status)}`,
    `*Lead*\n${incident.leadId ? mention(incident.leadId) : '_none_'}`,
    `*Declared*\n${mention(incident.declaredBy)} · ${slackDate(incident.createdAt)}`,
  ];
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`🔥 ${headline(incident)}`, 150), emoji: true } },
    { type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text })) },
  ];
  if (incident.description) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(escapeMrkdwn(incident.description), 3000) } });
  }
  if (incident.isPrivate) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: '🔒 Private incident: only members of this channel can see it.' }] });
  }
  const value = String(incident.id);
  blocks.push({
    type: 'actions',
    block_id: 'incident_actions',
    elements: [
      { type: 'button', action_id: SUMMARY_ACTIONS.postUpdate, text: { type: 'plain_text', text: 'Post update' }, value, style: 'primary' },
      { type: 'button', action_id: SUMMARY_ACTIONS.changeStatus, text: { type: 'plain_text', text: 'Change status' }, value },
      { type: 'button', action_id: SUMMARY_ACTIONS.resolve, text: { type: 'plain_text', text: 'Resolve' }, value },
    ],
  });
  return {
    text: truncate(`${headline(incident)} (${incident.severity.toUpperCase()}, ${statusLabel(incident.status)})`, 3000),
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
    text: truncate(`🔥 ${incidentKey(incident.id)} declared: ${incident.title} ${channelLink(channelId)}`, 3000),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(`🔥 *${incidentKey(incident.id)}* declared: *${title}*`, 3000) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: details }] },
    ],
  };
}

/** The declarer's ephemeral confirmation. */
export function declaredReply(config: Config, incident: Incident, replyTo: string): SlackMessage {
  if (!incident.channelId) {
    const text = `${incidentKey(incident.id)} is recorded, but Slack refused to create its channel; ask an admin to check Firewatch's logs and scopes.`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `⚠️ ${text}` } }] };
  }
  const role = incident.leadId === replyTo ? " You're the lead." : incident.leadId ? ` ${mention(incident.leadId)} is the lead.` : '';
  const text = `🔥 ${incidentKey(incident.id)} declared (${severityText(config, incident.severity)}): ${channelLink(incident.channelId)}.${role}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
