// Announcing hand-offs: each due hand-off is claimed once across replicas, with what its post and DM say.
import { and, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import type { Config } from '../config/load.js';
import type { Db, Tx } from '../db/client.js';
import { scheduleHandoffs } from '../db/schema.js';
import type { Effect } from '../outbox/effects.js';
import { enqueue } from '../outbox/enqueue.js';
import { currentSchedules } from './current-schedules.js';
import { handoffsDue, HANDOFF_LOOKBACK_MS, type DueHandoff } from './handoffs.js';
import { shiftsBetween, type ScheduleDef } from './schedule.js';
import { openWork, shiftActivity } from './shift-activity.js';
import { shiftStats } from './shift-stats.js';

/** A shift longer than this (a one-person rotation) is summarised over its last 30 days. */
export const ENDED_SHIFT_MAX_MS = 30 * 86_400_000;

const date = z.coerce.date();

/** What a hand-off's post and DM say, as stored with its claim. */
export const handoffFactsSchema = z.object({
  scheduleId: z.string(),
  timeZone: z.string(),
  at: date,
  incoming: z.string().nullable(),
  until: date.nullable(),
  ended: z.object({
    user: z.string().nullable(),
    start: date,
    pages: z.number().int(),
    nightPages: z.number().int(),
    acknowledged: z.number().int(),
    medianAckMs: z.number().nullable(),
    incidents: z.number().int(),
  }),
  open: z.object({
    incidents: z.array(z.object({ id: z.number().int(), title: z.string(), severity: z.string(), status: z.string() })),
    unacknowledged: z.array(z.object({ pageId: z.number().int(), incidentId: z.number().int() })),
  }),
});
export type HandoffFacts = z.infer<typeof handoffFactsSchema>;

/** The figures of the shift that ended at the hand-off, and what it leaves open. */
async function handoffFacts(tx: Tx, def: ScheduleDef, h: DueHandoff): Promise<HandoffFacts> {
  const shifts = shiftsBetween(def, new Date(h.at.getTime() - ENDED_SHIFT_MAX_MS), h.at);
  const ended = shifts.at(-1)!;
  const stats = ended.user ? shiftStats([ended], def.timeZone, await shiftActivity(tx, ended.start, ended.end))[0] : undefined;
  const people = [h.from, h.to].filter((u): u is string => u !== null);
  return {
    scheduleId: def.id,
    timeZone: def.timeZone,
    at: h.at,
    incoming: h.to,
    until: h.until,
    ended: {
      user: ended.user,
      start: ended.start,
      pages: stats?.pages ?? 0,
      nightPages: stats?.nightPages ?? 0,
      acknowledged: stats?.acknowledged ?? 0,
      medianAckMs: stats?.medianAckMs ?? null,
      incidents: stats?.incidents ?? 0,
    },
    open: await openWork(tx, def.id, people),
  };
}

/**
 * Claims every hand-off due now that no replica has claimed yet, and queues its post (where the schedule
 * has a `channel`) and its DM to whoever comes on. Answers how many it claimed.
 */
export async function announceHandoffs(db: Db, config: Config, now = new Date()): Promise<number> {
  const schedules = await currentSchedules(db, config);
  const due = handoffsDue(schedules, now);
  if (due.length === 0) return 0;
  // Most ticks find only hand-offs already claimed: they are read, not fought over.
  const claimed = await db
    .select({ scheduleId: scheduleHandoffs.scheduleId, at: scheduleHandoffs.at })
    .from(scheduleHandoffs)
    .where(gt(scheduleHandoffs.at, new Date(now.getTime() - HANDOFF_LOOKBACK_MS - 1)));
  const isClaimed = (h: DueHandoff) => claimed.some((c) => c.scheduleId === h.scheduleId && c.at.getTime() === h.at.getTime());
  let announced = 0;
  for (const h of due.filter((d) => !isClaimed(d))) {
    const def = schedules.find((s) => s.id === h.scheduleId)!;
    const channel = config.schedules.find((s) => s.id === h.scheduleId)?.channel;
    const won = await db.transaction(async (tx) => {
      const facts = await handoffFacts(tx, def, h);
      const rows = await tx
        .insert(scheduleHandoffs)
        .values({ scheduleId: h.scheduleId, at: h.at, data: facts as unknown as Record<string, unknown> })
        .onConflictDoNothing()
        .returning({ at: scheduleHandoffs.at });
      if (rows.length === 0) return false;
      const ref = { scheduleId: h.scheduleId, at: h.at.toISOString() };
      const effects: Effect[] = [];
      if (channel) effects.push({ kind: 'handoff.post', payload: ref });
      if (h.to) effects.push({ kind: 'handoff.dm', payload: ref });
      await enqueue(tx, effects, { orderingKey: `handoff:${h.scheduleId}` });
      return true;
    });
    if (won) announced++;
  }
  return announced;
}

/** A claimed hand-off's facts, for delivery to render; undefined when there is no such claim. */
export async function claimedHandoff(tx: Tx, scheduleId: string, at: Date): Promise<HandoffFacts | undefined> {
  const [row] = await tx
    .select({ data: scheduleHandoffs.data })
    .from(scheduleHandoffs)
    .where(and(eq(scheduleHandoffs.scheduleId, scheduleId), eq(scheduleHandoffs.at, at)));
  const parsed = handoffFactsSchema.safeParse(row?.data);
  return parsed.success ? parsed.data : undefined;
}
