/**
 * The console's on-call page over HTTP: 10 schedules in four zones (weekly, daily and 12-hour rotations of
 * 6 people) with 50 Slack overrides, fetched one request at a time by a signed-in person from Firewatch
 * running in this process on Postgres: the default 4 weeks of every schedule, 8 weeks of every schedule,
 * and 8 weeks of one.
 */
import type { Database } from '../src/db/client.js';
import { scheduleOverrides } from '../src/db/schema.js';
import { startApp, startEmulator, testConfig } from '../test/support/app.js';
import { consoleEnv, signIn } from '../test/support/console.js';
import { percentile, type Row } from './server.js';

const PEOPLE = ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0BENCH1', 'U0BENCH2', 'U0BENCH3'];
const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Tokyo'];
const LENGTHS = ['1w', '1d', '12h'];
const SCHEDULES = 10;
const HOUR = 3_600_000;
const WARM_UP = 10;
const REQUESTS = 100;

export async function oncallBenchmarks(database: Database, rows: Row[]): Promise<void> {
  const emu = await startEmulator();
  const schedules = Array.from({ length: SCHEDULES }, (_, s) => ({
    id: `team-${s}`,
    time_zone: ZONES[s % ZONES.length]!,
    rotation: {
      start: '2026-01-05T09:00',
      length: LENGTHS[s % LENGTHS.length]!,
      users: PEOPLE.map((_, u) => PEOPLE[(u + s) % PEOPLE.length]!),
    },
  }));
  const app = await startApp(emu, database, testConfig({ schedules }), await consoleEnv(emu));
  try {
    const now = Date.now();
    await database.db.insert(scheduleOverrides).values(
      Array.from({ length: 50 }, (_, o) => ({
        scheduleId: `team-${o % SCHEDULES}`,
        userId: PEOPLE[o % PEOPLE.length]!,
        startsAt: new Date(now + o * 20 * HOUR),
        endsAt: new Date(now + o * 20 * HOUR + 8 * HOUR),
        createdBy: 'U0ALICE',
        reason: null,
      })),
    );
    const { session } = await signIn(emu, app.url, 'U0ALICE');
    const cookie = `firewatch_session=${encodeURIComponent(session!)}`;
    const cases = [
      ['every schedule, 4 weeks (the default)', ''],
      ['every schedule, 8 weeks', '?weeks=8'],
      ['one daily schedule, 8 weeks', '?weeks=8&schedule=team-1'],
    ] as const;
    for (const [what, query] of cases) {
      const once = async () => {
        const started = performance.now();
        const res = await fetch(`${app.url}/oncall${query}`, { headers: { cookie } });
        await res.text();
        if (res.status !== 200) throw new Error(`/oncall${query} answered ${res.status}`);
        return performance.now() - started;
      };
      for (let i = 0; i < WARM_UP; i++) await once();
      const times: number[] = [];
      for (let i = 0; i < REQUESTS; i++) times.push(await once());
      const p99 = percentile(times, 99);
      rows.push({
        what: `On-call page, 10 schedules: ${what}`,
        n: times.length,
        median: percentile(times, 50),
        p99,
        target: 'p99 < 300 ms',
        ok: p99 < 300,
      });
    }
  } finally {
    await app.stop();
    await emu.close();
  }
}
