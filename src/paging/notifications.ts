import { and, eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { incidents, pageNotifications, pages, type Incident, type Page, type PageNotification } from '../db/schema.js';

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

/** Remembers where a notification's DM went, so the page's end can edit it and a retry does not send it again. */
export async function recordNotificationDm(tx: Tx, notificationId: number, dm: { channel: string; ts: string }): Promise<void> {
  await tx.update(pageNotifications).set({ dmChannel: dm.channel, dmTs: dm.ts }).where(eq(pageNotifications.id, notificationId));
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
