import type { ChatPostMessageArguments } from '@slack/web-api';
import type { OutboxRow } from '../../db/schema.js';
import { mayHaveRun } from '../../outbox/delivery-outcome.js';
import { platformCode } from '../errors.js';
import type { DeliveryContext } from './context.js';

/**
 * The message metadata a post is recognised by. Most posts carry their outbox row's id; the summary, the
 * announcement and page DMs carry what they stand for (other tools find the summary by it).
 */
export interface Marker {
  eventType: string;
  key: string;
  id: number | string;
}

/** Marks a message as an outbox row's, so a retry of the row can tell whether it already posted. */
const OUTBOX_EVENT = 'firewatch_outbox';

const outboxMarker = (row: OutboxRow): Marker => ({ eventType: OUTBOX_EVENT, key: 'outbox_id', id: row.id });

/** Where a message went: a channel, or the thread under a message in it. A user id names that user's DM. */
interface Place {
  channel: string;
  threadTs?: string | undefined;
  /** No earlier than this: replies come oldest first, so a long thread is read from here. */
  since: Date;
}

/** Slack's clock and the database's may differ a little: look a minute further back than the row's birth. */
const CLOCK_SKEW_MS = 60_000;
/** How many pages of history (100 each) or replies (200 each) a retry reads: a busy channel hides no more than that. */
const READ_PAGES = 5;

/** One page of conversations.history or .replies, as far as looking for a post needs. */
interface MessagePage {
  messages?: Array<{ ts?: string; bot_id?: string }>;
  has_more?: boolean;
  response_metadata?: { next_cursor?: string };
}

type PostedMessage = { ts?: string; bot_id?: string; metadata?: { event_type?: string; event_payload?: Record<string, unknown> } };

/** The ts of the first message in the place that `matches`, reading page after page back to `since`. */
async function findIn(
  ctx: DeliveryContext,
  channel: string,
  place: Place,
  matches: (m: PostedMessage) => boolean,
): Promise<string | undefined> {
  const oldest = ((place.since.getTime() - CLOCK_SKEW_MS) / 1000).toFixed(6);
  let cursor: string | undefined;
  for (let page = 0; page < READ_PAGES; page++) {
    const more = cursor ? { cursor } : {};
    const r: MessagePage = place.threadTs
      ? await ctx.client.conversations.replies({ channel, ts: place.threadTs, limit: 200, include_all_metadata: true, oldest, ...more })
      : await ctx.client.conversations.history({ channel, limit: 100, include_all_metadata: true, oldest, ...more });
    const found = r.messages?.find((m) => matches(m));
    if (found?.ts) return found.ts;
    cursor = (r.has_more && r.response_metadata?.next_cursor) || undefined;
    if (!cursor) return undefined;
  }
  return undefined;
}

/**
 * After a lost answer the message may already be there: the one this bot posted there with this marker,
 * found rather than posted twice. Undefined when there is none or Slack cannot say.
 */
async function findPosted(ctx: DeliveryContext, place: Place, marker: Marker): Promise<{ channel: string; ts: string } | undefined> {
  try {
    const me = await ctx.identity.get();
    const channel = /^[UW]/.test(place.channel)
      ? (await ctx.client.conversations.open({ users: place.channel })).channel?.id
      : place.channel;
    if (!channel) return undefined;
    const matches = (m: PostedMessage) =>
      m.bot_id === me.botId && m.metadata?.event_type === marker.eventType && m.metadata.event_payload?.[marker.key] === marker.id;
    const ts = await inJoinedChannel(ctx, channel, () => findIn(ctx, channel, place, matches));
    return ts ? { channel, ts } : undefined;
  } catch {
    return undefined;
  }
}

/** Runs a call in a channel Firewatch joins, joining again once when Slack says the app is not in it. */
async function inJoinedChannel<T>(ctx: DeliveryContext, channel: string, call: () => Promise<T>): Promise<T> {
  await ctx.joins.ensure(channel);
  try {
    return await call();
  } catch (err) {
    if (platformCode(err) !== 'not_in_channel' || !ctx.joins.isTarget(channel)) throw err;
    await ctx.joins.rejoin(channel);
    return call();
  }
}

/**
 * Posts an outbox row's message once, however often the row is tried: a row that may have posted before
 * its attempt died (a kill, a lost answer) looks for its message first.
 */
export async function postOnce(
  ctx: DeliveryContext,
  row: OutboxRow,
  message: ChatPostMessageArguments,
  marker: Marker = outboxMarker(row),
): Promise<{ channel: string; ts: string }> {
  const place = { channel: message.channel, threadTs: 'thread_ts' in message ? message.thread_ts : undefined, since: row.createdAt };
  const earlier = mayHaveRun(row) ? await findPosted(ctx, place, marker) : undefined;
  if (earlier) return earlier;
  const r = await inJoinedChannel(ctx, message.channel, () =>
    ctx.client.chat.postMessage({
      ...message,
      metadata: { event_type: marker.eventType, event_payload: { [marker.key]: marker.id } },
    }),
  );
  if (!r.ts || !r.channel) throw new Error('chat.postMessage answered without a ts');
  return { channel: r.channel, ts: r.ts };
}
