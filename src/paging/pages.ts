import { and, asc, eq, getTableColumns, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { pageNotifications, pages, timelineEvents, type Incident, type Page } from '../db/schema.js';
import type { Effect } from '../outbox/effects.js';
import { enqueueForIncidents } from '../outbox/enqueue.js';
import { refreshHomes } from '../outbox/home.js';
import type { TimelineData, TimelineEntry, TimelineKind } from '../timeline/events.js';
import { recordEvent, timelineRow, type TimelineRow } from '../timeline/record.js';
import { enqueueWebhookEvents } from '../webhooks/enqueue.js';
import { announce } from '../workflow/audience.js';
import { startAttempts } from './attempts.js';
import { incidentIdOf } from './page-kind.js';
import { escalationStep, frozenPolicySchema, resolveLevel, type FrozenPolicy } from './policy.js';
import type { FrozenRules } from './rules.js';

const interval = (ms: number) => sql`now() + ${`${ms} milliseconds`}::interval`;

export function policyOf(page: Page): FrozenPolicy {
  return frozenPolicySchema.parse(page.policy);
}

/** Records a page event, and queues what its audience is told. */
export async function note<K extends TimelineKind>(
  tx: Tx,
  incidentId: number,
  kind: K,
  actor: string | null,
  data: TimelineData<K>,
  effects: Effect[],
): Promise<void> {
  const event = await recordEvent(tx, { incidentId, kind, actor, data });
  if (!event) throw new Error(`${kind} was not recorded`);
  effects.push(...announce(event));
}

type StepEvent = TimelineEntry<'page_triggered' | 'page_escalated' | 'page_exhausted'>;

/** What one page's step writes besides the page row itself. */
interface StepWrite {
  page: Page;
  /** The event of the step itself. */
  event?: StepEvent & { actor: string | null };
  /** The level whose targets are notified now, each person at most once per level and pass. */
  notify?: { level: number; loop: number };
}

/** Tells a page's events apart within one batch: a page takes one step per batch. */
function eventKey(kind: string, data: Record<string, unknown>): string {
  return `${String(data.pageId)}:${kind}:${String(data.schedule ?? data.user ?? '')}`;
}

/**
 * Writes the events, notifications and outbox rows of many page steps with one statement per table,
 * however many pages moved: a sweep of hundreds of due pages is a handful of round trips, not hundreds.
 * Per page each person notified gets their DM, then its audience hears of the step, each skipped schedule
 * and each person notified.
 */
async function writeSteps(tx: Tx, steps: readonly StepWrite[], now: Date): Promise<void> {
  const events: TimelineRow[] = [];
  const plans = steps.map((step) => {
    const { page } = step;
    const lines: string[] = [];
    const add = <K extends TimelineKind>(kind: K, actor: string | null, data: TimelineData<K>) => {
      events.push(timelineRow({ incidentId: incidentIdOf(page), kind, actor, data }));
      lines.push(eventKey(kind, data));
    };
    if (step.event) add(step.event.kind, step.event.actor, step.event.data);
    let users: string[] = [];
    if (step.notify) {
      const { level, loop } = step.notify;
      const resolved = resolveLevel(policyOf(page), level, now);
      for (const schedule of resolved.skipped)
        add('page_target_skipped', null, { pageId: page.id, policy: page.policyId, schedule, level, loop });
      users = resolved.users;
    }
    return { step, lines, users };
  });

  const candidates = plans.flatMap(({ step, users }) =>
    step.notify ? users.map((userId) => ({ pageId: step.page.id, level: step.notify!.level, loop: step.notify!.loop, userId })) : [],
  );
  const inserted = candidates.length ? await tx.insert(pageNotifications).values(candidates).onConflictDoNothing().returning() : [];
  const notificationOf = new Map(inserted.map((n) => [`${n.pageId}:${n.level}:${n.loop}:${n.userId}`, n]));
  const pageOf = new Map(steps.map((s) => [s.page.id, s.page]));
  const attempts = await startAttempts(
    tx,
    inserted.flatMap((notification) => {
      const page = pageOf.get(notification.pageId);
      return page ? [{ page, notification }] : [];
    }),
    now,
  );
  const sent = plans.map(({ step, users }) =>
    users.flatMap((userId) => {
      const notification = step.notify && notificationOf.get(`${step.page.id}:${step.notify.level}:${step.notify.loop}:${userId}`);
      if (!notification) return [];
      const data = { pageId: step.page.id, policy: step.page.policyId, user: userId, level: notification.level, loop: notification.loop };
      events.push(timelineRow({ incidentId: incidentIdOf(step.page), kind: 'page_notified', actor: step.page.triggeredBy, data }));
      return [{ key: eventKey('page_notified', data), notification }];
    }),
  );

  const recorded = events.length
    ? await tx
        .insert(timelineEvents)
        .values(events)
        .returning({ id: timelineEvents.id, incidentId: timelineEvents.incidentId, kind: timelineEvents.kind, data: timelineEvents.data })
    : [];
  await enqueueWebhookEvents(tx, recorded);
  const byKey = new Map(recorded.map((e) => [eventKey(e.kind, e.data), e]));
  const eventOf = (key: string) => {
    const event = byKey.get(key);
    if (event === undefined) throw new Error(`page event ${key} was not recorded`);
    return event;
  };
  const told = (key: string) => {
    const event = eventOf(key);
    return announce(event).map((effect) => ({ incidentId: event.incidentId, effect }));
  };
  // Each page's first notifications (the DMs and the attempts due at once) come before any channel line:
  // the outbox takes the oldest rows first, so when hundreds of pages move at once people are woken
  // before the channels hear of it. Within an incident's queue the DM still precedes its line.
  const attemptsOf = new Map<number, typeof attempts>();
  for (const a of attempts) {
    attemptsOf.set(a.pageId, [...(attemptsOf.get(a.pageId) ?? []), a]);
  }
  const firsts = plans.flatMap(({ step }, i) => {
    const incidentId = incidentIdOf(step.page);
    return [
      ...(sent[i] ?? []).map(({ notification }) => ({
        incidentId,
        effect: { kind: 'page.dm', payload: { incidentId, pageId: step.page.id, notificationId: notification.id } } satisfies Effect,
      })),
      ...(attemptsOf.get(step.page.id) ?? []),
    ];
  });
  const lines = plans.flatMap(({ lines: own }, i) => [...own.flatMap(told), ...(sent[i] ?? []).flatMap(({ key }) => told(key))]);
  await enqueueForIncidents(tx, [...firsts, ...lines]);
  // A page that reaches someone is open on their Home (test pages are not listed there).
  await refreshHomes(
    tx,
    inserted.filter((n) => pageOf.get(n.pageId)?.kind === 'incident').map((n) => n.userId),
  );
}

/** Starts a page inside the caller's transaction and notifies its first level. */
export async function triggerPage(
  tx: Tx,
  request: { incident: Incident; policy: FrozenPolicy; rules: FrozenRules; actor: string | null; message: string | undefined },
): Promise<Page> {
  const { incident, policy } = request;
  const first = policy.levels[0];
  if (!first) throw new Error(`policy ${policy.id} has no levels`);
  const [page] = await tx
    .insert(pages)
    .values({
      incidentId: incident.id,
      policyId: policy.id,
      policy,
      rules: request.rules,
      triggeredBy: request.actor,
      message: request.message ?? null,
      nextEscalationAt: interval(first.delayMs),
    })
    .returning();
  if (!page) throw new Error('page was not inserted');
  const data = { pageId: page.id, policy: policy.id, ...(request.message ? { message: request.message } : {}) };
  await writeSteps(
    tx,
    [{ page, event: { kind: 'page_triggered', actor: request.actor, data }, notify: { level: 0, loop: 0 } }],
    new Date(),
  );
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
 * Moves pages one step each: the next level, the first level of the next pass, or exhaustion. One
 * statement moves them all, each conditional on the step seen, so nothing happens twice. Returns the
 * pages that moved.
 */
export async function advance(
  tx: Tx,
  batch: readonly Page[],
  options: { manual: boolean; actor: string | null; onLate?: ((ms: number) => void) | undefined },
): Promise<Page[]> {
  const now = new Date();
  const planned = batch.flatMap((page) => {
    const policy = policyOf(page);
    const step = escalationStep(policy, page, now, options.manual);
    if (step.kind === 'none') return [];
    // How late the sweep fired, for the lateness figures; a manual escalation is not late.
    const lateMs = !options.manual && page.nextEscalationAt ? now.getTime() - page.nextEscalationAt.getTime() : undefined;
    const exhaust = step.kind === 'exhaust';
    const level = exhaust ? page.level : step.level;
    const loop = exhaust ? page.loop : step.loop;
    return [{ page, policy, exhaust, level, loop, delayMs: exhaust ? 0 : (policy.levels[level]?.delayMs ?? 0), lateMs }];
  });
  if (planned.length === 0) return [];
  const rows = sql.join(
    planned.map(
      (p) => sql`(${p.page.id}::int, ${p.page.step}::int, ${p.level}::int, ${p.loop}::int, ${p.delayMs}::bigint, ${p.exhaust}::boolean)`,
    ),
    sql`, `,
  );
  const delay = sql`step.delay_ms * interval '1 millisecond'`;
  // A sweep counts the next delay from when this step was due, so a late tick does not push every later
  // level back too; never earlier than a full delay from now after a long outage, though.
  const nextFromDue = options.manual
    ? sql`now() + ${delay}`
    : sql`case when ${pages.nextEscalationAt} is null then now() + ${delay} else greatest(${pages.nextEscalationAt} + ${delay}, now()) end`;
  const moved = await tx
    .update(pages)
    .set({
      level: sql`step.level`,
      loop: sql`step.loop`,
      step: sql`${pages.step} + 1`,
      state: sql`case when step.exhaust then 'exhausted' else ${pages.state} end`,
      endedAt: sql`case when step.exhaust then now() else ${pages.endedAt} end`,
      nextEscalationAt: sql`case when step.exhaust then null else ${nextFromDue} end`,
    })
    .from(sql`(values ${rows}) as step(id, seen, level, loop, delay_ms, exhaust)`)
    .where(and(sql`${pages.id} = step.id`, sql`${pages.step} = step.seen`))
    .returning(getTableColumns(pages));
  const movedById = new Map(moved.map((m) => [m.id, m]));
  const writes: StepWrite[] = [];
  for (const p of planned) {
    const after = movedById.get(p.page.id);
    if (!after) continue;
    if (p.lateMs !== undefined) options.onLate?.(p.lateMs);
    const late = p.lateMs !== undefined ? { lateMs: p.lateMs } : {};
    writes.push(
      p.exhaust
        ? {
            page: after,
            event: {
              kind: 'page_exhausted',
              actor: options.actor,
              data: { pageId: p.page.id, policy: p.policy.id, passes: p.policy.repeat + 1, ...late },
            },
          }
        : {
            page: after,
            event: {
              kind: 'page_escalated',
              actor: options.actor,
              data: { pageId: p.page.id, policy: p.policy.id, level: p.level, loop: p.loop, manual: options.manual, ...late },
            },
            notify: { level: p.level, loop: p.loop },
          },
    );
  }
  await writeSteps(tx, writes, now);
  return moved;
}

/**
 * Escalates every page whose time has come: claimed with FOR UPDATE SKIP LOCKED in batches, so replicas
 * share the work and each page moves once per due time. Returns how many pages moved.
 */
export async function sweepDuePages(
  db: Db,
  options: { batchSize?: number; parallel?: number; onLate?: (ms: number) => void } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 200;
  let moved = 0;
  // Several claimers at once: SKIP LOCKED hands each its own pages, so a burst of due pages is spread
  // over connections instead of waiting behind one transaction at a time.
  const claimer = async () => {
    for (;;) {
      const claimed = await db.transaction(async (tx) => {
        const due = await tx
          .select()
          .from(pages)
          // A test page escalates to nobody: its due time is when it expires (paging/test-pages.ts).
          .where(and(eq(pages.kind, 'incident'), eq(pages.state, 'triggered'), lte(pages.nextEscalationAt, sql`now()`)))
          .orderBy(asc(pages.nextEscalationAt))
          .limit(batchSize)
          .for('update', { skipLocked: true });
        moved += (await advance(tx, due, { manual: false, actor: null, onLate: options.onLate })).length;
        return due.length;
      });
      if (claimed < batchSize) return;
    }
  };
  await Promise.all(Array.from({ length: options.parallel ?? 2 }, claimer));
  return moved;
}
