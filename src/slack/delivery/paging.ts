import { getPage, notificationDmsOf, notificationToDeliver, recordNotificationDm } from '../../paging/notifications.js';
import { pageDm, pageDmEnded } from '../blocks/paging.js';
import { DONE, loadIncident, Undeliverable, type Handler } from './context.js';
import { postOnce } from './post-once.js';

/** A page DM is known by its notification, so a retried DM finds the one it already sent. */
const PAGE_DM_EVENT = 'firewatch_page_dm';

export const dmPage: Handler<'page.dm'> = async (ctx, { incidentId, pageId, notificationId }, row) => {
  const found = await notificationToDeliver(ctx.db, { incidentId, pageId, notificationId });
  if (!found) throw new Undeliverable(`page notification ${notificationId} of page ${pageId} does not exist`);
  const { notification, page, incident } = found;
  // Decided before an acknowledgement or a resolve committed, delivered after: nobody needs it now. A page
  // that ran out of levels while its DMs waited (Slack down) still notifies: it can still be acknowledged.
  if (page.state === 'acknowledged' || page.state === 'resolved') return { status: 'done', result: { skipped: page.state } };
  if (notification.dmTs) return DONE;
  const sent = await postOnce(
    ctx,
    row,
    { channel: notification.userId, ...pageDm(ctx.config, incident, page) },
    { eventType: PAGE_DM_EVENT, key: 'notification_id', id: notificationId },
  );
  await recordNotificationDm(ctx.db, notificationId, sent);
  return { status: 'done', result: { ts: sent.ts } };
};

export const updatePageDms: Handler<'page.dm.update'> = async (ctx, { incidentId, pageId }) => {
  const page = await getPage(ctx.db, pageId);
  if (!page) throw new Undeliverable(`page ${pageId} does not exist`);
  const incident = await loadIncident(ctx, incidentId);
  const message = pageDmEnded(ctx.config, incident, page);
  for (const dm of await notificationDmsOf(ctx.db, pageId)) await ctx.client.chat.update({ ...dm, ...message });
  return DONE;
};
