import type { ChatPostMessageArguments, WebClient } from '@slack/web-api';
import { and, desc, eq, gt, isNotNull } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { Db } from '../db/client.js';
import {
  incidents,
  jobRuns,
  outbox,
  pageNotifications,
  pages,
  postmortems,
  type Incident,
  type OutboxRow,
  type Page,
  type TimelineEvent,
} from '../db/schema.js';
import { alertChangesBeyondBudget } from '../timeline/alert-lines.js';
import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import { getFollowup } from '../incidents/followups.js';
import { isPerson } from '../incidents/people.js';
import { enqueue } from '../outbox/enqueue.js';
import { latestPostmortem } from '../postmortems/store.js';
import { overdueFollowupMessage } from './blocks/lists.js';
import type { DigestData } from '../digests/build.js';
import { incidentChannelName } from '../incidents/channel-name.js';
import { eventById, eventWithIncident, getIncident, latestEvent, recordSlackRefs } from '../incidents/queries.js';
import { rolesOf } from '../incidents/roles.js';
import type { Logger } from '../logger.js';
import { effectSchemas, isEffectKind, type EffectKind, type EffectPayload } from '../outbox/effects.js';
import { mayHaveRun, type DeliveryOutcome, type Deliverer } from '../outbox/worker.js';
import {
  announcementMessage,
  declaredReply,
  summaryButtonValue,
  summaryMessage,
  SUMMARY_ACTIONS,
  topicText,
  type SummaryState,
} from './blocks/incident.js';
import { renderDigest } from './blocks/digest.js';
import { pageDm, pageDmEnded } from './blocks/paging.js';
import { alertSummaryMessage, reminderMessage, roleMessage, subscriberMessage, timelineMessage } from './blocks/timeline.js';
import { ALREADY_DONE, outcomeOf, platformCode } from './errors.js';
import type { BotIdentityCache } from './identity.js';
import { postToResponseUrl } from './respond.js';
import type { UserNames } from './users.js';

export interface DeliveryContext {
  db: Db;
  config: Config;
  client: WebClient;
  identity: BotIdentityCache;
  users: UserNames;
  logger: Logger;
}

type Handler<K extends EffectKind> = (ctx: DeliveryContext, payload: EffectPayload<K>, row: OutboxRow) => Promise<DeliveryOutcome>;

const DONE: DeliveryOutcome = { status: 'done' };
const SUMMARY_EVENT = 'firewatch_incident_summary';
const ANNOUNCEMENT_EVENT = 'firewatch_incident_announcement';
const PAGE_DM_EVENT = 'firewatch_page_dm';
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
/** Where an ephemeral cannot reach someone, a DM can. */
const EPHEMERAL_UNREACHABLE = new Set(['channel_not_found', 'not_in_channel', 'user_not_in_channel', 'is_archived']);

class Undeliverable extends Error {}

async function loadIncident(ctx: DeliveryContext, id: number): Promise<Incident> {
  const incident = await getIncident(ctx.db, id);
  if (!incident) throw new Undeliverable(`incident ${id} does not exist`);
  return incident;
}

async function loadEvent(ctx: DeliveryContext, incidentId: number, eventId: number): Promise<{ incident: Incident; event: TimelineEvent }> {
  const { incident, event } = await eventWithIncident(ctx.db, incidentId, eventId);
  if (!incident) throw new Undeliverable(`incident ${incidentId} does not exist`);
  if (!event) throw new Undeliverable(`timeline event ${eventId} does not exist`);
  return { incident, event };
}

/** Effects inside the channel wait for channel.create, which is earlier in the same ordering key. */
function channelOf(incident: Incident): string {
  if (!incident.channelId) throw new Undeliverable('the incident has no channel (its creation failed)');
  return incident.channelId;
}

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

