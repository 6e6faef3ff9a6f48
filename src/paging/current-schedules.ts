// The schedules as they stand: the config's, with the overrides made in Slack on top.
import { asc, gt } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { Tx } from '../db/client.js';
import { scheduleOverrides, type ScheduleOverride } from '../db/schema.js';
import { scheduleDefFromConfig, type ScheduleDef } from './schedule.js';

/** How far back Slack overrides are read by default: enough for a 90-day report of past shifts. */
export const OVERRIDE_HISTORY_MS = 100 * 86_400_000;

/**
 * Pure: a schedule with the Slack overrides appended after the config's, oldest first, so where two
 * overlap the latest made wins. Instants keep a fall-back night's repeated hour unambiguous.
 */
export function withSlackOverrides(
  def: ScheduleDef,
  overrides: readonly Pick<ScheduleOverride, 'scheduleId' | 'userId' | 'startsAt' | 'endsAt'>[],
): ScheduleDef {
  const own = overrides.filter((o) => o.scheduleId === def.id);
  if (own.length === 0) return def;
  return {
    ...def,
    overrides: [...def.overrides, ...own.map((o) => ({ user: o.userId, start: o.startsAt.toISOString(), end: o.endsAt.toISOString() }))],
  };
}

/** Every configured schedule with its Slack overrides that end after `since`. */
export async function currentSchedules(
  tx: Tx,
  config: Config,
  since: Date = new Date(Date.now() - OVERRIDE_HISTORY_MS),
): Promise<ScheduleDef[]> {
  if (config.schedules.length === 0) return [];
  const rows = await tx
    .select({
      scheduleId: scheduleOverrides.scheduleId,
      userId: scheduleOverrides.userId,
      startsAt: scheduleOverrides.startsAt,
      endsAt: scheduleOverrides.endsAt,
    })
    .from(scheduleOverrides)
    .where(gt(scheduleOverrides.endsAt, since))
    .orderBy(asc(scheduleOverrides.createdAt), asc(scheduleOverrides.id));
  return config.schedules.map((s) => withSlackOverrides(scheduleDefFromConfig(s), rows));
}
