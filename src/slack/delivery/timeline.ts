import { recordNotificationLine } from '../../paging/notifications.js';
import { parseEvent } from '../../timeline/events.js';
import { alertChangesBeyondBudget } from '../../timeline/alert-lines.js';
import { summaryButtonValue, SUMMARY_ACTIONS } from '../blocks/incident.js';
import { alertSummaryMessage, reminderMessage, roleMessage, subscriberMessage, timelineMessage } from '../blocks/timeline.js';
import { channelOf, DONE, loadEvent, loadIncident, type Handler } from './context.js';
import { postOnce } from './post-once.js';

export const postTimelineEvent: Handler<'timeline.post'> = async (ctx, { incidentId, eventId, where, broadcast }, row) => {
  const { incident, event } = await loadEvent(ctx, incidentId, eventId);
  const message = timelineMessage(ctx.config, incident, event, where === 'channel');
  if (where === 'channel') {
    const { ts } = await postOnce(ctx, row, { channel: channelOf(incident), ...message, unfurl_links: false });
    // A notified person's line becomes the receipt of their attempts: it is edited as they go.
    const known = parseEvent(event);
    if (known?.kind === 'page_notified') await recordNotificationLine(ctx.db, { ...known.data, userId: known.data.user, ts });
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

export const dmRole: Handler<'role.dm'> = async (ctx, { incidentId, eventId }, row) => {
  const { incident, event } = await loadEvent(ctx, incidentId, eventId);
  const user = String(event.data.user ?? '');
  await postOnce(ctx, row, { channel: user, ...roleMessage(incident, event) });
  return DONE;
};

export const postReminder: Handler<'reminder.post'> = async (ctx, { incidentId, eventId }, row) => {
  const { incident, event } = await loadEvent(ctx, incidentId, eventId);
  await postOnce(ctx, row, {
    channel: channelOf(incident),
    ...reminderMessage(incident, event, SUMMARY_ACTIONS.postUpdate, summaryButtonValue(incident)),
  });
  return DONE;
};

export const dmSubscriber: Handler<'subscriber.dm'> = async (ctx, { incidentId, eventId, userId }, row) => {
  const { incident, event } = await loadEvent(ctx, incidentId, eventId);
  await postOnce(ctx, row, { channel: userId, ...subscriberMessage(ctx.config, incident, event), unfurl_links: false });
  return DONE;
};

export const summariseAlerts: Handler<'alerts.summary'> = async (ctx, { incidentId, minute }, row) => {
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
