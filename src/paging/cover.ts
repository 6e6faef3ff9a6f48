// Cover requests: a person asks for someone to take their own shifts in a window; the first to click
// I'll cover takes them (once, however many replicas and clicks), and the take becomes overrides.
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { Db } from '../db/client.js';
import { coverRequests, type CoverRequest } from '../db/schema.js';
import { recordAudit } from '../audit/record.js';
import { enqueue } from '../outbox/enqueue.js';
import { msg, person, refuse, type Message, type Outcome, type Refusal } from '../outcome.js';
import { currentSchedules } from './current-schedules.js';
import { createOverride, findSchedule, windowAsTyped, windowsText, type OverrideMade, type Window } from './overrides.js';
import { describeInstant } from './schedule-times.js';
import { shiftsBetween, type ScheduleDef } from './schedule.js';

const DAY_MS = 86_400_000;
/** How far ahead "you are next on call" looks. */
const NEXT_SHIFT_HORIZON_MS = 366 * DAY_MS;

export const coverOrderingKey = (requestId: number) => `cover:${requestId}`;

/** The parts of [window) in which `user` is on call. */
export function shiftsOf(def: ScheduleDef, user: string, window: Window): Window[] {
  return shiftsBetween(def, window.start, window.end)
    .filter((s) => s.user === user)
    .map((s) => ({ start: s.start, end: s.end }));
}

/** "You are next on call on platform from …", or that you are not on call there within a year. */
function nextShift(def: ScheduleDef, user: string, after: Date): Message {
  const [next] = shiftsOf(def, user, { start: after, end: new Date(after.getTime() + NEXT_SHIFT_HORIZON_MS) });
  if (!next) return msg`You are not on call on ${def.id} at all in the next 12 months.`;
  const when = next.start.getTime() <= after.getTime() ? 'now' : `from ${describeInstant(next.start, def.timeZone)}`;
  return msg`You are next on call on ${def.id} ${when} until ${describeInstant(next.end, def.timeZone)}.`;
}

export type CoverRequested = Outcome<{ request: CoverRequest; channelUnset: boolean }>;

/**
 * `/incident oncall cover` (and the Request cover form): a request for cover of the requester's own
 * shifts in the window, posted in the schedule's channel, else in `fallbackChannel` (where the command
 * was typed). Refused when the requester is not on call at any point in the window.
 */
export async function requestCover(
  db: Db,
  config: Config,
  typed: {
    scheduleId: string;
    requester: string;
    from: string;
    to: string;
    now: Date;
    reason: string | null;
    fallbackChannel: string | undefined;
  },
): Promise<CoverRequested> {
  const schedule = findSchedule(config, typed.scheduleId);
  if ('ok' in schedule) return schedule;
  const read = windowAsTyped(schedule, typed);
  if ('ok' in read) return read;
  const request = { ...typed, window: read.window };
  const channel = schedule.channel ?? request.fallbackChannel;
  if (!channel)
    return refuse(
      'invalid',
      msg`${schedule.id} has no channel to post the request in (\`schedules[].channel\` is unset in the config); ask for cover with the oncall cover command in a channel instead.`,
      'schedule',
    );
  return db.transaction(async (tx) => {
    const def = (await currentSchedules(tx, config)).find((s) => s.id === schedule.id);
    if (!def) throw new Error(`schedule ${schedule.id} is not configured`);
    const zone = schedule.time_zone;
    const mine = shiftsOf(def, request.requester, request.window);
    if (mine.length === 0) {
      return refuse(
        'invalid',
        [
          ...msg`You are not on call on ${schedule.id} at any point from ${read.understood}, so there is nothing to cover. `,
          ...nextShift(def, request.requester, request.now),
        ],
        'from',
      );
    }
    const [row] = await tx
      .insert(coverRequests)
      .values({
        scheduleId: schedule.id,
        requester: request.requester,
        startsAt: request.window.start,
        endsAt: request.window.end,
        reason: request.reason,
        messageChannel: channel,
      })
      .returning();
    if (!row) throw new Error('the cover request was not inserted');
    await recordAudit(tx, {
      actor: request.requester,
      action: 'cover.requested',
      subject: schedule.id,
      after: { request: row.id, start: row.startsAt.toISOString(), end: row.endsAt.toISOString(), reason: row.reason, channel },
    });
    await enqueue(tx, [{ kind: 'cover.post', payload: { requestId: row.id } }], { orderingKey: coverOrderingKey(row.id) });
    return {
      ok: true,
      request: row,
      channelUnset: schedule.channel === undefined,
      message: msg`🙋 Asked for cover of your shifts on ${schedule.id}: ${windowsText(mine, zone)}.`,
    };
  });
}

