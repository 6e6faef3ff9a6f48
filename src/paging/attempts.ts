import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import {
  notificationAttempts,
  pages,
  type AttemptState,
  type NotificationAttempt,
  type Page,
  type PageNotification,
} from '../db/schema.js';
import type { Effect } from '../outbox/effects.js';
import { enqueue, enqueueForIncidents } from '../outbox/enqueue.js';
import { ATTEMPT_OUTCOMES } from '../timeline/events.js';
import { recordEvent } from '../timeline/record.js';
import { frozenRulesSchema, plannedAttempts, rulesFor } from './rules.js';

/** The states an attempt can still be sent from; an ended page cancels them. */
const WAITING: AttemptState[] = ['pending', 'queued'];
/** A page still open to acknowledgement: one that ran out of levels can still be acknowledged. */
const OPEN_PAGE = ['triggered', 'exhausted'] as const;

/**
 * Each attempt is delivered on its own: a provider that keeps failing (ntfy unreachable, Twilio down) must
 * not hold back the incident's Slack deliveries, nor anyone else's attempts.
 */
const sendEffect = (a: Pick<NotificationAttempt, 'id' | 'incidentId' | 'pageId'>) => ({
  pageId: a.pageId,
  incidentId: a.incidentId,
  orderingKey: `attempt:${a.id}`,
  effect: { kind: 'notify.send', payload: { incidentId: a.incidentId, pageId: a.pageId, attemptId: a.id } } satisfies Effect,
});

/**
 * The attempts each newly notified person's rules ask for, written with the notifications: those due at
 * once are queued for their provider in the same transaction, the rest wait for the sweep.
 */
export async function startAttempts(
  tx: Tx,
  notified: ReadonlyArray<{ page: Page; notification: PageNotification }>,
  now: Date,
): Promise<Array<{ pageId: number; incidentId: number | null; effect: Effect; orderingKey?: string }>> {
  const rows = notified.flatMap(({ page, notification }) => {
    const rules = page.rules ? frozenRulesSchema.safeParse(page.rules) : undefined;
    if (!rules?.success) return [];
    return plannedAttempts(rulesFor(rules.data, notification.userId)).map((planned) => ({
      notificationId: notification.id,
      pageId: page.id,
      incidentId: page.incidentId,
      userId: notification.userId,
      method: planned.method,
      step: planned.step,
      dueAt: new Date(now.getTime() + planned.afterMs),
      state: (planned.afterMs === 0 ? 'queued' : 'pending') as AttemptState,
    }));
  });
  if (rows.length === 0) return [];
  const inserted = await tx.insert(notificationAttempts).values(rows).onConflictDoNothing().returning();
  return inserted.filter((a) => a.state === 'queued').map(sendEffect);
}

/**
 * Queues every attempt whose delay has passed on a page still open, claimed with FOR UPDATE SKIP LOCKED
 * so replicas share them and each goes out once. Returns how many were queued.
 */
export async function sweepDueAttempts(db: Db, batchSize = 500): Promise<number> {
  let queued = 0;
  for (;;) {
    const claimed = await db.transaction(async (tx) => {
      const due = tx
        .select({ id: notificationAttempts.id })
        .from(notificationAttempts)
        .innerJoin(pages, eq(pages.id, notificationAttempts.pageId))
        .where(
          and(eq(notificationAttempts.state, 'pending'), sql`${notificationAttempts.dueAt} <= now()`, inArray(pages.state, [...OPEN_PAGE])),
        )
        .orderBy(asc(notificationAttempts.dueAt))
        .limit(batchSize)
        .for('update', { of: notificationAttempts, skipLocked: true });
      const rows = await tx
        .update(notificationAttempts)
        .set({ state: 'queued', updatedAt: sql`now()` })
        .where(inArray(notificationAttempts.id, due))
        .returning();
      await enqueueForIncidents(tx, rows.map(sendEffect));
      return rows.length;
    });
    queued += claimed;
    if (claimed < batchSize) return queued;
  }
}

/** An ended page sends nothing more: its waiting attempts are cancelled in the transaction that ends it. */
export async function cancelAttempts(tx: Tx, pageIds: readonly number[]): Promise<void> {
  if (pageIds.length === 0) return;
  const cancelled = await tx
    .update(notificationAttempts)
    .set({ state: 'cancelled', updatedAt: sql`now()` })
    .where(and(inArray(notificationAttempts.pageId, [...pageIds]), inArray(notificationAttempts.state, WAITING)))
    .returning({
      incidentId: notificationAttempts.incidentId,
      notificationId: notificationAttempts.notificationId,
      pageId: notificationAttempts.pageId,
    });
  await enqueueReceipts(tx, cancelled);
}

