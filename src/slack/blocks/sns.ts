// What admin_channel is told when Amazon SNS asks a generic integration to confirm a subscription.
import type { SlackMessage } from './incident.js';
import { escapeMrkdwn, truncate } from './text.js';

/** The SubscribeURL as a link, the characters of Slack's link syntax encoded so the link cannot be re-aimed. */
const link = (url: string) => `<${url.replace(/[<>|]/g, (c) => encodeURIComponent(c))}|confirm the subscription>`;

export function snsSubscriptionMessage(d: { integration: string; topicArn: string; subscribeUrl: string }): SlackMessage {
  const text = truncate(
    `📨 Amazon SNS asks integration *${escapeMrkdwn(d.integration)}* to confirm its subscription to topic \`${escapeMrkdwn(d.topicArn)}\`. ` +
      `Firewatch does not visit links sent to it; if you subscribed this endpoint, ${link(d.subscribeUrl)}. ` +
      'Until it is confirmed, SNS sends no alarms.',
    3000,
  );
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
