import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { incidents, pageNotifications, pages, type Incident, type Page } from '../db/schema.js';
import { refreshLifecycleTimes } from '../incidents/times.js';
import { addMembers } from '../incidents/members.js';
import type { Effect } from '../outbox/effects.js';
import { enqueue } from '../outbox/enqueue.js';
import { recordEvent } from '../timeline/record.js';
import { escalationStep, frozenPolicySchema, resolveLevel, type FrozenPolicy } from './policy.js';

const interval = (ms: number) => sql`now() + ${`${ms} milliseconds`}::interval`;

export function policyOf(page: Page): FrozenPolicy {
  return frozenPolicySchema.parse(page.policy);
}

const channelLine = (incidentId: number, eventId: number): Effect => ({ kind: 'timeline.post', payload: { incidentId, eventId, where: 'channel', broadcast: false } });

async function note(tx: Tx, incidentId: number, kind: string, actor: string | null, data: Record<string, unknown>, effects: Effect[]): Promise<void> {
  const event = await recordEvent(tx, { incidentId, kind, actor, data });
  if (!event) throw new Error(`${kind} was not recorded`);
  effects.push(channelLine(incidentId, event.id));
}

/** Notifies a level's targets (each person at most once per level and pass) and records who and what was skipped. */
async function notifyLevel(tx: Tx, page: Page, level: number, loop: number, effects: Effect[]): Promise<void> {
  const policy = policyOf(page);
  const { users, skipped } = resolveLevel(policy, level, new Date());
  for (const schedule of skipped) {
    await note(tx, page.incidentId, 'page_target_skipped', null, { pageId: page.id, policy: policy.id, schedule, level, loop }, effects);
  }
  for (const userId of users) {
    const [notification] = await tx.insert(pageNotifications).values({ pageId: page.id, level, loop, userId }).onConflictDoNothing().returning();
    if (!notification) continue;
    await note(tx, page.incidentId, 'page_notified', page.triggeredBy, { pageId: page.id, policy: policy.id, user: userId, level, loop }, effects);
    effects.push({ kind: 'page.dm', payload: { incidentId: page.incidentId, pageId: page.id, notificationId: notification.id } });
  }
}

/** Starts a page inside the caller's transaction and notifies its first level. */
export async function triggerPage(tx: Tx, request: { incident: Incident; policy: FrozenPolicy; actor: string | null; message: string | undefined }): Promise<Page> {
  const { incident, policy } = request;
  const first = policy.levels[0];
  if (!first) throw new Error(`policy ${policy.id} has no levels`);
  const [page] = await tx
    .insert(pages)
    .values({
      incidentId: incident.id,
      policyId: policy.id,
      policy,
      triggeredBy: request.actor,
      message: request.message ?? null,
      nextEscalationAt: interval(first.delayMs),
    })
    .returning();
  if (!page) throw new Error('page was not inserted');
  const effects: Effect[] = [];
  await recordEvent(tx, { incidentId: incident.id, kind: 'page_triggered', actor: request.actor, data: { pageId: page.id, policy: policy.id, ...(request.message ? { message: request.message } : {}) } });
  await notifyLevel(tx, page, 0, 0, effects);
  await enqueue(tx, effects, { incidentId: incident.id });
  return page;
}

/** The page of this policy still escalating for the incident, if any. */
export async function runningPage(tx: Tx, incidentId: number, policyId: string): Promise<Page | undefined> {
  const [page] = await tx
    .select()
    .from(pages)
    .where(and(eq(pages.incidentId, incidentId), eq(pages.policyId, policyId), eq(pages.state, 'triggered')))
    .orderBy(asc(pages.id))
    .limit(1);
  return page;
}

/**
 * Moves a locked page one step: the next level, the first level of the next pass, or exhaustion. The
 * write is conditional on the step seen, so nothing happens twice.
 */
