import type { AllMiddlewareArgs, App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { incidentByChannel } from '../../../incidents/queries.js';
import { markPinned, SLACK_PIN_MARKER, unmarkPinned, type PinnedMessage } from '../../../incidents/pins.js';
import type { Services } from '../../services.js';

const PUSHPIN = 'pushpin';

const reactionEvent = z.object({
  user: z.string().min(1),
  reaction: z.string(),
  item: z.object({ type: z.literal('message'), channel: z.string().min(1), ts: z.string().min(1) }),
  item_user: z.string().optional(),
});

const pinEvent = z.object({
  user: z.string().min(1),
  channel_id: z.string().min(1),
  item: z.object({
    type: z.literal('message'),
    message: z.object({
      ts: z.string().min(1),
      text: z.string().default(''),
      user: z.string().optional(),
      permalink: z.string().optional(),
    }),
  }),
});

const envelope = z.object({ event_id: z.string().min(1) });

/** The message a 📌 points at: its author, text and permalink, read from Slack (whatever can be had). */
async function fetchMessage(client: WebClient, channelId: string, ts: string, knownAuthor: string | undefined): Promise<PinnedMessage> {
  const message: PinnedMessage = { channelId, ts, author: knownAuthor ?? null, text: '', permalink: null };
  try {
    const history = await client.conversations.history({ channel: channelId, latest: ts, inclusive: true, limit: 1 });
    let found = history.messages?.find((m) => m.ts === ts);
    // A reply in a thread is not in the channel's history; its thread lists it after the parent.
    let cursor: string | undefined;
    for (let page = 0; !found && page < 10; page++) {
      const replies = await client.conversations.replies({ channel: channelId, ts, limit: 200, ...(cursor ? { cursor } : {}) });
      found = replies.messages?.find((m) => m.ts === ts);
      cursor = replies.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    if (found) {
      message.text = found.text ?? '';
      message.author = found.user ?? found.bot_id ?? message.author;
    }
  } catch {
    // The pin is recorded without the text rather than lost.
  }
  try {
    message.permalink = (await client.chat.getPermalink({ channel: channelId, message_ts: ts })).permalink ?? null;
  } catch {
    message.permalink = null;
  }
  return message;
}

/** 📌 reactions and Slack pins in an incident channel mark messages for the timeline and the postmortem. */
export function registerPinEvents(app: App, services: Services): void {
  const { db, logger } = services;
  const isBot = (user: string, context: AllMiddlewareArgs['context']) => user === context.botUserId;

  app.event('reaction_added', async ({ event, body, context }) => {
    const parsed = reactionEvent.safeParse(event);
    const ids = envelope.safeParse(body);
    if (!parsed.success || !ids.success || parsed.data.reaction !== PUSHPIN || isBot(parsed.data.user, context)) return;
    const incident = await incidentByChannel(db, parsed.data.item.channel);
    if (!incident) return;
    const message = await fetchMessage(services.client, parsed.data.item.channel, parsed.data.item.ts, parsed.data.item_user);
    const outcome = await markPinned(db, { incidentId: incident.id, eventId: ids.data.event_id, marker: parsed.data.user, message });
    logger.debug({ incidentId: incident.id, outcome }, '📌 added');
  });

  app.event('reaction_removed', async ({ event, body }) => {
    const parsed = reactionEvent.safeParse(event);
    const ids = envelope.safeParse(body);
    if (!parsed.success || !ids.success || parsed.data.reaction !== PUSHPIN) return;
    const incident = await incidentByChannel(db, parsed.data.item.channel);
    if (!incident) return;
    await unmarkPinned(db, {
      incidentId: incident.id,
      eventId: ids.data.event_id,
      marker: parsed.data.user,
      messageTs: parsed.data.item.ts,
    });
  });

  app.event('pin_added', async ({ event, body, context }) => {
    const parsed = pinEvent.safeParse(event);
    const ids = envelope.safeParse(body);
    // Firewatch pins its own summary; that is not something that happened in the incident.
    if (!parsed.success || !ids.success || isBot(parsed.data.user, context)) return;
    const incident = await incidentByChannel(db, parsed.data.channel_id);
    if (!incident) return;
    const { message } = parsed.data.item;
    const permalink =
      message.permalink ??
      (await services.client.chat.getPermalink({ channel: parsed.data.channel_id, message_ts: message.ts }).then(
        (r) => r.permalink ?? null,
        () => null,
      ));
    await markPinned(db, {
      incidentId: incident.id,
      eventId: ids.data.event_id,
      marker: SLACK_PIN_MARKER,
      message: { channelId: parsed.data.channel_id, ts: message.ts, author: message.user ?? null, text: message.text, permalink },
    });
  });

  app.event('pin_removed', async ({ event, body, context }) => {
    const parsed = pinEvent.safeParse(event);
    const ids = envelope.safeParse(body);
    if (!parsed.success || !ids.success || isBot(parsed.data.user, context)) return;
    const incident = await incidentByChannel(db, parsed.data.channel_id);
    if (!incident) return;
    await unmarkPinned(db, {
      incidentId: incident.id,
      eventId: ids.data.event_id,
      marker: SLACK_PIN_MARKER,
      messageTs: parsed.data.item.message.ts,
    });
  });
}
