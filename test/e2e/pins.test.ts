import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { incidentMembers, slackEvents } from '../../src/db/schema.js';
import { activePins } from '../../src/timeline/pins.js';
import { GENERAL } from '../support/app.js';
import { useFirewatch } from '../support/harness.js';
import { eventShapes, eventually, humanMessage, newEventId, pastTs, sendEvent, type SendEventOptions } from '../support/events.js';
import { settledOutbox } from '../support/outbox.js';
import type { EmuMessage } from '../support/slack-emulator/index.js';
import { ackText, slashCommand } from '../support/slack-requests.js';

const fw = useFirewatch();
async function pinEvents(incidentId: number) {
  return (await fw.events(incidentId)).filter((e) => e.kind === 'message_pinned' || e.kind === 'message_unpinned');
}

async function seen(eventId: string): Promise<boolean> {
  const rows = await fw.db.select().from(slackEvents).where(eq(slackEvents.eventId, eventId));
  return rows.length > 0;
}

/** Delivers an event, expects Slack's 200, and waits until Firewatch has handled it (its event id is recorded). */
async function deliver(event: Record<string, unknown>, options: SendEventOptions = {}): Promise<string> {
  const sent = await sendEvent(fw.app.url, event, { from: fw.slack, ...options });
  expect(sent.status).toBe(200);
  await eventually(() => seen(sent.eventId), `event ${sent.eventId} to be handled`);
  return sent.eventId;
}

/** Delivers an event that should change nothing; returns its id. */
async function deliverIgnored(event: Record<string, unknown>, options: SendEventOptions = {}): Promise<string> {
  const sent = await sendEvent(fw.app.url, event, { from: fw.slack, ...options });
  expect(sent.status).toBe(200);
  return sent.eventId;
}

const permalinkOf = (m: EmuMessage) => `https://${fw.slack.teamDomain}.slack.com/archives/${m.channel}/p${m.ts.replace('.', '')}`;

const summaryOf = (channel: string): EmuMessage => {
  const summary = fw.slack.messagesIn(channel).find((m) => m.user === fw.slack.botUserId && /INC-\d+/.test(fw.slack.textOf(m)));
  if (!summary) throw new Error(`no summary in ${channel}`);
  return summary;
};

