import type { KnownBlock } from '@slack/types';
import type { Config } from '../../config/load.js';
import type { Incident, Page } from '../../db/schema.js';
import { incidentKey } from '../../incidents/queries.js';
import { nextHandoffs, onCallAt, type ScheduleDef } from '../../paging/schedule.js';
import { DRILL_MARK } from '../../incidents/drills.js';
import { drillMarked, severityText, type SlackMessage } from './incident.js';
import { channelLink, escapeMrkdwn, mention, slackDate, truncate } from './text.js';

export const PAGE_ACTIONS = { acknowledge: 'page_acknowledge', escalate: 'page_escalate' } as const;

/** A page's Acknowledge button, the same on an incident's page DM and a test page's. */
export const acknowledgeButton = (page: Pick<Page, 'id'>) => ({
  type: 'button' as const,
  action_id: PAGE_ACTIONS.acknowledge,
  style: 'primary' as const,
  text: { type: 'plain_text' as const, text: 'Acknowledge' },
  value: String(page.id),
});

function pageHeadline(config: Config, incident: Incident, page: Page): string {
  const by = page.triggeredBy ? mention(page.triggeredBy) : 'an alert';
  const why = page.message ? `: ${escapeMrkdwn(page.message)}` : '';
  const where = incident.channelId ? `\nJoin ${channelLink(incident.channelId)}` : '';
  return `*${incidentKey(incident.id)}* · ${severityText(config, incident.severity)} · *${escapeMrkdwn(incident.title)}*\nPaged by ${by} (${page.policyId.startsWith('user:') ? 'directly' : `policy ${page.policyId}`})${why}${where}`;
}

/** The DM a paged person gets, with Acknowledge and Escalate (the step makes a stale Escalate harmless). */
export function pageDm(config: Config, incident: Incident, page: Page): SlackMessage {
  const text = truncate(
    incident.drill
      ? drillMarked(incident, `You are being paged for a practice incident. ${pageHeadline(config, incident, page)}`)
      : `🚨 You are being paged. ${pageHeadline(config, incident, page)}`,
    3000,
  );
  const blocks: KnownBlock[] = [
    // A drill pages for real, so the person woken knows at once that nothing is down.
    ...(incident.drill
      ? [{ type: 'header' as const, text: { type: 'plain_text' as const, text: `🧪 ${DRILL_MARK}: practice page` } }]
      : []),
    { type: 'section', text: { type: 'mrkdwn', text } },
    {
      type: 'actions',
      block_id: 'page_actions',
      elements: [
        acknowledgeButton(page),
        {
          type: 'button',
          action_id: PAGE_ACTIONS.escalate,
          text: { type: 'plain_text', text: 'Escalate' },
          value: `${page.id}:${page.step}`,
        },
      ],
    },
  ];
  return { text, blocks };
}

/** The same DM once the page is over: who acknowledged it and when, or that it ended; no buttons. */
export function pageDmEnded(config: Config, incident: Incident, page: Page): SlackMessage {
  const outcome =
    page.state === 'acknowledged'
      ? `✅ Acknowledged by ${mention(page.acknowledgedBy ?? '')}${page.acknowledgedAt ? ` ${slackDate(page.acknowledgedAt)}` : ''}.`
      : page.state === 'resolved'
        ? '✅ The incident was resolved; no action needed.'
        : '⚠️ Nobody acknowledged this page.';
  const text = truncate(`${outcome}\n${drillMarked(incident, pageHeadline(config, incident, page))}`, 3000);
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/** Who is on call now in each schedule, and the next hand-offs. */
export function oncallMessage(schedules: ScheduleDef[], now: Date, handoffs = 3): SlackMessage {
  if (schedules.length === 0) {
    const text = 'No on-call schedules are configured (`schedules:` in the config).';
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  const blocks: KnownBlock[] = [];
  for (const schedule of schedules.slice(0, 45)) {
    const current = onCallAt(schedule, now);
    const next = nextHandoffs(schedule, now, handoffs)
      .map((h) => `• ${slackDate(h.at)}: ${h.user ? mention(h.user) : '_nobody_'}`)
      .join('\n');
    const text = `*${schedule.id}* (${schedule.timeZone}): now ${current ? mention(current) : '_nobody is on call_'}\n${next || '_no hand-offs ahead_'}`;
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } });
  }
  return { text: `On call: ${schedules.map((s) => `${s.id}: ${onCallAt(s, now) ?? 'nobody'}`).join(', ')}`, blocks };
}

/** Why Slack would not deliver a DM, said so that someone in the channel knows what to change. */
export function dmFailureReason(error: string): string {
  switch (error) {
    case 'messages_tab_disabled':
      return "the app's Messages tab is off — see README, “Page DMs and the Messages tab”";
    case 'user_not_found':
    case 'channel_not_found':
      return 'Slack does not know this user (check the escalation policy or schedule)';
    case 'user_disabled':
      return 'their Slack account is deactivated (take them off the escalation policy or schedule)';
    case 'user_not_visible':
      return 'the app is not allowed to see this user';
    case 'cannot_dm_bot':
      return 'that is a bot, which cannot be paged by DM';
    case 'missing_scope':
      return 'the app lacks a scope to send DMs — reinstall it from manifest.yml (see README)';
    case 'restricted_action':
      return 'a workspace setting stops the app from sending them DMs — ask a Slack admin';
    default:
      return `Slack answered \`${error}\``;
  }
}
