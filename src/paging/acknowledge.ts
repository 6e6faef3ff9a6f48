import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { pages, type NotificationAttempt, type Page } from '../db/schema.js';
import { addMembers } from '../incidents/members.js';
import { lockIncident } from '../incidents/queries.js';
import { refreshLifecycleTimes } from '../incidents/times.js';
import type { Effect } from '../outbox/effects.js';
import { enqueue } from '../outbox/enqueue.js';
import { refreshHomesOfPages } from '../outbox/home.js';
import { recordEvent } from '../timeline/record.js';
import { command, msg, person, refuse, type Message, type Outcome, type Refusal } from '../outcome.js';
import { cancelAttempts, markAcknowledgedBy, recordAttempt } from './attempts.js';
import { acknowledgedBy, incidentIdOf, isTestPage } from './page-kind.js';
import { advance, note } from './pages.js';
import { acknowledgeTestPage } from './test-pages.js';

export type PageOutcome = Outcome<{ page: Page }>;

const noSuchPage = refuse('not_found', msg`That page does not exist.`);

function ended(page: Page): Refusal {
  return refuse(page.state === 'triggered' ? 'conflict' : 'final', endedMessage(page));
}

function endedMessage(page: Page): Message {
  switch (page.state) {
    case 'acknowledged':
      return msg`This page was already acknowledged by ${person(page.acknowledgedBy ?? '')}.`;
    case 'resolved':
      return msg`This page is over: its incident was resolved.`;
    case 'exhausted':
      return msg`This page already ran out of levels; page again with ${command('page')}.`;
    default:
      return msg`This page has moved on since; use the newest message.`;
  }
}

/** Escalates to the next level now (the Escalate button, or paging the same policy again). */
export async function escalateNow(db: Db, request: { pageId: number; actor: string; expectedStep?: number }): Promise<PageOutcome> {
  return db.transaction(async (tx) => {
    const [page] = await tx.select().from(pages).where(eq(pages.id, request.pageId)).for('update');
    if (!page) return noSuchPage;
    if (isTestPage(page)) return refuse('forbidden', msg`A test page does not escalate: nobody else is paged.`);
    if (page.state !== 'triggered') return ended(page);
    // A second click on the same button must not skip a level.
    if (request.expectedStep !== undefined && request.expectedStep !== page.step)
      return refuse('conflict', msg`This page was already escalated past that level.`);
    const [after] = await advance(tx, [page], { manual: true, actor: request.actor });
    if (!after) return ended(page);
    const message =
      after.state === 'exhausted'
        ? msg`Escalated: that was the last level, and nobody acknowledged.`
        : msg`Escalated to level ${after.level + 1}.`;
    return { ok: true, page: after, message };
  });
}

/** Acknowledges a page: escalation stops, the acknowledger joins the channel, and every DM of the page says so. */
export async function acknowledgePage(
  db: Db,
  /** `via`: how the person acknowledged; `attemptId`: the attempt that carried the link they used. */
  request: { pageId: number; actor: string; via?: NotificationAttempt['method'] | 'slack'; attemptId?: number },
): Promise<PageOutcome> {
  return db.transaction(async (tx) => {
    const [target] = await tx
      .select({ id: pages.id, incidentId: pages.incidentId, kind: pages.kind })
      .from(pages)
      .where(eq(pages.id, request.pageId));
    if (!target) return noSuchPage;
    if (isTestPage(target)) return acknowledgeTestPage(tx, request);
    // Incident first, then its pages: the order a status change takes, or the two could deadlock.
    const incident = await lockIncident(tx, incidentIdOf(target));
    const [acked] = await tx
      .update(pages)
      .set(acknowledgedBy(request.actor))
      .where(and(eq(pages.id, request.pageId), inArray(pages.state, ['triggered', 'exhausted'])))
      .returning();
    if (!acked) {
      const [page] = await tx.select().from(pages).where(eq(pages.id, request.pageId));
      return page ? ended(page) : noSuchPage;
    }
    await cancelAttempts(tx, [acked.id]);
    if (request.attemptId) await recordAttempt(tx, request.attemptId, { state: 'acknowledged' });
    else if (request.via && request.via !== 'slack') await markAcknowledgedBy(tx, acked.id, request.actor, request.via);
    const effects: Effect[] = [];
    const incidentId = incidentIdOf(acked);
    await note(
      tx,
      incidentId,
      'page_acknowledged',
      request.actor,
      {
        pageId: acked.id,
        policy: acked.policyId,
        user: request.actor,
        level: acked.level,
        loop: acked.loop,
        ...(request.via ? { via: request.via } : {}),
      },
      effects,
    );
    await addMembers(tx, incidentId, [request.actor]);
    if (incident) await refreshLifecycleTimes(tx, incident);
    effects.push({ kind: 'channel.invite', payload: { incidentId, users: [request.actor] } });
    effects.push({ kind: 'page.dm.update', payload: { incidentId, pageId: acked.id } });
    await enqueue(tx, effects, { incidentId });
    await refreshHomesOfPages(tx, [acked.id]);
    return { ok: true, page: acked, message: msg`Acknowledged: escalation stopped. You have been added to the incident channel.` };
  });
}

/** Ends the pages of an incident that is resolved, closed or declined; their DMs say so. */
export async function resolvePagesOf(tx: Tx, incidentId: number, actor: string | null): Promise<void> {
  const ended = await tx
    .update(pages)
    .set({ state: 'resolved', nextEscalationAt: null, endedAt: sql`now()`, step: sql`${pages.step} + 1` })
    .where(and(eq(pages.incidentId, incidentId), inArray(pages.state, ['triggered', 'exhausted'])))
    .returning();
  if (ended.length === 0) return;
  await cancelAttempts(
    tx,
    ended.map((p) => p.id),
  );
  const effects: Effect[] = [];
  for (const page of ended) {
    await recordEvent(tx, { incidentId, kind: 'page_resolved', actor, data: { pageId: page.id, policy: page.policyId } });
    effects.push({ kind: 'page.dm.update', payload: { incidentId, pageId: page.id } });
  }
  await enqueue(tx, effects, { incidentId });
  await refreshHomesOfPages(
    tx,
    ended.map((p) => p.id),
  );
}

/** Acknowledgement by the alert source (PagerDuty's acknowledge): every running page of the incident stops. */
export async function acknowledgePagesOf(tx: Tx, incidentId: number, by: string): Promise<void> {
  // Incident first, then its pages, as a status change locks them; the reverse order could deadlock.
  const incident = await lockIncident(tx, incidentId);
  const acked = await tx
    .update(pages)
    .set({
      state: 'acknowledged',
      acknowledgedBy: by,
      acknowledgedAt: sql`now()`,
      nextEscalationAt: null,
      endedAt: sql`now()`,
      step: sql`${pages.step} + 1`,
    })
    .where(and(eq(pages.incidentId, incidentId), inArray(pages.state, ['triggered', 'exhausted'])))
    .returning();
  await cancelAttempts(
    tx,
    acked.map((p) => p.id),
  );
  const effects: Effect[] = [];
  for (const page of acked) {
    await note(
      tx,
      incidentId,
      'page_acknowledged',
      by,
      { pageId: page.id, policy: page.policyId, user: by, level: page.level, loop: page.loop },
      effects,
    );
    effects.push({ kind: 'page.dm.update', payload: { incidentId, pageId: page.id } });
  }
  if (incident) await refreshLifecycleTimes(tx, incident);
  await enqueue(tx, effects, { incidentId });
  await refreshHomesOfPages(
    tx,
    acked.map((p) => p.id),
  );
}
