import { channelNameOf } from '../../incidents/channel-name.js';
import type { Incident } from '../../db/schema.js';
import { recordSlackRefs } from '../../incidents/queries.js';
import { mayHaveRun } from '../../outbox/delivery-outcome.js';
import { topicText } from '../blocks/incident.js';
import { ALREADY_DONE, platformCode } from '../errors.js';
import { channelOf, DONE, loadIncident, type DeliveryContext, type Handler } from './context.js';

/** conversations.invite takes at most this many users a call, per Slack's guidance. */
const INVITE_CHUNK = 30;
/** Per-user invite answers that are final for that user but must not stop the others. */
const INVITE_SKIPPABLE = new Set([
  'cant_invite_self',
  'user_not_found',
  'user_is_restricted',
  'user_is_ultra_restricted',
  'cant_invite',
  'ura_max_channels',
  'user_disabled',
]);
/** A channel with this name that this bot created for this incident, left by an attempt whose answer was lost. */
async function findOwnChannel(ctx: DeliveryContext, name: string, incident: Incident): Promise<string | undefined> {
  const me = await ctx.identity.get();
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const r = await ctx.client.conversations.list({
      types: 'public_channel,private_channel',
      limit: 1000,
      exclude_archived: true,
      ...(cursor ? { cursor } : {}),
    });
    const found = r.channels?.find((c) => c.name === name);
    if (found) {
      const createdByUs = found.creator === me.userId;
      // A channel from before this incident existed belongs to someone (or some earlier install) else.
      const createdAfter = (found.created ?? 0) * 1000 >= incident.createdAt.getTime() - 5 * 60_000;
      return createdByUs && createdAfter && found.id ? found.id : undefined;
    }
    cursor = r.response_metadata?.next_cursor || undefined;
    if (!cursor) return undefined;
  }
  return undefined;
}

export const createChannel: Handler<'channel.create'> = async (ctx, { incidentId }, row) => {
  const incident = await loadIncident(ctx, incidentId);
  if (incident.channelId) return DONE;
  let name = incident.channelName ?? channelNameOf(incident);
  // Only the name an earlier attempt was trying when it died can be ours; every later suffix is new.
  let mayBeOurs = mayHaveRun(row);
  for (let attempt = 2; attempt <= 20; attempt++) {
    try {
      const r = await ctx.client.conversations.create({ name, is_private: incident.isPrivate });
      if (!r.channel?.id) throw new Error('conversations.create answered without a channel id');
      await recordSlackRefs(ctx.db, incident.id, { channelId: r.channel.id, channelName: name });
      return { status: 'done', result: { channelId: r.channel.id, name } };
    } catch (err) {
      if (platformCode(err) !== 'name_taken') throw err;
      const own = mayBeOurs ? await findOwnChannel(ctx, name, incident) : undefined;
      mayBeOurs = false;
      if (own) {
        await recordSlackRefs(ctx.db, incident.id, { channelId: own, channelName: name });
        return { status: 'done', result: { channelId: own, name, adopted: true } };
      }
      const next = channelNameOf(incident, attempt);
      if (next === name) continue;
      name = next;
      // Remembered before trying, so a crash resumes with this name and can recognise it as ours.
      await recordSlackRefs(ctx.db, incident.id, { channelName: name });
    }
  }
  return { status: 'failed', error: 'name_taken: no free channel name after 20 suffixes' };
};

/** Whether a per-user invite answer lets the rest go on: already a member, or never invitable. */
function inviteAnswer(err: unknown): 'member' | 'skip' | undefined {
  const code = platformCode(err);
  if (code && ALREADY_DONE.has(code)) return 'member';
  if (code && INVITE_SKIPPABLE.has(code)) return 'skip';
  return undefined;
}

export const inviteUsers: Handler<'channel.invite'> = async (ctx, { incidentId, users }) => {
  const channel = channelOf(await loadIncident(ctx, incidentId));
  const me = await ctx.identity.get();
  const wanted = [...new Set(users)].filter((u) => u !== me.userId);
  const skipped: string[] = [];
  const inviteOneByOne = async (chunk: string[]) => {
    for (const user of chunk) {
      try {
        await ctx.client.conversations.invite({ channel, users: user });
      } catch (err) {
        const answer = inviteAnswer(err);
        if (!answer) throw err;
        if (answer === 'skip') skipped.push(`${user}: ${platformCode(err)}`);
      }
    }
  };
  for (let i = 0; i < wanted.length; i += INVITE_CHUNK) {
    const chunk = wanted.slice(i, i + INVITE_CHUNK);
    try {
      await ctx.client.conversations.invite({ channel, users: chunk.join(',') });
    } catch (err) {
      // One user's answer fails the whole call; one at a time tells who, and lets the others in.
      if (!inviteAnswer(err)) throw err;
      await inviteOneByOne(chunk);
    }
  }
  if (skipped.length) ctx.logger.warn({ incidentId, skipped }, 'some users could not be invited');
  return { status: 'done', result: skipped.length ? { skipped } : {} };
};

export const setTopic: Handler<'channel.topic'> = async (ctx, { incidentId }) => {
  const incident = await loadIncident(ctx, incidentId);
  const channel = channelOf(incident);
  const leadName = incident.leadId ? await ctx.users.nameOf(incident.leadId) : undefined;
  await ctx.client.conversations.setTopic({ channel, topic: topicText(incident, leadName) });
  return DONE;
};

/** Bookmark answers that no retry changes: the bar is full, Slack will not take the link, or the app was removed from the channel. */
const BOOKMARK_FINAL = new Set(['invalid_link', 'too_many_bookmarks', 'is_archived', 'not_in_channel']);

export const addBookmark: Handler<'channel.bookmark'> = async (ctx, { incidentId, title, link }) => {
  const channel = channelOf(await loadIncident(ctx, incidentId));
  try {
    // A retried add whose first answer was lost finds its bookmark already there.
    const listed = await ctx.client.bookmarks.list({ channel_id: channel });
    if (listed.bookmarks?.some((b) => b.title === title && b.link === link)) return DONE;
    await ctx.client.bookmarks.add({ channel_id: channel, title, type: 'link', link });
  } catch (err) {
    const code = platformCode(err);
    if (!code || !BOOKMARK_FINAL.has(code)) throw err;
    // Nothing a retry changes; the link is still in the summary (a runbook) or the workflow's run.
    ctx.logger.warn({ incidentId, channel, link, code }, 'the link could not be bookmarked in the incident channel');
    return { status: 'done', result: { skipped: code } };
  }
  return DONE;
};

export const archiveChannel: Handler<'channel.archive'> = async (ctx, { incidentId }) => {
  const channel = channelOf(await loadIncident(ctx, incidentId));
  try {
    await ctx.client.conversations.archive({ channel });
  } catch (err) {
    if (platformCode(err) !== 'restricted_action') throw err;
    // A workspace that lets only admins archive: the closed incident's channel stays open, which harms nothing.
    ctx.logger.warn(
      { incidentId, channel },
      'a workspace setting keeps Firewatch from archiving the closed incident channel; archive it by hand',
    );
    return { status: 'done', result: { skipped: 'restricted_action' } };
  }
  return DONE;
};