export async function getCoverRequest(db: Db, id: number): Promise<CoverRequest | undefined> {
  const [row] = await db.select().from(coverRequests).where(eq(coverRequests.id, id));
  return row;
}

/** Why a request cannot be taken by `taker` at `now`, or undefined when it can. */
function notTakeable(request: CoverRequest, taker: string, now: Date, zone: string): Refusal | undefined {
  if (request.takenBy)
    return refuse('final', msg`This request was already taken by ${person(request.takenBy)}${request.takenBy === taker ? ' (you)' : ''}.`);
  if (request.endsAt.getTime() <= now.getTime())
    return refuse('final', msg`This request for cover expired: its window ended at ${describeInstant(request.endsAt, zone)}.`);
  if (request.requester === taker) return refuse('forbidden', msg`This is your own request for cover: someone else has to take it.`);
  return undefined;
}

export type CoverTaken = Outcome<{ made: OverrideMade; request: CoverRequest }>;

/**
 * The I'll cover button. The first click takes the request (a conditional update, so two clicks on two
 * replicas cannot both win) and becomes overrides for the taker over the requester's shifts in what is
 * left of the window; the request is re-rendered and both people are told by DM.
 */
export async function takeCover(db: Db, config: Config, request: { requestId: number; taker: string; now: Date }): Promise<CoverTaken> {
  const seen = await getCoverRequest(db, request.requestId);
  if (!seen) return refuse('not_found', msg`That request for cover does not exist.`);
  const schedule = findSchedule(config, seen.scheduleId);
  if ('ok' in schedule) return refuse('not_found', msg`The schedule ${seen.scheduleId} of this request is no longer configured.`);
  const zone = schedule.time_zone;
  const early = notTakeable(seen, request.taker, request.now, zone);
  if (early) return early;
  // A request taken once its window began covers only what is still to come.
  const window = { start: new Date(Math.max(seen.startsAt.getTime(), request.now.getTime())), end: seen.endsAt };
  let taken: CoverRequest | undefined;
  const made = await createOverride(
    db,
    config,
    { scheduleId: seen.scheduleId, userId: request.taker, window, createdBy: request.taker, reason: seen.reason },
    async (tx, before) => {
      // Under the schedule's lock: a click that won meanwhile has committed, and is what this one hears.
      const [current] = await tx.select().from(coverRequests).where(eq(coverRequests.id, seen.id));
      const late = notTakeable(current ?? seen, request.taker, request.now, zone);
      if (late) return late;
      const windows = shiftsOf(before, seen.requester, window);
      if (windows.length === 0)
        return refuse(
          'final',
          msg`${person(seen.requester)} is no longer on call at any point in this request’s window: there is nothing left to cover.`,
        );
      [taken] = await tx
        .update(coverRequests)
        .set({ state: 'taken', takenBy: request.taker, takenAt: sql`now()` })
        .where(and(eq(coverRequests.id, seen.id), isNull(coverRequests.takenBy), gt(coverRequests.endsAt, sql`now()`)))
        .returning();
      if (!taken) {
        // Someone else's click won meanwhile (or the window just ended): say which, as it stands now.
        const now = await tx.select().from(coverRequests).where(eq(coverRequests.id, seen.id));
        return (
          notTakeable(now[0] ?? seen, request.taker, request.now, zone) ??
          refuse('conflict', msg`This request changed meanwhile; look again.`)
        );
      }
      const key = { orderingKey: coverOrderingKey(seen.id) };
      await enqueue(
        tx,
        [
          { kind: 'cover.update', payload: { requestId: seen.id } },
          { kind: 'cover.dm', payload: { requestId: seen.id, userId: seen.requester } },
          { kind: 'cover.dm', payload: { requestId: seen.id, userId: request.taker } },
        ],
        key,
      );
      return { windows, action: 'cover.taken', details: { request: seen.id, requester: seen.requester } };
    },
  );
  if ('ok' in made) return made;
  if (!taken) throw new Error('a cover request was taken without its row');
  const covered = windowsText(
    made.overrides.map((o) => ({ start: o.startsAt, end: o.endsAt })),
    zone,
  );
  const message = msg`✅ You cover ${person(seen.requester)} on ${schedule.id}: ${covered}.`;
  return { ok: true, message, made, request: taken };
}