describe('📌 reactions on messages in an incident channel', () => {
  it('adds a message_pinned event with the author, text, original ts, permalink and time of the message', async () => {
    const { id, channel } = await fw.declare('Pin records the message');
    const seconds = Math.floor(Date.now() / 1000) - 300;
    const message = humanMessage(fw.slack, channel, 'Rolled back deploy 4521; 5xx rate falling', {
      user: 'U0BOB',
      ts: `${seconds}.250123`,
    });

    await deliver(eventShapes.reactionAdded({ user: 'U0CAROL', channel, ts: message.ts, itemUser: 'U0BOB' }));

    const events = await pinEvents(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'message_pinned',
      actor: 'U0CAROL',
      data: {
        channel,
        ts: message.ts,
        author: 'U0BOB',
        text: 'Rolled back deploy 4521; 5xx rate falling',
        permalink: permalinkOf(message),
        pinnedBy: 'U0CAROL',
      },
    });
    expect(events[0]!.occurredAt).toEqual(new Date(seconds * 1000 + 250));
    expect(fw.slack.okCallsOf('chat.getPermalink').some((c) => c.args.channel === channel && c.args.message_ts === message.ts)).toBe(true);
  });

  it('records one event however many 📌s a message gets, unpins with the last one, and pins again after', async () => {
    const { id, channel } = await fw.declare('Pin counting');
    const message = humanMessage(fw.slack, channel, 'Primary DB failover started', { user: 'U0ALICE' });
    const add = (user: string) => eventShapes.reactionAdded({ user, channel, ts: message.ts, itemUser: 'U0ALICE' });
    const remove = (user: string) => eventShapes.reactionRemoved({ user, channel, ts: message.ts, itemUser: 'U0ALICE' });
    const kinds = async () => (await pinEvents(id)).map((e) => e.kind);
    const active = async () => activePins(await fw.events(id)).map((e) => e.data.ts);

    await deliver(add('U0BOB'));
    expect(await kinds()).toEqual(['message_pinned']);

    // The same person twice (two deliveries with their own event ids), then a second person.
    await deliver(add('U0BOB'));
    await deliver(add('U0CAROL'));
    expect(await kinds()).toEqual(['message_pinned']);

    // One of the two 📌s goes: the message stays pinned.
    await deliver(remove('U0BOB'));
    expect(await kinds()).toEqual(['message_pinned']);
    expect(await active()).toEqual([message.ts]);

    // The last one goes: an unpin is recorded and the message is no longer pinned.
    await deliver(remove('U0CAROL'));
    const afterUnpin = await pinEvents(id);
    expect(afterUnpin.map((e) => e.kind)).toEqual(['message_pinned', 'message_unpinned']);
    expect(afterUnpin[1]).toMatchObject({ actor: 'U0CAROL', data: { ts: message.ts, channel } });
    expect(await active()).toEqual([]);

    // Pinned again: a new pin event.
    await deliver(add('U0CAROL'));
    const again = await pinEvents(id);
    expect(again.map((e) => e.kind)).toEqual(['message_pinned', 'message_unpinned', 'message_pinned']);
    expect(again[2]).toMatchObject({ actor: 'U0CAROL', data: { ts: message.ts, text: 'Primary DB failover started', author: 'U0ALICE' } });
    expect(await active()).toEqual([message.ts]);
  });

  it('records one event when Slack retries a delivery with the same event id, and answers both with 200', async () => {
    const { id, channel } = await fw.declare('Pin retried delivery');
    const message = humanMessage(fw.slack, channel, 'Cache hit ratio back to 98%', { user: 'U0BOB' });
    const event = eventShapes.reactionAdded({ user: 'U0ALICE', channel, ts: message.ts });
    const eventId = newEventId();

    const first = await sendEvent(fw.app.url, event, { eventId, from: fw.slack });
    const retry = await sendEvent(fw.app.url, event, { eventId, retryNum: 1, from: fw.slack });
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);

    await eventually(() => seen(eventId), `event ${eventId} to be handled`);
    // Both deliveries reach the listener; wait until the second has looked the message up too, then a moment more.
    await eventually(
      () => fw.slack.okCallsOf('chat.getPermalink').filter((c) => c.args.message_ts === message.ts).length >= 2,
      'both deliveries to be handled',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect((await pinEvents(id)).map((e) => e.kind)).toEqual(['message_pinned']);
  });

  it('records nothing for a reaction other than 📌, nor for a 📌 outside an incident channel', async () => {
    const { id, channel } = await fw.declare('Pin ignores other reactions');
    const message = humanMessage(fw.slack, channel, 'Is this related to the CDN change?', { user: 'U0BOB' });
    const elsewhere = humanMessage(fw.slack, GENERAL, 'Lunch at noon?', { user: 'U0BOB' });

    const eyes = await deliverIgnored(eventShapes.reactionAdded({ user: 'U0ALICE', channel, ts: message.ts, reaction: 'eyes' }));
    const general = await deliverIgnored(eventShapes.reactionAdded({ user: 'U0ALICE', channel: GENERAL, ts: elsewhere.ts }));
    // A 📌 that does count, delivered after them: once it is handled, so are they.
    const other = humanMessage(fw.slack, channel, 'CDN change reverted', { user: 'U0CAROL' });
    await deliver(eventShapes.reactionAdded({ user: 'U0ALICE', channel, ts: other.ts, itemUser: 'U0CAROL' }));
    await new Promise((r) => setTimeout(r, 200));

    expect((await pinEvents(id)).map((e) => e.data.ts)).toEqual([other.ts]);
    expect(await seen(eyes)).toBe(false);
    expect(await seen(general)).toBe(false);
    expect(
      fw.slack.calls.some((c) => c.args.channel === GENERAL && (c.method === 'conversations.history' || c.method === 'chat.getPermalink')),
    ).toBe(false);
  });

  it('records the text of a 📌ed reply in a thread, found with conversations.replies', async () => {
    const { id, channel } = await fw.declare('Pin a thread reply');
    const root = humanMessage(fw.slack, channel, 'Anyone looking at the queue depth?', { user: 'U0ALICE', ts: pastTs(120) });
    const reply = humanMessage(fw.slack, channel, 'Yes: consumers are stuck on a poison message', {
      user: 'U0BOB',
      ts: pastTs(90),
      threadTs: root.ts,
    });

    await deliver(eventShapes.reactionAdded({ user: 'U0CAROL', channel, ts: reply.ts, itemUser: 'U0BOB' }));

    expect(fw.slack.okCallsOf('conversations.replies').some((c) => c.args.channel === channel && c.args.ts === reply.ts)).toBe(true);
    const events = await pinEvents(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'message_pinned',
      actor: 'U0CAROL',
      data: { ts: reply.ts, author: 'U0BOB', text: 'Yes: consumers are stuck on a poison message' },
    });
    expect(String(events[0]!.data.permalink)).toContain(`thread_ts=${root.ts}`);
  });
});

