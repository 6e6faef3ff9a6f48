import { and, eq, isNotNull, isNull, ne } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { incidents, pageNotifications, pages, type Incident, type Page, type PageNotification } from '../db/schema.js';
import type { Effect } from '../outbox/effects.js';
import { enqueue } from '../outbox/enqueue.js';
import { incidentIdOf } from './page-kind.js';
import { note } from './pages.js';

/** One notification of a page with the page and incident it belongs to, if all three still match. */
export async function notificationToDeliver(
  tx: Tx,
  ids: { incidentId: number; pageId: number; notificationId: number },
): Promise<{ notification: PageNotification; page: Page; incident: Incident } | undefined> {
  const [found] = await tx
    .select({ notification: pageNotifications, page: pages, incident: incidents })
    .from(pageNotifications)
    .innerJoin(pages, eq(pages.id, pageNotifications.pageId))
    .innerJoin(incidents, eq(incidents.id, pages.incidentId))
    .where(and(eq(pageNotifications.id, ids.notificationId), eq(pages.id, ids.pageId), eq(incidents.id, ids.incidentId)));
  return found;
}

/** A notification with its page, by id. */
export async function notificationWithPage(
  tx: Tx,
  notificationId: number,
): Promise<{ notification: PageNotification; page: Page } | undefined> {
  const [found] = await tx
    .select({ notification: pageNotifications, page: pages })
    .from(pageNotifications)
    .innerJoin(pages, eq(pages.id, pageNotifications.pageId))
    .where(eq(pageNotifications.id, notificationId));
  return found;
}

/** Remembers the notification's line in the incident channel (its `page_notified` event), for its receipt. */
export async function recordNotificationLine(
  tx: Tx,
  line: { pageId: number; userId: string; level: number; loop: number; ts: string },
): Promise<void> {
  await tx
    .update(pageNotifications)
    .set({ lineTs: line.ts })
    .where(
      and(
        eq(pageNotifications.pageId, line.pageId),
        eq(pageNotifications.userId, line.userId),
        eq(pageNotifications.level, line.level),
        eq(pageNotifications.loop, line.loop),
      ),
    );
}

/** Remembers where a notification's DM went, so the page's end can edit it and a retry does not send it again. */
export async function recordNotificationDm(tx: Tx, notificationId: number, dm: { channel: string; ts: string }): Promise<void> {
  await tx.update(pageNotifications).set({ dmChannel: dm.channel, dmTs: dm.ts }).where(eq(pageNotifications.id, notificationId));
}

/**
 * Records that Slack would not deliver a notification's DM (a setting or the person, not Slack's weather),
 * and says so in the incident once per person and page: a later level or pass failing alike adds nothing.
 * The page escalates as if they had not acknowledged, which they cannot have.
 */
export async function recordNotificationFailed(
  db: Db,
  { notification, page }: { notification: PageNotification; page: Page },
  error: string,
): Promise<void> {
  await db.transaction(async (tx) => {
    const [marked] = await tx
      .update(pageNotifications)
      .set({ dmError: error })
      .where(and(eq(pageNotifications.id, notification.id), isNull(pageNotifications.dmError)))
      .returning({ id: pageNotifications.id });
    if (!marked) return;
    const [earlier] = await tx
      .select({ id: pageNotifications.id })
      .from(pageNotifications)
      .where(
        and(
          eq(pageNotifications.pageId, page.id),
          eq(pageNotifications.userId, notification.userId),
          ne(pageNotifications.id, notification.id),
          isNotNull(pageNotifications.dmError),
        ),
      )
      .limit(1);
    if (earlier) return;
    const effects: Effect[] = [];
    const { userId: user, level, loop } = notification;
    const incidentId = incidentIdOf(page);
    await note(tx, incidentId, 'page_dm_failed', null, { pageId: page.id, policy: page.policyId, user, level, loop, error }, effects);
    await enqueue(tx, effects, { incidentId });
  });
}

export async function getPage(tx: Tx, pageId: number): Promise<Page | undefined> {
  const [page] = await tx.select().from(pages).where(eq(pages.id, pageId));
  return page;
}

/** The DMs a page's notifications were sent as. */
export async function notificationDmsOf(tx: Tx, pageId: number): Promise<Array<{ channel: string; ts: string }>> {
  const sent = await tx.select().from(pageNotifications).where(eq(pageNotifications.pageId, pageId));
  return sent.flatMap((n) => (n.dmChannel && n.dmTs ? [{ channel: n.dmChannel, ts: n.dmTs }] : []));
}