async function advance(tx: Tx, page: Page, options: { manual: boolean; actor: string | null; onLate?: ((ms: number) => void) | undefined }): Promise<'moved' | 'unchanged'> {
  const policy = policyOf(page);
  const now = new Date();
  const step = escalationStep(policy, page, now, options.manual);
  if (step.kind === 'none') return 'unchanged';
  const effects: Effect[] = [];
  // How late the sweep fired, for the lateness figures; a manual escalation is not late.
  const lateMs = !options.manual && page.nextEscalationAt ? now.getTime() - page.nextEscalationAt.getTime() : undefined;
  if (lateMs !== undefined) options.onLate?.(lateMs);
  if (step.kind === 'exhaust') {
    const [done] = await tx
      .update(pages)
      .set({ state: 'exhausted', step: page.step + 1, nextEscalationAt: null, endedAt: sql`now()` })
      .where(and(eq(pages.id, page.id), eq(pages.step, page.step)))
      .returning();
    if (!done) return 'unchanged';
    await note(tx, page.incidentId, 'page_exhausted', options.actor, { pageId: page.id, policy: policy.id, passes: policy.repeat + 1, ...(lateMs !== undefined ? { lateMs } : {}) }, effects);
  } else {
    const delay = policy.levels[step.level]?.delayMs ?? 0;
    // A sweep counts the next delay from when this step was due, so a late tick does not push every
    // later level back too; never earlier than a full delay from now after a long outage, though.
    const next =
      options.manual || !page.nextEscalationAt
        ? interval(delay)
        : sql`greatest(${page.nextEscalationAt.toISOString()}::timestamptz + ${`${delay} milliseconds`}::interval, now())`;
    const [moved] = await tx
      .update(pages)
      .set({ level: step.level, loop: step.loop, step: page.step + 1, nextEscalationAt: next })
      .where(and(eq(pages.id, page.id), eq(pages.step, page.step)))
      .returning();
    if (!moved) return 'unchanged';
    await note(
      tx,
      page.incidentId,
      'page_escalated',
      options.actor,
      { pageId: page.id, policy: policy.id, level: step.level, loop: step.loop, manual: options.manual, ...(lateMs !== undefined ? { lateMs } : {}) },
      effects,
    );
    await notifyLevel(tx, moved, step.level, step.loop, effects);
  }
  await enqueue(tx, effects, { incidentId: page.incidentId });
  return 'moved';
}

/**
 * Escalates every page whose time has come: claimed with FOR UPDATE SKIP LOCKED in batches, so replicas
 * share the work and each page moves once per due time. Returns how many pages moved.
 */
export async function sweepDuePages(db: Db, options: { batchSize?: number; parallel?: number; onLate?: (ms: number) => void } = {}): Promise<number> {
  const batchSize = options.batchSize ?? 50;
  let moved = 0;
  // Several claimers at once: SKIP LOCKED hands each its own pages, so a burst of due pages is spread
  // over connections instead of waiting behind one transaction at a time.
  const claimer = async () => {
    for (;;) {
      const claimed = await db.transaction(async (tx) => {
        const due = await tx
          .select()
          .from(pages)
          .where(and(eq(pages.state, 'triggered'), lte(pages.nextEscalationAt, sql`now()`)))
          .orderBy(asc(pages.nextEscalationAt))
          .limit(batchSize)
          .for('update', { skipLocked: true });
        for (const page of due) if ((await advance(tx, page, { manual: false, actor: null, onLate: options.onLate })) === 'moved') moved++;
        return due.length;
      });
      if (claimed < batchSize) return;
    }
  };
  await Promise.all(Array.from({ length: options.parallel ?? 4 }, claimer));
  return moved;
}

export type PageOutcome = { ok: true; page: Page; message: string } | { ok: false; message: string };

function endedMessage(page: Page): string {
  switch (page.state) {
    case 'acknowledged':
      return `This page was already acknowledged by <@${page.acknowledgedBy}>.`;
    case 'resolved':
      return 'This page is over: its incident was resolved.';
    case 'exhausted':
      return 'This page already ran out of levels; page again with `/incident page`.';
    default:
      return 'This page has moved on since; use the newest message.';
  }
}