const createChannel: Handler<'channel.create'> = async (ctx, { incidentId }) => {
  const incident = await loadIncident(ctx, incidentId);
  if (incident.channelId) return DONE;
  let name = incident.channelName ?? incidentChannelName(incident.id, incident.title);
  for (let attempt = 2; attempt <= 20; attempt++) {
    try {
      const r = await ctx.client.conversations.create({ name, is_private: incident.isPrivate });
      if (!r.channel?.id) throw new Error('conversations.create answered without a channel id');
      await recordSlackRefs(ctx.db, incident.id, { channelId: r.channel.id, channelName: name });
      return { status: 'done', result: { channelId: r.channel.id, name } };
    } catch (err) {
      if (platformCode(err) !== 'name_taken') throw err;
      const own = await findOwnChannel(ctx, name, incident);
      if (own) {
        await recordSlackRefs(ctx.db, incident.id, { channelId: own, channelName: name });
        return { status: 'done', result: { channelId: own, name, adopted: true } };
      }
      const next = incidentChannelName(incident.id, incident.title, attempt);
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

const inviteUsers: Handler<'channel.invite'> = async (ctx, { incidentId, users }) => {
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

const setTopic: Handler<'channel.topic'> = async (ctx, { incidentId }) => {
  const incident = await loadIncident(ctx, incidentId);
  const channel = channelOf(incident);
  const leadName = incident.leadId ? await ctx.users.nameOf(incident.leadId) : undefined;
  await ctx.client.conversations.setTopic({ channel, topic: topicText(incident, leadName) });
  return DONE;
};

async function summaryState(ctx: DeliveryContext, incident: Incident): Promise<SummaryState> {
  const update = await latestEvent(ctx.db, incident.id, 'status_update');
  const postmortem = await latestPostmortem(ctx.db, incident.id);
  return {
    incident,
    postmortem: postmortem ? { version: postmortem.version, permalink: postmortem.permalink } : undefined,
    roles: await rolesOf(ctx.db, incident.id),
    lastUpdate: update ? { message: String(update.data.message ?? ''), actor: update.actor, at: update.occurredAt } : undefined,
  };
}

/** Where a message went: a channel, or the thread under a message in it. A user id names that user's DM. */
interface Place {
  channel: string;
  threadTs?: string | undefined;
  /** No earlier than this: replies come oldest first, so a long thread is read from here. */
  since?: Date;
}

/** Slack's clock and the database's may differ a little: look a minute further back than the row's birth. */
const CLOCK_SKEW_MS = 60_000;

/**
 * After a lost answer the message may already be there: the one this bot posted there with this metadata,
 * among the latest, found rather than posted twice. Undefined when there is none or Slack cannot say.
 */
async function findPosted(
  ctx: DeliveryContext,
  place: Place,
  eventType: string,
  key: string,
  id: number | string,
): Promise<{ channel: string; ts: string } | undefined> {
  try {
    const me = await ctx.identity.get();
    const channel = /^[UW]/.test(place.channel)
      ? (await ctx.client.conversations.open({ users: place.channel })).channel?.id
      : place.channel;
    if (!channel) return undefined;
    const oldest = place.since ? { oldest: ((place.since.getTime() - CLOCK_SKEW_MS) / 1000).toFixed(6) } : {};
    const r = place.threadTs
      ? await ctx.client.conversations.replies({ channel, ts: place.threadTs, limit: 200, include_all_metadata: true, ...oldest })
      : await ctx.client.conversations.history({ channel, limit: 100, include_all_metadata: true, ...oldest });
    const found = r.messages?.find((m) => {
      const metadata = (m as { metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }).metadata;
      return m.bot_id === me.botId && metadata?.event_type === eventType && metadata.event_payload?.[key] === id;
    });
    return found?.ts ? { channel, ts: found.ts } : undefined;
  } catch {
    return undefined;
  }
}

/** Marks a message as an outbox row's, so a retry of the row can tell whether it already posted. */
const OUTBOX_EVENT = 'firewatch_outbox';

/**
 * Posts an outbox row's message once, however often the row is tried: a row that may have posted before
 * its attempt died (a kill, a lost answer) looks for its message first.
 */
async function postOnce(ctx: DeliveryContext, row: OutboxRow, message: ChatPostMessageArguments): Promise<{ channel: string; ts: string }> {
  const place = { channel: message.channel, threadTs: 'thread_ts' in message ? message.thread_ts : undefined, since: row.createdAt };
  const earlier = mayHaveRun(row) ? await findPosted(ctx, place, OUTBOX_EVENT, 'outbox_id', row.id) : undefined;
  if (earlier) return earlier;
  const r = await ctx.client.chat.postMessage({ ...message, metadata: { event_type: OUTBOX_EVENT, event_payload: { outbox_id: row.id } } });
  if (!r.ts || !r.channel) throw new Error('chat.postMessage answered without a ts');
  return { channel: r.channel, ts: r.ts };
}

const postSummary: Handler<'summary.post'> = async (ctx, { incidentId }, row) => {
  const incident = await loadIncident(ctx, incidentId);
  if (incident.summaryTs) return DONE;
  const channel = channelOf(incident);
  const existing = mayHaveRun(row) ? (await findPosted(ctx, { channel }, SUMMARY_EVENT, 'incident_id', incident.id))?.ts : undefined;
  const ts =
    existing ??
    (
      await ctx.client.chat.postMessage({
        channel,
        ...summaryMessage(ctx.config, await summaryState(ctx, incident)),
        metadata: { event_type: SUMMARY_EVENT, event_payload: { incident_id: incident.id } },
      })
    ).ts;
  if (!ts) throw new Error('chat.postMessage answered without a ts');
  await recordSlackRefs(ctx.db, incident.id, { summaryTs: ts });
  return { status: 'done', result: { ts } };
};

const pinSummary: Handler<'summary.pin'> = async (ctx, { incidentId }) => {
  const incident = await loadIncident(ctx, incidentId);
  const channel = channelOf(incident);
  if (!incident.summaryTs) throw new Undeliverable('the summary was never posted');
  await ctx.client.pins.add({ channel, timestamp: incident.summaryTs });
  return DONE;
};

const announce: Handler<'incident.announce'> = async (ctx, { incidentId }, row) => {
  const incident = await loadIncident(ctx, incidentId);
  if (incident.announcementTs || !incident.announcementChannel || incident.isPrivate) return DONE;
  const channel = channelOf(incident);
  const existing = mayHaveRun(row)
    ? (await findPosted(ctx, { channel: incident.announcementChannel }, ANNOUNCEMENT_EVENT, 'incident_id', incident.id))?.ts
    : undefined;
  const ts =
    existing ??
    (
      await ctx.client.chat.postMessage({
        channel: incident.announcementChannel,
        ...announcementMessage(ctx.config, incident, channel),
        metadata: { event_type: ANNOUNCEMENT_EVENT, event_payload: { incident_id: incident.id } },
        unfurl_links: false,
      })
    ).ts;
  if (!ts) throw new Error('chat.postMessage answered without a ts');
  await recordSlackRefs(ctx.db, incident.id, { announcementTs: ts });
  return { status: 'done', result: { ts } };
};

const replyDeclared: Handler<'reply.declared'> = async (ctx, { incidentId, target }, row) => {
  const incident = await loadIncident(ctx, incidentId);
  const message = declaredReply(ctx.config, incident, target.userId);
  if (target.responseUrl) {
    const sent = await postToResponseUrl(target.responseUrl, message);
    if (sent === 'sent') return DONE;
    if (sent === 'transient') return { status: 'retry', error: 'response_url did not answer' };
  }
  if (target.channelId) {
    try {
      await ctx.client.chat.postEphemeral({ channel: target.channelId, user: target.userId, ...message });
      return DONE;
    } catch (err) {
      const code = platformCode(err);
      if (!code || !EPHEMERAL_UNREACHABLE.has(code)) throw err;
    }
  }
  await postOnce(ctx, row, { channel: target.userId, ...message });
  return DONE;
};

const updateSummary: Handler<'summary.update'> = async (ctx, { incidentId }, row) => {
  // A later re-render of the same summary is queued: it shows everything this one would.
  const [later] = await ctx.db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.incidentId, incidentId), eq(outbox.kind, 'summary.update'), eq(outbox.status, 'pending'), gt(outbox.id, row.id)))
    .limit(1);
  if (later) return { status: 'done', result: { superseded: later.id } };
  const incident = await loadIncident(ctx, incidentId);
  if (!incident.summaryTs) throw new Undeliverable('the summary was never posted');
  await ctx.client.chat.update({
    channel: channelOf(incident),
    ts: incident.summaryTs,
    ...summaryMessage(ctx.config, await summaryState(ctx, incident)),
  });
  return DONE;
};

const postTimelineEvent: Handler<'timeline.post'> = async (ctx, { incidentId, eventId, where, broadcast }, row) => {
  const { incident, event } = await loadEvent(ctx, incidentId, eventId);
  const message = timelineMessage(ctx.config, incident, event, where === 'channel');
  if (where === 'channel') {
    const { ts } = await postOnce(ctx, row, { channel: channelOf(incident), ...message, unfurl_links: false });
    return { status: 'done', result: { ts } };
  }
  // Private incidents have no announcement, and one that failed to post leaves nothing to thread under.
  if (incident.isPrivate || !incident.announcementChannel || !incident.announcementTs)
    return { status: 'done', result: { skipped: 'no announcement' } };
  const { ts } = await postOnce(ctx, row, {
    channel: incident.announcementChannel,
    thread_ts: incident.announcementTs,
    reply_broadcast: broadcast,
    ...message,
    unfurl_links: false,
  });
  return { status: 'done', result: { ts } };
};

const dmRole: Handler<'role.dm'> = async (ctx, { incidentId, eventId }, row) => {
  const { incident, event } = await loadEvent(ctx, incidentId, eventId);
  const user = String(event.data.user ?? '');
  await postOnce(ctx, row, { channel: user, ...roleMessage(incident, event) });
  return DONE;
};

const archiveChannel: Handler<'channel.archive'> = async (ctx, { incidentId }) => {
  await ctx.client.conversations.archive({ channel: channelOf(await loadIncident(ctx, incidentId)) });
  return DONE;
};

async function loadPage(ctx: DeliveryContext, pageId: number): Promise<Page> {
  const [page] = await ctx.db.select().from(pages).where(eq(pages.id, pageId));
  if (!page) throw new Undeliverable(`page ${pageId} does not exist`);
  return page;
}

const dmPage: Handler<'page.dm'> = async (ctx, { incidentId, pageId, notificationId }, row) => {
  const [found] = await ctx.db
    .select({ notification: pageNotifications, page: pages, incident: incidents })
    .from(pageNotifications)
    .innerJoin(pages, eq(pages.id, pageNotifications.pageId))
    .innerJoin(incidents, eq(incidents.id, pages.incidentId))
    .where(and(eq(pageNotifications.id, notificationId), eq(pages.id, pageId), eq(incidents.id, incidentId)));
  if (!found) throw new Undeliverable(`page notification ${notificationId} of page ${pageId} does not exist`);
  const { notification, page, incident } = found;
  // Decided before an acknowledgement or a resolve committed, delivered after: nobody needs it now. A page
  // that ran out of levels while its DMs waited (Slack down) still notifies: it can still be acknowledged.
  if (page.state === 'acknowledged' || page.state === 'resolved') return { status: 'done', result: { skipped: page.state } };
  if (notification.dmTs) return DONE;
  // An attempt that posted and then failed to record it must not page the person twice.
  const earlier = mayHaveRun(row)
    ? await findPosted(ctx, { channel: notification.userId }, PAGE_DM_EVENT, 'notification_id', notificationId)
    : undefined;
  const sent =
    earlier ??
    (await ctx.client.chat.postMessage({
      channel: notification.userId,
      ...pageDm(ctx.config, incident, page),
      metadata: { event_type: PAGE_DM_EVENT, event_payload: { notification_id: notificationId } },
    }));
  if (!sent.ts || !sent.channel) throw new Error('chat.postMessage answered without a ts');
  await ctx.db.update(pageNotifications).set({ dmChannel: sent.channel, dmTs: sent.ts }).where(eq(pageNotifications.id, notificationId));
  return { status: 'done', result: { ts: sent.ts } };
};

const updatePageDms: Handler<'page.dm.update'> = async (ctx, { incidentId, pageId }) => {
  const page = await loadPage(ctx, pageId);
  const incident = await loadIncident(ctx, incidentId);
  const sent = await ctx.db.select().from(pageNotifications).where(eq(pageNotifications.pageId, pageId));
  const message = pageDmEnded(ctx.config, incident, page);
  for (const notification of sent) {
    if (!notification.dmChannel || !notification.dmTs) continue;
    await ctx.client.chat.update({ channel: notification.dmChannel, ts: notification.dmTs, ...message });
  }
  return DONE;
};

const postReminder: Handler<'reminder.post'> = async (ctx, { incidentId, eventId }, row) => {
  const { incident, event } = await loadEvent(ctx, incidentId, eventId);
  await postOnce(ctx, row, {
    channel: channelOf(incident),
    ...reminderMessage(incident, event, SUMMARY_ACTIONS.postUpdate, summaryButtonValue(incident)),
  });
  return DONE;
};

const dmSubscriber: Handler<'subscriber.dm'> = async (ctx, { incidentId, eventId, userId }, row) => {
  const { incident, event } = await loadEvent(ctx, incidentId, eventId);
  await postOnce(ctx, row, { channel: userId, ...subscriberMessage(ctx.config, incident, event), unfurl_links: false });
  return DONE;
};

/** A stored rendered report (insights) as Slack expects it. */
const storedMessage = z.object({ message: z.object({ text: z.string(), blocks: z.array(z.record(z.string(), z.unknown())) }) });

const postDigest: Handler<'digest.post'> = async (ctx, { job, dueAt, userId }, row) => {
  const [run] = await ctx.db
    .select()
    .from(jobRuns)
    .where(and(eq(jobRuns.job, job), eq(jobRuns.dueAt, new Date(dueAt))));
  if (!run?.data) throw new Undeliverable(`no ${job} built for ${dueAt}`);
  const channel = userId ?? ctx.config.digest.channel;
  if (!channel) throw new Undeliverable('no digest channel is configured');
  const stored = storedMessage.safeParse(run.data);
  const message = stored.success
    ? { text: stored.data.message.text, blocks: stored.data.message.blocks as unknown as KnownBlock[] }
    : renderDigest(run.data as unknown as DigestData);
  const { ts } = await postOnce(ctx, row, { channel, ...message, unfurl_links: false });
  return { status: 'done', result: { ts } };
};

const dmOverdueFollowup: Handler<'followup.dm'> = async (ctx, { incidentId, followupId }, row) => {
  const incident = await loadIncident(ctx, incidentId);
  const item = await getFollowup(ctx.db, followupId);
  if (!item?.ownerId) throw new Undeliverable(`follow-up ${followupId} has no owner`);
  if (item.doneAt) return { status: 'done', result: { skipped: 'done meanwhile' } };
  await postOnce(ctx, row, { channel: item.ownerId, ...overdueFollowupMessage(incident, item) });
  return DONE;
};

const uploadPostmortem: Handler<'postmortem.upload'> = async (ctx, { incidentId, postmortemId, summary }) => {
  const incident = await loadIncident(ctx, incidentId);
  const channel = channelOf(incident);
  const [postmortem] = await ctx.db.select().from(postmortems).where(eq(postmortems.id, postmortemId));
  if (!postmortem) throw new Undeliverable(`postmortem ${postmortemId} does not exist`);
  if (postmortem.fileId) return DONE;
  const bytes = Buffer.from(postmortem.markdown, 'utf8');
  const filename = `INC-${incident.id}-postmortem-v${postmortem.version}.md`;
  const target = await ctx.client.files.getUploadURLExternal({ filename, length: bytes.length });
  if (!target.upload_url || !target.file_id) throw new Error('files.getUploadURLExternal answered without an upload_url');
  const uploaded = await fetch(target.upload_url, { method: 'POST', body: bytes, signal: AbortSignal.timeout(30_000) });
  await uploaded.arrayBuffer();
  if (!uploaded.ok) return { status: uploaded.status >= 500 ? 'retry' : 'failed', error: `upload answered HTTP ${uploaded.status}` };
  const done = await ctx.client.files.completeUploadExternal({
    files: [{ id: target.file_id, title: `Postmortem of INC-${incident.id} (version ${postmortem.version})` }],
    channel_id: channel,
    initial_comment: summary,
  });
  const file = (done.files as Array<{ id?: string; permalink?: string }> | undefined)?.[0];
  await ctx.db
    .update(postmortems)
    .set({ fileId: target.file_id, permalink: file?.permalink ?? null })
    .where(eq(postmortems.id, postmortemId));
  return { status: 'done', result: { fileId: target.file_id } };
};

/**
 * Slack's answers when this workspace does not let the app have a canvas: its plan, its admins, or an
 * install from before the app asked for `canvases:write`. The Markdown file is the postmortem then.
 */
const NO_CANVASES = new Set([
  'canvas_disabled_user_team',
  'team_tier_cannot_create_channel_canvases',
  'free_team_canvas_tab_already_exists',
  'free_teams_cannot_edit_standalone_canvases',
  'missing_scope',
  'not_allowed_token_type',
  'restricted_action',
  'access_denied',
]);

/** Puts a postmortem version into the incident's canvas, a tab of its channel: created once, then replaced. */
const canvasPostmortem: Handler<'postmortem.canvas'> = async (ctx, { incidentId, postmortemId }) => {
  const incident = await loadIncident(ctx, incidentId);
  const channel = channelOf(incident);
  const [postmortem] = await ctx.db.select().from(postmortems).where(eq(postmortems.id, postmortemId));
  if (!postmortem) throw new Undeliverable(`postmortem ${postmortemId} does not exist`);
  if (postmortem.canvasId) return DONE;
  const [earlier] = await ctx.db
    .select({ canvasId: postmortems.canvasId })
    .from(postmortems)
    .where(and(eq(postmortems.incidentId, incidentId), isNotNull(postmortems.canvasId)))
    .orderBy(desc(postmortems.version))
    .limit(1);
  const document_content = { type: 'markdown' as const, markdown: postmortem.markdown };
  const skipIfNotAllowed = (err: unknown): DeliveryOutcome => {
    const code = platformCode(err);
    if (code && NO_CANVASES.has(code)) return { status: 'done', result: { skipped: `this workspace allows the app no canvas: ${code}` } };
    throw err;
  };
  let canvasId = earlier?.canvasId ?? undefined;
  if (canvasId) {
    try {
      await ctx.client.canvases.edit({ canvas_id: canvasId, changes: [{ operation: 'replace', document_content }] });
    } catch (err) {
      // Deleted by hand: the new version gets a new canvas.
      if (platformCode(err) !== 'canvas_not_found') return skipIfNotAllowed(err);
      canvasId = undefined;
    }
  }
  if (!canvasId) {
    try {
      const created = await ctx.client.canvases.create({
        title: `Postmortem: INC-${incident.id} — ${incident.title}`,
        channel_id: channel,
        document_content,
      });
      canvasId = created.canvas_id;
    } catch (err) {
      return skipIfNotAllowed(err);
    }
    if (!canvasId) throw new Error('canvases.create answered without a canvas_id');
  }
  await ctx.db.update(postmortems).set({ canvasId }).where(eq(postmortems.id, postmortemId));
  return { status: 'done', result: { canvasId } };
};

const summariseAlerts: Handler<'alerts.summary'> = async (ctx, { incidentId, minute }, row) => {
  const incident = await loadIncident(ctx, incidentId);
  const start = new Date(minute);
  const { firing, resolved } = await alertChangesBeyondBudget(ctx.db, incidentId, start);
  if (firing + resolved === 0) return { status: 'done', result: { skipped: 'nothing beyond the first lines' } };
  await postOnce(ctx, row, {
    channel: channelOf(incident),
    ...alertSummaryMessage(incident, start, { firing, resolved }),
  });
  return DONE;
};

const dmNotice: Handler<'notice.dm'> = async (ctx, { userId, text }, row) => {
  await postOnce(ctx, row, { channel: userId, text });
  return DONE;
};

/** Answers that mean the incident channel is gone or closed to Firewatch. */
const CHANNEL_GONE = new Set(['channel_not_found', 'is_archived', 'is_inactive', 'not_in_channel']);

/**
 * When a change could not be shown in its incident channel, the person who made it is told by DM: the
 * change is recorded, and why Slack would not show it.
 */
export function failureNotices(db: Db, wake: () => void) {
  return async (row: OutboxRow, error: string): Promise<void> => {
    const payload = row.payload as { eventId?: unknown; where?: unknown; incidentId?: unknown };
    if (row.kind !== 'timeline.post' || payload.where !== 'channel' || !CHANNEL_GONE.has(error) || typeof payload.eventId !== 'number')
      return;
    const event = await eventById(db, payload.eventId);
    if (!event?.actor || !isPerson(event.actor)) return;
    const key = `INC-${event.incidentId}`;
    const text = `⚠️ Your change to ${key} is recorded on its timeline, but Firewatch could not post it in the incident channel: Slack answered \`${error}\` (was the channel deleted or archived?). Keep working with \`/incident ${key} …\` from any channel.`;
    await enqueue(db, [{ kind: 'notice.dm', payload: { userId: event.actor, text } }], {
      incidentId: event.incidentId,
      orderingKey: `notice:${event.actor}`,
    });
    wake();
  };
}

const handlers: { [K in EffectKind]: Handler<K> } = {
  'channel.create': createChannel,
  'channel.invite': inviteUsers,
  'channel.topic': setTopic,
  'summary.post': postSummary,
  'summary.pin': pinSummary,
  'incident.announce': announce,
  'reply.declared': replyDeclared,
  'summary.update': updateSummary,
  'timeline.post': postTimelineEvent,
  'role.dm': dmRole,
  'channel.archive': archiveChannel,
  'page.dm': dmPage,
  'page.dm.update': updatePageDms,
  'reminder.post': postReminder,
  'subscriber.dm': dmSubscriber,
  'digest.post': postDigest,
  'followup.dm': dmOverdueFollowup,
  'postmortem.upload': uploadPostmortem,
  'postmortem.canvas': canvasPostmortem,
  'alerts.summary': summariseAlerts,
  'notice.dm': dmNotice,
};

function run<K extends EffectKind>(ctx: DeliveryContext, kind: K, payload: unknown, row: OutboxRow): Promise<DeliveryOutcome> {
  const parsed = effectSchemas[kind].safeParse(payload);
  if (!parsed.success) return Promise.resolve({ status: 'failed', error: `bad payload: ${parsed.error.message}` });
  return handlers[kind](ctx, parsed.data as EffectPayload<K>, row);
}

/** Turns outbox rows into Slack calls; Slack's answers become done, retry or failed. */
export function createDeliverer(ctx: DeliveryContext): Deliverer {
  return async (row) => {
    if (!isEffectKind(row.kind)) return { status: 'failed', error: `unknown effect kind ${row.kind}` };
    try {
      return await run(ctx, row.kind, row.payload, row);
    } catch (err) {
      if (err instanceof Undeliverable) return { status: 'failed', error: err.message };
      return outcomeOf(err);
    }
  };
}
