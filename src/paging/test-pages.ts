// Test pages (`/incident oncall test`, paging drills): one person's whole chain, through the same
// notifications, attempts and providers as an incident's page, with no incident and nobody else paged.
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import { formatDuration } from '../config/duration.js';
import type { Db, Tx } from '../db/client.js';
import {
  notificationAttempts,
  pageNotifications,
  pages,
  type NotificationAttempt,
  type Page,
  type PageNotification,
} from '../db/schema.js';
import type { Effect } from '../outbox/effects.js';
import { enqueue, enqueueForIncidents } from '../outbox/enqueue.js';
import { command, msg, person, refuse, type Message, type Outcome } from '../outcome.js';
import { cancelAttempts, markAcknowledgedBy, METHOD_NAMES, recordAttempt, startAttempts, testPageOrderingKey } from './attempts.js';
import { finishDrillsOf } from './drill-runs.js';
import { acknowledgedBy } from './page-kind.js';
import type { FrozenPolicy } from './policy.js';
import { freezeRules, plannedAttempts, rulesFor, type FrozenRules, type PlannedAttempt } from './rules.js';

export const TEST_POLICY_ID = 'test';

export type TestPageOutcome = Outcome<{ page: Page }>;

/** Everything a test page is reported from. */
export interface TestPageReceipts {
  page: Page;
  notification: PageNotification;
  attempts: NotificationAttempt[];
}

/** When a test page gives up waiting: its last method's delay, then the time allowed to acknowledge. */
export function testPageDeadlineMs(planned: readonly PlannedAttempt[], ackWithinMs: number): number {
  return Math.max(0, ...planned.map((p) => p.afterMs)) + ackWithinMs;
}

/** Sends its DM first, then reports; every later receipt is reported after them, in order. */
const reportEffects = (pageId: number, notificationId: number): Effect[] => [
  { kind: 'testpage.dm', payload: { pageId, notificationId } },
  { kind: 'testpage.report', payload: { pageId } },
];

/**
 * Starts a test page of one person inside the caller's transaction: their Slack DM, the attempts their
 * frozen rules ask for, and the report to whoever asked (`requestedBy`; none for a drill's).
 */
export async function triggerTestPage(
  tx: Tx,
  request: { target: string; requestedBy: string | null; rules: FrozenRules; ackWithinMs: number; drillDueAt?: Date },
): Promise<{ page: Page; planned: PlannedAttempt[] }> {
  const planned = plannedAttempts(rulesFor(request.rules, request.target));
  const deadlineMs = testPageDeadlineMs(planned, request.ackWithinMs);
  // The policy a page carries, so code that reads any page reads this one: one level, the person alone.
  const policy: FrozenPolicy = { id: TEST_POLICY_ID, repeat: 0, levels: [{ delayMs: deadlineMs, targets: [{ user: request.target }] }] };
  const [page] = await tx
    .insert(pages)
    .values({
      kind: 'test',
      incidentId: null,
      policyId: TEST_POLICY_ID,
      policy,
      rules: request.rules,
      triggeredBy: request.requestedBy,
      testTarget: request.target,
      drillDueAt: request.drillDueAt ?? null,
      nextEscalationAt: sql`now() + ${`${deadlineMs} milliseconds`}::interval`,
    })
    .returning();
  if (!page) throw new Error('test page was not inserted');
  const [notification] = await tx
    .insert(pageNotifications)
    .values({ pageId: page.id, level: 0, loop: 0, userId: request.target })
    .returning();
  if (!notification) throw new Error('test page notification was not inserted');
  await enqueueForIncidents(tx, await startAttempts(tx, [{ page, notification }], new Date()));
  await enqueue(tx, reportEffects(page.id, notification.id), { orderingKey: testPageOrderingKey(page.id) });
  return { page, planned };
}

/** "e-mail and push at once, SMS after 2m": what a person's rules will try besides Slack. */
function chainText(planned: readonly PlannedAttempt[]): string {
  const byDelay = new Map<number, string[]>();
  for (const p of planned) byDelay.set(p.afterMs, [...(byDelay.get(p.afterMs) ?? []), METHOD_NAMES[p.method]]);
  return [...byDelay]
    .sort(([a], [b]) => a - b)
    .map(([afterMs, names]) => `${names.join(' and ')} ${afterMs === 0 ? 'at once' : `after ${formatDuration(afterMs)}`}`)
    .join(', ');
}

/**
 * Anyone may test themselves. Testing someone else makes their phone ring, so with `admins:` configured
 * it is for the admins; without, anyone may (a test page asks nothing of its person but an
 * acknowledgement, and says it is a test).
 */
export const mayTestPage = (config: Pick<Config, 'admins'>, requestedBy: string, target: string): boolean =>
  target === requestedBy || config.admins.length === 0 || config.admins.includes(requestedBy);

/**
 * `/incident oncall test [@user]`: a test page of the person through their whole chain (mayTestPage says
 * who may ask); one test page of a person runs at a time.
 */
