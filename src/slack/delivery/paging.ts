import { attemptsOf } from '../../paging/attempts.js';
import {
  getPage,
  notificationDmsOf,
  notificationToDeliver,
  notificationWithPage,
  recordNotificationDm,
  recordNotificationFailed,
} from '../../paging/notifications.js';
import { incidentKey } from '../../incidents/queries.js';
import { pageDm, pageDmEnded } from '../blocks/paging.js';
import { receiptText } from '../blocks/receipts.js';
import { truncate } from '../blocks/text.js';
import { pageNotifiedLine } from '../blocks/timeline.js';
import { platformCode } from '../errors.js';
import type { OutboxRow, PageNotification } from '../../db/schema.js';
import type { DeliveryOutcome } from '../../outbox/delivery-outcome.js';
import type { SlackMessage } from '../blocks/incident.js';
import { channelOf, DONE, loadIncident, Undeliverable, type DeliveryContext, type Handler } from './context.js';
import { postOnce } from './post-once.js';

/** A page DM is known by its notification, so a retried DM finds the one it already sent. */
const PAGE_DM_EVENT = 'firewatch_page_dm';

/**
 * Answers that mean this person cannot be DMed until someone changes a setting (the app's Messages tab,
 * its scopes, the person's account): trying again cannot help, and escalation must not wait on it.
 */
const DM_REFUSED: ReadonlySet<string> = new Set([
  'messages_tab_disabled',
  'cannot_dm_bot',
  'user_not_found',
  'channel_not_found',
  'user_disabled',
  'user_not_visible',
  'missing_scope',
  'restricted_action',
]);

export const dmPage: Handler<'page.dm'> = async (ctx, { incidentId, pageId, notificationId }, row) => {
  const found = await notificationToDeliver(ctx.db, { incidentId, pageId, notificationId });
  if (!found) throw new Undeliverable(`page notification ${notificationId} of page ${pageId} does not exist`);
  const { notification, page, incident } = found;
  // Decided before an acknowledgement or a resolve committed, delivered after: nobody needs it now. A page
  // that ran out of levels while its DMs waited (Slack down) still notifies: it can still be acknowledged.
  if (page.state === 'acknowledged' || page.state === 'resolved') return { status: 'done', result: { skipped: page.state } };
  if (notification.dmTs) return DONE;
  return postPageDm(ctx, row, notification, pageDm(ctx.config, incident, page), PAGE_DM_EVENT, (code) =>
    recordNotificationFailed(ctx.db, found, code),
  );
};

/**
 * Posts a page's DM (an incident's or a test page's) once, known by its notification, and records where it
 * went; a DM Slack refuses for good is handed to `refused` and ends the row, so escalation does not wait.
 */
export async function postPageDm(
  ctx: DeliveryContext,
  row: OutboxRow,
  notification: Pick<PageNotification, 'id' | 'userId'>,
  message: SlackMessage,
  eventType: string,
  refused: (code: string) => Promise<void>,
): Promise<DeliveryOutcome> {
  let sent: { channel: string; ts: string };
  try {
    sent = await postOnce(
      ctx,
      row,
      { channel: notification.userId, ...message },
      { eventType, key: 'notification_id', id: notification.id },
    );
  } catch (err) {
    const code = platformCode(err);
    if (!code || !DM_REFUSED.has(code)) throw err;
    await refused(code);
    return { status: 'failed', error: code };
  }
  await recordNotificationDm(ctx.db, notification.id, sent);
  return { status: 'done', result: { ts: sent.ts } };
}

export const updatePageDms: Handler<'page.dm.update'> = async (ctx, { incidentId, pageId }) => {
  const page = await getPage(ctx.db, pageId);
  if (!page) throw new Undeliverable(`page ${pageId} does not exist`);
  const incident = await loadIncident(ctx, incidentId);
  const message = pageDmEnded(ctx.config, incident, page);
  for (const dm of await notificationDmsOf(ctx.db, pageId)) await ctx.client.chat.update({ ...dm, ...message });
  return DONE;
};

/** Edits a notified person's line in the incident channel into the receipt of every attempt to reach them. */
export const updateReceipt: Handler<'page.receipt'> = async (ctx, { incidentId, notificationId }) => {
  const incident = await loadIncident(ctx, incidentId);
  const found = await notificationWithPage(ctx.db, notificationId);
  if (!found) throw new Undeliverable(`page notification ${notificationId} does not exist`);
  const { notification, page } = found;
  if (!notification.lineTs) return { status: 'done', result: { skipped: 'no line' } };
  const line = pageNotifiedLine(incidentKey(incident.id), {
    policy: page.policyId,
    user: notification.userId,
    level: notification.level,
    loop: notification.loop,
  });
  const text = truncate(`${line} — ${receiptText(notification, await attemptsOf(ctx.db, notificationId))}`, 3000);
  await ctx.client.chat.update({
    channel: channelOf(incident),
    ts: notification.lineTs,
    text,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  });
  return DONE;
};