/**
 * The attempts to send now with their pages (nothing for an attempt or page that is gone), in two reads,
 * in the order asked. The pages are locked FOR SHARE for the rest of the caller's transaction: an acknowledgement (which updates the page) waits for the
 * send to finish, so nothing goes out after an acknowledgement commits, whichever replica sends.
 */
export async function attemptsToSend(
  tx: Tx,
  attemptIds: readonly number[],
): Promise<Array<{ attempt: NotificationAttempt; page: Page } | undefined>> {
  if (attemptIds.length === 0) return [];
  // In id order, as every claimer locks them, so two transactions never wait on each other in a circle.
  const attempts = await tx
    .select()
    .from(notificationAttempts)
    .where(inArray(notificationAttempts.id, [...attemptIds]))
    .orderBy(asc(notificationAttempts.id))
    .for('update');
  const pageIds = [...new Set(attempts.map((a) => a.pageId))];
  const locked =
    pageIds.length === 0 ? [] : await tx.select().from(pages).where(inArray(pages.id, pageIds)).orderBy(asc(pages.id)).for('share');
  const attemptById = new Map(attempts.map((a) => [a.id, a]));
  const pageById = new Map(locked.map((p) => [p.id, p]));
  return attemptIds.map((id) => {
    const attempt = attemptById.get(id);
    const page = attempt && pageById.get(attempt.pageId);
    return attempt && page ? { attempt, page } : undefined;
  });
}

/**
 * Records that a try to send the attempt begins, before it is sent. The attempt was read FOR UPDATE in
 * the caller's transaction: its `claimedAt`, when set, is when an earlier try began, which may have
 * reached the provider with nothing committed here to say so.
 */
export async function claimAttempts(tx: Tx, attempts: ReadonlyArray<Pick<NotificationAttempt, 'id' | 'claimedAt'>>): Promise<void> {
  const first = attempts.filter((a) => !a.claimedAt).map((a) => a.id);
  if (first.length > 0)
    await tx
      .update(notificationAttempts)
      .set({ claimedAt: sql`now()` })
      .where(inArray(notificationAttempts.id, first));
}

/** Of a provider's ids, those no attempt has recorded: an earlier try's lost answer can only be one of them. */
export async function providerIdsUnrecorded(tx: Tx, providerIds: readonly string[]): Promise<string[]> {
  if (providerIds.length === 0) return [];
  const recorded = await tx
    .select({ id: notificationAttempts.providerId })
    .from(notificationAttempts)
    .where(inArray(notificationAttempts.providerId, [...providerIds]));
  const known = new Set(recorded.map((r) => r.id));
  return providerIds.filter((id) => !known.has(id));
}

export const pageIsOpen = (page: Page): boolean => (OPEN_PAGE as readonly string[]).includes(page.state);

/** Changes an attempt; a change of state re-renders the receipt in its notification's line. */
export async function recordAttempt(
  tx: Tx,
  attemptId: number,
  change: Partial<Pick<NotificationAttempt, 'state' | 'maskedAddress' | 'providerId' | 'error' | 'sentAt' | 'deliveredAt'>>,
): Promise<void> {
  const [changed] = await tx
    .update(notificationAttempts)
    .set({ ...change, updatedAt: sql`now()` })
    .where(eq(notificationAttempts.id, attemptId))
    .returning();
  if (!changed || !change.state) return;
  await enqueueReceipts(tx, [changed]);
  const outcome = ATTEMPT_OUTCOMES.find((state) => state === change.state);
  // A test page has no incident, so no timeline: its report is its record.
  if (outcome && changed.incidentId !== null) {
    await recordEvent(tx, {
      incidentId: changed.incidentId,
      kind: 'page_attempt',
      actor: null,
      data: {
        pageId: changed.pageId,
        attemptId: changed.id,
        user: changed.userId,
        method: changed.method,
        state: outcome,
        address: changed.maskedAddress,
        ...(changed.error ? { error: changed.error } : {}),
      },
      // A provider that repeats itself (a status callback sent twice) is one line of the timeline.
      dedupKey: `attempt:${changed.id}:${outcome}`,
    });
  }
}

/** A test page's receipts are reported to whoever asked for it, one re-render after another. */
export const testPageOrderingKey = (pageId: number): string => `testpage:${pageId}`;

