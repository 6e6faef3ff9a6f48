// Overrides made in Slack: who may make them, and the one step that writes them (with their audit row)
// for `/incident oncall override` and for a cover request someone took alike.
import { sql } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { AuditAction } from '../db/schema.js';
import type { Db, Tx } from '../db/client.js';
import { scheduleOverrides, type ScheduleOverride } from '../db/schema.js';
import { recordAudit } from '../audit/record.js';
import { command, msg, person, refuse, type Message, type Refusal } from '../outcome.js';
import { refreshHomes } from '../outbox/home.js';
import { announceCoverageDiff } from './coverage-announce.js';
import { coverageDiff } from './coverage.js';
import { currentSchedules } from './current-schedules.js';
import { describeInstant, parseWindow } from './schedule-times.js';
import { shiftsBetween, type ScheduleDef, type Shift } from './schedule.js';

type ConfigSchedule = Config['schedules'][number];

/** A schedule's members: its rotation's users and whoever holds an override of it in the config. */
export function scheduleMembers(schedule: ConfigSchedule): string[] {
  return [...new Set([...schedule.rotation.users, ...schedule.overrides.map((o) => o.user)])];
}

/** Overriding a schedule's shifts is for its members and for the config's `admins:`. */
export const mayOverride = (config: Config, schedule: ConfigSchedule, actor: string): boolean =>
  config.admins.includes(actor) || scheduleMembers(schedule).includes(actor);

const people = (users: readonly string[]): Message => users.flatMap((u, i) => (i === 0 ? [person(u)] : [', ', person(u)]));

/** The refusal that says who may override the schedule. */
export function overrideForbidden(config: Config, schedule: ConfigSchedule): Refusal {
  const admins: Message =
    config.admins.length > 0
      ? [...msg`Firewatch admins (`, ...people(config.admins), ')']
      : msg`Firewatch admins (none are configured: \`admins:\`)`;
  return refuse('forbidden', [
    ...msg`Only members of ${schedule.id} (`,
    ...people(scheduleMembers(schedule)),
    ...msg`) and `,
    ...admins,
    ...msg` may override its shifts. To hand over your own, ask for cover: ${command(`oncall cover ${schedule.id} <from> <to> [reason]`)}.`,
  ]);
}

/** The configured schedule of that id, or the refusal that lists the schedules. */
export function findSchedule(config: Config, id: string): ConfigSchedule | Refusal {
  const found = config.schedules.find((s) => s.id === id);
  if (found) return found;
  const known = config.schedules.map((s) => s.id).join(', ') || 'none are configured (`schedules:` in the config)';
  return refuse('not_found', msg`Unknown schedule "${id.slice(0, 80)}". Schedules: ${known}.`, 'schedule');
}

export interface Window {
  start: Date;
  end: Date;
}

/** What an override changed, for the answer, the audit log and whatever else must hear of it once it committed. */
export interface OverrideMade {
  scheduleId: string;
  window: Window;
  before: ScheduleDef;
  after: ScheduleDef;
  overrides: ScheduleOverride[];
  /** Who was on call over the window before and after. */
  shiftsBefore: Shift[];
  shiftsAfter: Shift[];
}

/** What a caller puts into the override's transaction: the windows the person takes, and how it is audited. */
export interface OverridePlan {
  windows: Window[];
  action: Extract<AuditAction, 'override.created' | 'cover.taken'>;
  /** More to keep in the audit row's `after` (the cover request taken). */
  details?: Record<string, unknown>;
}

const plainShifts = (shifts: readonly Shift[]) =>
  shifts.map((s) => ({ user: s.user, start: s.start.toISOString(), end: s.end.toISOString() }));

/**
 * The one place an override made in Slack is written. Inside one transaction, serialised per schedule so
 * `before` is what the override replaced: `plan` decides (or refuses) with the schedule as it stands,
 * the rows go in, and the audit row records who was on call over the window before and after. When this
 * returns the override has committed.
 */