export async function startTestPage(db: Db, config: Config, request: { requestedBy: string; target: string }): Promise<TestPageOutcome> {
  if (!mayTestPage(config, request.requestedBy, request.target)) {
    return refuse('forbidden', [
      ...msg`Only Firewatch admins (`,
      ...config.admins.flatMap((u, i) => (i === 0 ? [person(u)] : [', ', person(u)])),
      ...msg`) may test-page someone else. To test your own chain: ${command('oncall test')}.`,
    ]);
  }
  return db.transaction(async (tx) => {
    // Serialises two requests for the same person, so one test page of them runs at a time.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`testpage:${request.target}`}))`);
    const [running] = await tx
      .select({ id: pages.id })
      .from(pages)
      .where(and(eq(pages.kind, 'test'), eq(pages.testTarget, request.target), eq(pages.state, 'triggered')))
      .limit(1);
    if (running) return refuse('conflict', msg`A test page of ${person(request.target)} is already running; wait for its report.`);
    const { page, planned } = await triggerTestPage(tx, {
      target: request.target,
      requestedBy: request.requestedBy,
      rules: await freezeRules(tx, config),
      ackWithinMs: config.testAckWithinMs,
    });
    const whom = request.target === request.requestedBy ? msg`you` : msg`${person(request.target)}`;
    const chain: Message =
      planned.length > 0 ? msg`Slack now, then ${chainText(planned)}.` : msg`Slack only: their rules name no other method.`;
    return {
      ok: true,
      page,
      message: [
        ...msg`🧪 Test page sent to `,
        ...whom,
        ...msg` — nothing is wrong, and nobody else is paged. `,
        ...chain,
        ...msg` Its receipts and the time to acknowledge follow in a DM.`,
      ],
    };
  });
}

/** Why a test page cannot be acknowledged (any more), by its state. */
function over(page: Page): Outcome<{ page: Page }> {
  return page.state === 'acknowledged'
    ? refuse('final', msg`This test page was already acknowledged.`)
    : refuse('final', msg`This test page is over: nobody acknowledged it in time.`);
}

/**
 * Acknowledges a test page as its person, by any method; every pending attempt is cancelled in the same
 * transaction, and the report says how long it took. Nobody joins anything: there is no incident.
 */
export async function acknowledgeTestPage(
  tx: Tx,
  request: { pageId: number; actor: string; via?: NotificationAttempt['method'] | 'slack'; attemptId?: number },
): Promise<TestPageOutcome> {
  const [page] = await tx.select().from(pages).where(eq(pages.id, request.pageId)).for('update');
  if (!page || page.kind !== 'test') return refuse('not_found', msg`That test page does not exist.`);
  if (page.testTarget !== request.actor) return refuse('forbidden', msg`This test page is for ${person(page.testTarget ?? '')}.`);
  const [acked] = await tx
    .update(pages)
    .set(acknowledgedBy(request.actor))
    .where(and(eq(pages.id, page.id), eq(pages.state, 'triggered')))
    .returning();
  if (!acked) return over(page);
  await cancelAttempts(tx, [acked.id]);
  if (request.attemptId) await recordAttempt(tx, request.attemptId, { state: 'acknowledged' });
  else if (request.via && request.via !== 'slack') await markAcknowledgedBy(tx, acked.id, request.actor, request.via);
  await enqueue(tx, [{ kind: 'testpage.report', payload: { pageId: acked.id } }], { orderingKey: testPageOrderingKey(acked.id) });
  await finishDrillsOf(tx, [acked]);
  return { ok: true, page: acked, message: msg`Test page acknowledged: it reached you. Nothing is wrong.` };
}

/**
 * Ends every test page whose time to acknowledge has run out, claimed FOR UPDATE SKIP LOCKED so replicas
 * share them and each ends once; its report then says it was not acknowledged. Returns how many ended.
 */
export async function sweepExpiredTestPages(db: Db, batchSize = 200): Promise<number> {
  let expired = 0;
  for (;;) {
    const claimed = await db.transaction(async (tx) => {
      const due = tx
        .select({ id: pages.id })
        .from(pages)
        .where(and(eq(pages.kind, 'test'), eq(pages.state, 'triggered'), lte(pages.nextEscalationAt, sql`now()`)))
        .orderBy(asc(pages.nextEscalationAt))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      const ended = await tx
        .update(pages)
        .set({ state: 'expired', nextEscalationAt: null, endedAt: sql`now()`, step: sql`${pages.step} + 1` })
        .where(and(inArray(pages.id, due), eq(pages.state, 'triggered')))
        .returning();
      await cancelAttempts(
        tx,
        ended.map((p) => p.id),
      );
      await enqueueForIncidents(
        tx,
        ended.map((p) => ({
          incidentId: null,
          orderingKey: testPageOrderingKey(p.id),
          effect: { kind: 'testpage.report', payload: { pageId: p.id } },
        })),
      );
      await finishDrillsOf(tx, ended);
      return ended.length;
    });
    expired += claimed;
    if (claimed < batchSize) return expired;
  }
}

/** A test page with its one notification and that notification's attempts, oldest first. */
export async function testPageReceipts(tx: Tx, pageId: number): Promise<TestPageReceipts | undefined> {
  const [found] = await tx
    .select({ page: pages, notification: pageNotifications })
    .from(pages)
    .innerJoin(pageNotifications, eq(pageNotifications.pageId, pages.id))
    .where(and(eq(pages.id, pageId), eq(pages.kind, 'test')));
  if (!found) return undefined;
  const attempts = await tx
    .select()
    .from(notificationAttempts)
    .where(eq(notificationAttempts.notificationId, found.notification.id))
    .orderBy(asc(notificationAttempts.id));
  return { ...found, attempts };
}

/** Remembers where a test page's report went, so later receipts edit it instead of posting again. */
export async function recordTestReport(tx: Tx, pageId: number, report: { channel: string; ts: string }): Promise<void> {
  await tx.update(pages).set({ reportChannel: report.channel, reportTs: report.ts }).where(eq(pages.id, pageId));
}

/** Slack would not deliver the test page's DM (a setting, the person): the report says so. */
export async function recordTestDmFailed(db: Db, notification: Pick<PageNotification, 'id' | 'pageId'>, error: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(pageNotifications).set({ dmError: error }).where(eq(pageNotifications.id, notification.id));
    await enqueue(tx, [{ kind: 'testpage.report', payload: { pageId: notification.pageId } }], {
      orderingKey: testPageOrderingKey(notification.pageId),
    });
  });
}