/** Escalates to the next level now (the Escalate button, or paging the same policy again). */
export async function escalateNow(db: Db, request: { pageId: number; actor: string; expectedStep?: number }): Promise<PageOutcome> {
  return db.transaction(async (tx) => {
    const [page] = await tx.select().from(pages).where(eq(pages.id, request.pageId)).for('update');
    if (!page) return { ok: false, message: 'That page does not exist.' };
    if (page.state !== 'triggered') return { ok: false, message: endedMessage(page) };
    // A second click on the same button must not skip a level.
    if (request.expectedStep !== undefined && request.expectedStep !== page.step) return { ok: false, message: 'This page was already escalated past that level.' };
    if ((await advance(tx, page, { manual: true, actor: request.actor })) !== 'moved') return { ok: false, message: endedMessage(page) };
    const [after] = await tx.select().from(pages).where(eq(pages.id, page.id));
    const text = after?.state === 'exhausted' ? 'Escalated: that was the last level, and nobody acknowledged.' : `Escalated to level ${(after?.level ?? 0) + 1}.`;
    return { ok: true, page: after ?? page, message: text };
  });
}

/** Acknowledges a page: escalation stops, the acknowledger joins the channel, and every DM of the page says so. */
export async function acknowledgePage(db: Db, request: { pageId: number; actor: string }): Promise<PageOutcome> {
  return db.transaction(async (tx) => {
    const [acked] = await tx
      .update(pages)
      .set({ state: 'acknowledged', acknowledgedBy: request.actor, acknowledgedAt: sql`now()`, nextEscalationAt: null, endedAt: sql`now()`, step: sql`${pages.step} + 1` })
      .where(and(eq(pages.id, request.pageId), inArray(pages.state, ['triggered', 'exhausted'])))
      .returning();
    if (!acked) {
      const [page] = await tx.select().from(pages).where(eq(pages.id, request.pageId));
      return { ok: false, message: page ? endedMessage(page) : 'That page does not exist.' };
    }
    const effects: Effect[] = [];
    await note(tx, acked.incidentId, 'page_acknowledged', request.actor, { pageId: acked.id, policy: acked.policyId, user: request.actor, level: acked.level, loop: acked.loop }, effects);
    await addMembers(tx, acked.incidentId, [request.actor]);
    const [incident] = await tx.select().from(incidents).where(eq(incidents.id, acked.incidentId));
    if (incident) await refreshLifecycleTimes(tx, incident);
    effects.push({ kind: 'channel.invite', payload: { incidentId: acked.incidentId, users: [request.actor] } });
    effects.push({ kind: 'page.dm.update', payload: { incidentId: acked.incidentId, pageId: acked.id } });
    await enqueue(tx, effects, { incidentId: acked.incidentId });
    return { ok: true, page: acked, message: 'Acknowledged: escalation stopped. You have been added to the incident channel.' };
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
  const effects: Effect[] = [];
  for (const page of ended) {
    await recordEvent(tx, { incidentId, kind: 'page_resolved', actor, data: { pageId: page.id, policy: page.policyId } });
    effects.push({ kind: 'page.dm.update', payload: { incidentId, pageId: page.id } });
  }
  await enqueue(tx, effects, { incidentId });
}

/** Acknowledgement by the alert source (PagerDuty's acknowledge): every running page of the incident stops. */
export async function acknowledgePagesOf(tx: Tx, incidentId: number, by: string): Promise<void> {
  const acked = await tx
    .update(pages)
    .set({ state: 'acknowledged', acknowledgedBy: by, acknowledgedAt: sql`now()`, nextEscalationAt: null, endedAt: sql`now()`, step: sql`${pages.step} + 1` })
    .where(and(eq(pages.incidentId, incidentId), inArray(pages.state, ['triggered', 'exhausted'])))
    .returning();
  const effects: Effect[] = [];
  for (const page of acked) {
    await note(tx, incidentId, 'page_acknowledged', by, { pageId: page.id, policy: page.policyId, user: by, level: page.level, loop: page.loop }, effects);
    effects.push({ kind: 'page.dm.update', payload: { incidentId, pageId: page.id } });
  }
  const [incident] = await tx.select().from(incidents).where(eq(incidents.id, incidentId));
  if (incident) await refreshLifecycleTimes(tx, incident);
  await enqueue(tx, effects, { incidentId });
}