export async function createOverride(
  db: Db,
  config: Config,
  request: { scheduleId: string; userId: string; window: Window; createdBy: string; reason: string | null },
  plan: (tx: Tx, before: ScheduleDef) => Promise<OverridePlan | Refusal>,
): Promise<OverrideMade | Refusal> {
  const { scheduleId, userId, window, createdBy, reason } = request;
  const schedulesNow = async (tx: Tx) => {
    const all = await currentSchedules(tx, config);
    const def = all.find((s) => s.id === scheduleId);
    if (!def) throw new Error(`schedule ${scheduleId} is not configured`);
    return { all, def };
  };
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`schedule:${scheduleId}`}))`);
    const { all: allBefore, def: before } = await schedulesNow(tx);
    const decided = await plan(tx, before);
    if ('ok' in decided) return decided;
    const overrides = await tx
      .insert(scheduleOverrides)
      .values(decided.windows.map((w) => ({ scheduleId, userId, startsAt: w.start, endsAt: w.end, createdBy, reason })))
      .returning();
    const { all: allAfter, def: after } = await schedulesNow(tx);
    const made: OverrideMade = {
      scheduleId,
      window,
      before,
      after,
      overrides,
      shiftsBefore: shiftsBetween(before, window.start, window.end),
      shiftsAfter: shiftsBetween(after, window.start, window.end),
    };
    await recordAudit(tx, {
      actor: createdBy,
      action: decided.action,
      subject: scheduleId,
      before: { window: { start: window.start.toISOString(), end: window.end.toISOString() }, shifts: plainShifts(made.shiftsBefore) },
      after: {
        shifts: plainShifts(made.shiftsAfter),
        overrides: overrides.map((o) => ({ id: o.id, user: o.userId, start: o.startsAt.toISOString(), end: o.endsAt.toISOString() })),
        ...decided.details,
      },
    });
    // Whose shifts moved hear of it, and admin_channel of any gap or double cover it leaves, committed with it.
    const diff = coverageDiff(allBefore, allAfter, new Date());
    await announceCoverageDiff(tx, config, diff, createdBy);
    // Their Homes list their shifts.
    await refreshHomes(
      tx,
      diff.people.map((p) => p.user),
    );
    return made;
  });
}

const span = (w: Window, zone: string) => `${describeInstant(w.start, zone)} – ${describeInstant(w.end, zone)}`;

/** "2026-03-30 09:00 CEST – 2026-03-31 09:00 CEST; …": stretches of time on the schedule's clock. */
export const windowsText = (windows: readonly Window[], zone: string): string => windows.map((w) => span(w, zone)).join('; ');

/** "@bob 2026-03-30 09:00 CEST – 2026-03-31 09:00 CEST; nobody …": who is on call when, on the schedule's clock. */
export function shiftsText(shifts: readonly Shift[], zone: string): Message {
  return shifts.flatMap((s, i) => [...(i === 0 ? [] : ['; ']), ...(s.user ? [person(s.user)] : ['nobody']), ` ${span(s, zone)}`]);
}

/** The window typed as `<from> <to>` on the schedule's clock, or the refusal naming the field at fault. */
export function windowAsTyped(
  schedule: ConfigSchedule,
  typed: { from: string; to: string; now: Date },
): { window: Window; understood: string } | Refusal {
  const parsed = parseWindow(typed.from, typed.to, schedule.time_zone, typed.now);
  if (!parsed.ok) return refuse('invalid', [parsed.message], parsed.field);
  return { window: { start: parsed.from, end: parsed.to }, understood: parsed.understood };
}

/**
 * `/incident oncall override <schedule> @user <from> <to>`, checked: the schedule exists, the actor may
 * override it, and the times read.
 */
export async function overrideShifts(
  db: Db,
  config: Config,
  typed: { scheduleId: string; userId: string; from: string; to: string; now: Date; actor: string },
): Promise<({ ok: true; message: Message } & OverrideMade) | Refusal> {
  const schedule = findSchedule(config, typed.scheduleId);
  if ('ok' in schedule) return schedule;
  if (!mayOverride(config, schedule, typed.actor)) return overrideForbidden(config, schedule);
  const read = windowAsTyped(schedule, typed);
  if ('ok' in read) return read;
  const request = { ...typed, window: read.window };
  const made = await createOverride(
    db,
    config,
    { scheduleId: schedule.id, userId: request.userId, window: request.window, createdBy: request.actor, reason: null },
    async () => ({ windows: [request.window], action: 'override.created' }),
  );
  if ('ok' in made) return made;
  const zone = schedule.time_zone;
  const replaced = made.shiftsBefore.filter((s) => s.user !== request.userId);
  const message: Message = [
    ...msg`✅ On ${schedule.id}, from ${read.understood}, on call: `,
    ...shiftsText(made.shiftsAfter, zone),
    ...(replaced.length > 0 ? [...msg`. This replaced: `, ...shiftsText(replaced, zone), '.'] : msg`. Nobody else’s shift was replaced.`),
  ];
  return { ok: true, message, ...made };
}