describe("Slack's own pins in an incident channel", () => {
  it("records a person's pin once, ignores Firewatch's pin of its summary, and unpins on pin_removed", async () => {
    const { id, channel } = await fw.declare('Slack pins');
    const summary = summaryOf(channel);
    const message = humanMessage(fw.slack, channel, 'Root cause: expired TLS certificate on the LB', { user: 'U0BOB' });

    // Firewatch pinning its own summary is not something that happened in the incident.
    const own = await deliverIgnored(
      eventShapes.pin('pin_added', { user: fw.slack.botUserId, message: summary, permalink: permalinkOf(summary) }),
    );
    await deliver(eventShapes.pin('pin_added', { user: 'U0ALICE', message, permalink: permalinkOf(message) }));
    await new Promise((r) => setTimeout(r, 200));

    const pinned = await pinEvents(id);
    expect(pinned).toHaveLength(1);
    expect(pinned[0]).toMatchObject({
      kind: 'message_pinned',
      data: {
        channel,
        ts: message.ts,
        author: 'U0BOB',
        text: 'Root cause: expired TLS certificate on the LB',
        permalink: permalinkOf(message),
      },
    });
    expect(await seen(own)).toBe(false);
    expect(activePins(await fw.events(id)).map((e) => e.data.ts)).toEqual([message.ts]);

    await deliver(eventShapes.pin('pin_removed', { user: 'U0ALICE', message, permalink: permalinkOf(message) }));
    expect((await pinEvents(id)).map((e) => e.kind)).toEqual(['message_pinned', 'message_unpinned']);
    expect(activePins(await fw.events(id))).toEqual([]);
  });
});

describe('membership of a private incident channel', () => {
  async function declarePrivate(title: string): Promise<{ id: number; channel: string }> {
    const incidentId = await fw.declareDirect(title, { isPrivate: true });
    await settledOutbox(fw.db, incidentId);
    const incident = await fw.incident(incidentId);
    if (!incident.channelId) throw new Error(`INC-${incident.id} has no channel`);
    expect(fw.slack.channels.get(incident.channelId)?.is_private).toBe(true);
    return { id: incident.id, channel: incident.channelId };
  }

  const isMember = async (incidentId: number, userId: string) =>
    (
      await fw.db
        .select()
        .from(incidentMembers)
        .where(and(eq(incidentMembers.incidentId, incidentId), eq(incidentMembers.userId, userId)))
    ).length > 0;
  const notes = async (incidentId: number) => (await fw.events(incidentId)).filter((e) => e.kind === 'note');

  it('lets a person who joins the channel act on the incident, and takes that away when they leave', async () => {
    const { id, channel } = await declarePrivate('Private membership via channel');
    const note = () => slashCommand(fw.app.url, fw.slack, `note INC-${id} hello`, { user: 'U0CAROL' });

    const before = await note();
    expect(before.status).toBe(200);
    expect(ackText(before)).toContain(`There is no INC-${id} that you can see.`);
    expect(await notes(id)).toEqual([]);

    fw.slack.channels.get(channel)!.members.add('U0CAROL');
    const joined = await sendEvent(
      fw.app.url,
      eventShapes.memberJoined({ user: 'U0CAROL', channel, channelType: 'G', inviter: 'U0ALICE' }),
      {
        botUserId: fw.slack.botUserId,
      },
    );
    expect(joined.status).toBe(200);
    await eventually(() => isMember(id, 'U0CAROL'), 'U0CAROL to become a member');

    const after = await note();
    expect(ackText(after)).toContain('Noted');
    expect(await notes(id)).toEqual([expect.objectContaining({ actor: 'U0CAROL', data: expect.objectContaining({ text: 'hello' }) })]);

    fw.slack.channels.get(channel)!.members.delete('U0CAROL');
    const left = await sendEvent(fw.app.url, eventShapes.memberLeft({ user: 'U0CAROL', channel, channelType: 'G' }), {
      botUserId: fw.slack.botUserId,
    });
    expect(left.status).toBe(200);
    await eventually(async () => !(await isMember(id, 'U0CAROL')), 'U0CAROL to stop being a member');

    const gone = await note();
    expect(ackText(gone)).toContain(`There is no INC-${id} that you can see.`);
    expect(await notes(id)).toHaveLength(1);
  });
});