async function enqueueReceipts(
  tx: Tx,
  changed: ReadonlyArray<Pick<NotificationAttempt, 'incidentId' | 'notificationId' | 'pageId'>>,
): Promise<void> {
  const unique = new Map(changed.map((a) => [a.incidentId === null ? `test:${a.pageId}` : `notification:${a.notificationId}`, a]));
  await enqueueForIncidents(
    tx,
    [...unique.values()].map(({ incidentId, notificationId, pageId }) =>
      incidentId === null
        ? { incidentId, orderingKey: testPageOrderingKey(pageId), effect: { kind: 'testpage.report', payload: { pageId } } }
        : { incidentId, effect: { kind: 'page.receipt', payload: { incidentId, notificationId } } },
    ),
  );
}

export async function attemptById(tx: Tx, id: number): Promise<NotificationAttempt | undefined> {
  const [attempt] = await tx.select().from(notificationAttempts).where(eq(notificationAttempts.id, id));
  return attempt;
}

/** A notification's attempts, oldest first: its receipt. */
export async function attemptsOf(tx: Tx, notificationId: number): Promise<NotificationAttempt[]> {
  return tx
    .select()
    .from(notificationAttempts)
    .where(eq(notificationAttempts.notificationId, notificationId))
    .orderBy(asc(notificationAttempts.id));
}

/** How far an attempt has come: a provider's late or repeated word never moves it back. */
const PROGRESS: Record<AttemptState, number> = {
  pending: 0,
  queued: 1,
  sent: 2,
  delivered: 3,
  no_answer: 4,
  failed: 4,
  acknowledged: 5,
  cancelled: 5,
  skipped: 5,
};

/** Where an attempt's other effects (a notice to its person) are ordered: with its incident, or its test page. */
export const attemptEnqueueOptions = (attempt: Pick<NotificationAttempt, 'incidentId' | 'pageId'>) =>
  attempt.incidentId === null ? { orderingKey: testPageOrderingKey(attempt.pageId) } : { incidentId: attempt.incidentId };

/** Each method as a sentence names it. */
export const METHOD_NAMES = { email: 'e-mail', sms: 'SMS', voice: 'a call', push: 'push' } as const;

/** What the person is told in Slack when one of their methods did not reach them; the page goes on. */
export function failureNotice(
  attempt: Pick<NotificationAttempt, 'userId' | 'method' | 'maskedAddress' | 'incidentId'>,
  why: string,
): Effect {
  const where = attempt.maskedAddress ? ` (${attempt.maskedAddress})` : '';
  const page = attempt.incidentId === null ? 'your test page' : `the page of INC-${attempt.incidentId}`;
  const text = `⚠️ Firewatch could not reach you by ${METHOD_NAMES[attempt.method]}${where} for ${page}: ${why}. Check the address Firewatch has for you.`;
  return { kind: 'notice.dm', payload: { userId: attempt.userId, text } };
}

/**
 * A provider's word on an attempt, found by the provider's id (Twilio's status callbacks): delivered, no
 * answer, failed. It moves an attempt only forward; a failure is told to the person.
 */
export async function recordProviderStatus(db: Db, providerId: string, state: AttemptState, error?: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [attempt] = await tx.select().from(notificationAttempts).where(eq(notificationAttempts.providerId, providerId)).for('update');
    if (!attempt || PROGRESS[state] <= PROGRESS[attempt.state]) return;
    await recordAttempt(tx, attempt.id, {
      state,
      ...(state === 'delivered' ? { deliveredAt: new Date() } : {}),
      ...(error ? { error } : {}),
    });
    if (state === 'failed')
      await enqueue(tx, [failureNotice(attempt, error ?? 'the provider could not deliver it')], attemptEnqueueOptions(attempt));
  });
}

/** The person acknowledged by this method (an SMS reply, a key on the call): their latest attempt of it says so. */
export async function markAcknowledgedBy(tx: Tx, pageId: number, userId: string, method: NotificationAttempt['method']): Promise<void> {
  const [latest] = await tx
    .select({ id: notificationAttempts.id })
    .from(notificationAttempts)
    .where(and(eq(notificationAttempts.pageId, pageId), eq(notificationAttempts.userId, userId), eq(notificationAttempts.method, method)))
    .orderBy(desc(notificationAttempts.id))
    .limit(1);
  if (latest) await recordAttempt(tx, latest.id, { state: 'acknowledged' });
}
