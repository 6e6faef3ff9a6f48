/**
 * The coverage diff of a config reload that changes 20 schedules, over the next 90 days: what a reload or
 * an override computes before it tells anyone (`npm run bench -- coverage`). Pure computation, no database.
 */
import { cpus, loadavg } from 'node:os';
import { DateTime } from 'luxon';
import { coverageDiff } from '../src/paging/coverage.js';
import type { ScheduleDef } from '../src/paging/schedule.js';
import { coverageAdminMessage, coverageDm } from '../src/slack/blocks/coverage.js';
import { percentile, type Row } from './server.js';

export const COVERAGE_HEADING = '## Schedule changes you can see';

const SCHEDULES = 20;
const RUNS = 50;
const WARM_UP = 5;
const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'UTC'];
const HOUR = 3_600_000;
/** Weekly, daily and 12-hour rotations: whole-day ones get DST notes, the 12-hour one is fixed time. */
const LENGTHS = [7 * 24 * HOUR, 24 * HOUR, 12 * HOUR];
/** A pool the schedules share, so people sit in several schedules and double cover is there to find. */
const PEOPLE = Array.from({ length: 30 }, (_, i) => `U0BENCH${String(i).padStart(2, '0')}`);

function schedules(now: DateTime, variant: number): ScheduleDef[] {
  return Array.from({ length: SCHEDULES }, (_, s) => {
    const zone = ZONES[s % ZONES.length]!;
    const users = Array.from({ length: 6 }, (_, u) => PEOPLE[(s * 3 + u + variant) % PEOPLE.length]!);
    const overrides = Array.from({ length: 10 }, (_, o) => {
      const start = now.setZone(zone).plus({ days: o * 8 + variant * 2, hours: s });
      return {
        user: PEOPLE[(s + o + variant) % PEOPLE.length]!,
        start: start.toFormat("yyyy-MM-dd'T'HH:mm"),
        end: start.plus({ hours: 30 }).toFormat("yyyy-MM-dd'T'HH:mm"),
      };
    });
    return {
      id: `team-${s}`,
      timeZone: zone,
      rotation: {
        start: now
          .minus({ days: 30 + s })
          .setZone(zone)
          .toFormat("yyyy-MM-dd'T'09:00"),
        lengthMs: LENGTHS[s % LENGTHS.length]!,
        users,
      },
      overrides,
    };
  });
}

function timed(run: () => void): number[] {
  const times: number[] = [];
  for (let i = 0; i < WARM_UP + RUNS; i++) {
    const started = performance.now();
    run();
    if (i >= WARM_UP) times.push(performance.now() - started);
  }
  return times;
}

const row = (what: string, times: number[], target: string, limitMs?: number): Row => ({
  what,
  n: times.length,
  median: percentile(times, 50),
  p99: percentile(times, 99),
  target,
  ok: limitMs === undefined || percentile(times, 99) < limitMs,
});

/** The diff's and its messages' times, and notes on what the measured diff found. */
export function coverageBenchmarks(): { rows: Row[]; notes: string[] } {
  // A fixed window across March's and April's DST changes (New York, Berlin, Lord Howe), so the slower
  // path around a change and the DST notes are part of what is measured, whatever day the bench runs.
  const now = DateTime.fromISO('2027-02-01T00:00:00Z', { zone: 'utc' });
  // Every schedule changes: its users move one place and its overrides two days, the most a reload can ask.
  const before = schedules(now, 0);
  const after = schedules(now, 1);
  const from = now.toJSDate();
  const diff = coverageDiff(before, after, from);
  const diffTimes = timed(() => coverageDiff(before, after, from));
  const people = [...new Set(diff.people.map((p) => p.user))];
  const renderTimes = timed(() => {
    for (const user of people) coverageDm(diff, user, 'system');
    coverageAdminMessage(diff, 'system');
  });
  return {
    rows: [
      row(`coverage diff, ${SCHEDULES} schedules all changed, 90 days`, diffTimes, 'p99 < 200 ms', 200),
      row(`… rendering its ${people.length} DMs and the admin post`, renderTimes, ''),
    ],
    notes: [
      `Load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores when it ran (other work shared the machine).`,
      `The diff found ${diff.people.length} person-schedule changes, ${diff.gaps.length} gaps, ${diff.doubleCover.length} double covers and ${diff.dstShifts.length} DST-length shifts.`,
    ],
  };
}
