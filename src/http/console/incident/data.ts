// Everything the incident page shows, read in one go for one incident the viewer may see.
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../../db/client.js';
import {
  notificationAttempts,
  pageNotifications,
  pages,
  postmortems,
  type Followup,
  type Incident,
  type NotificationAttempt,
  type Page,
  type PageNotification,
  type TimelineEvent,
  type WebhookDelivery,
} from '../../../db/schema.js';
import { canSee, type Viewer } from '../../../incidents/access.js';
import { followupsOf } from '../../../incidents/followups.js';
import { getIncident } from '../../../incidents/queries.js';
import { rolesOf } from '../../../incidents/roles.js';
import { timelineOf } from '../../../timeline/read.js';
import { deliveriesOf } from '../../../webhooks/deliveries.js';
import { alertDecisionsOf, type AlertDecision } from '../../../workflow/alert-decisions.js';

/** A person notified on a page, with each method Firewatch tried to reach them by. */
export interface PagedPerson {
  notification: PageNotification;
  attempts: NotificationAttempt[];
}

export interface PageWithReceipts {
  page: Page;
  notified: PagedPerson[];
}

export interface PostmortemVersion {
  version: number;
  createdBy: string;
  createdAt: Date;
}

export interface IncidentView {
  incident: Incident;
  roles: Array<{ role: string; userId: string }>;
  timeline: TimelineEvent[];
  pages: PageWithReceipts[];
  followups: Followup[];
  /** Its alerts, each with the decision that brought it in. */
  alerts: AlertDecision[];
  webhooks: WebhookDelivery[];
  versions: PostmortemVersion[];
  /** The version asked for, or the newest. */
  postmortem: { version: number; markdown: string } | undefined;
}

/** The incident as the viewer may see it; what they may not see is as missing as what does not exist. */
export async function visibleIncident(tx: Tx, id: number, viewer: Viewer): Promise<Incident | undefined> {
  const incident = await getIncident(tx, id);
  return incident && (await canSee(tx, incident, viewer)) ? incident : undefined;
}

async function pagesOf(tx: Tx, incidentId: number): Promise<PageWithReceipts[]> {
  const rows = await tx.select().from(pages).where(eq(pages.incidentId, incidentId)).orderBy(asc(pages.id));
  if (rows.length === 0) return [];
  const ids = rows.map((p) => p.id);
  const notifications = await tx
    .select()
    .from(pageNotifications)
    .where(inArray(pageNotifications.pageId, ids))
    .orderBy(asc(pageNotifications.id));
  const attempts = await tx
    .select()
    .from(notificationAttempts)
    .where(inArray(notificationAttempts.pageId, ids))
    .orderBy(asc(notificationAttempts.id));
  return rows.map((page) => ({
    page,
    notified: notifications
      .filter((n) => n.pageId === page.id)
      .map((notification) => ({ notification, attempts: attempts.filter((a) => a.notificationId === notification.id) })),
  }));
}

async function postmortemOf(tx: Tx, incidentId: number, version: number | undefined): Promise<IncidentView['postmortem']> {
  const where =
    version === undefined
      ? eq(postmortems.incidentId, incidentId)
      : and(eq(postmortems.incidentId, incidentId), eq(postmortems.version, version));
  const [row] = await tx
    .select({ version: postmortems.version, markdown: postmortems.markdown })
    .from(postmortems)
    .where(where)
    .orderBy(desc(postmortems.version))
    .limit(1);
  return row;
}

export async function incidentView(tx: Tx, incident: Incident, version: number | undefined): Promise<IncidentView> {
  const [roles, timeline, paged, followups, alerts, webhooks, versions, postmortem] = await Promise.all([
    rolesOf(tx, incident.id),
    timelineOf(tx, incident.id),
    pagesOf(tx, incident.id),
    followupsOf(tx, incident.id),
    alertDecisionsOf(tx, incident.id),
    deliveriesOf(tx, incident.id),
    tx
      .select({ version: postmortems.version, createdBy: postmortems.createdBy, createdAt: postmortems.createdAt })
      .from(postmortems)
      .where(eq(postmortems.incidentId, incident.id))
      .orderBy(desc(postmortems.version)),
    postmortemOf(tx, incident.id, version),
  ]);
  return { incident, roles, timeline, pages: paged, followups, alerts, webhooks, versions, postmortem };
}
