/**
 * The calendar feed over HTTP: a 12-month calendar of a 10-person weekly rotation with 50 Slack
 * overrides, fetched one request at a time from Firewatch running in this process on Postgres.
 */
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../src/db/client.js';
import { scheduleOverrides } from '../src/db/schema.js';
import { calendarToken, calendarUrl } from '../src/paging/calendar-tokens.js';
import { startApp, startEmulator, testConfig } from '../test/support/app.js';
import { percentile, type Row } from './server.js';

const PEOPLE = Array.from({ length: 10 }, (_, i) => `U0BENCH${i}`);
const DAY = 86_400_000;
const WARM_UP = 20;
const REQUESTS = 300;

/** Sequential fetches; `before` runs ahead of each one, untimed. */
async function timedFetches(url: string, before: () => Promise<void> = async () => {}): Promise<{ times: number[]; events: number }> {
  let events = 0;
  const fetchOnce = async () => {
    const started = performance.now();
    const res = await fetch(url);
    const body = await res.text();
    if (res.status !== 200) throw new Error(`calendar feed answered ${res.status}`);
    events = body.split('BEGIN:VEVENT').length - 1;
    return performance.now() - started;
  };
  for (let i = 0; i < WARM_UP; i++) await fetchOnce();
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    await before();
    times.push(await fetchOnce());
  }
  return { times, events };
}

export async function calendarBenchmarks(database: Database, rows: Row[]): Promise<void> {
  const emu = await startEmulator();
  const config = testConfig({
    schedules: [{ id: 'platform', time_zone: 'Europe/Berlin', rotation: { start: '2026-01-05T09:00', length: '1w', users: PEOPLE } }],
  });
  const app = await startApp(emu, database, config);
  try {
    // 50 overrides of a few hours to two days, spread over the year ahead.
    const now = Date.now();
    const [firstOverride] = await database.db
      .insert(scheduleOverrides)
      .values(
        Array.from({ length: 50 }, (_, i) => {
          const startsAt = new Date(Math.floor((now + (i + 1) * 7 * DAY + (i % 7) * 3_600_000) / 60_000) * 60_000);
          return {
            scheduleId: 'platform',
            userId: PEOPLE[(i * 3) % PEOPLE.length]!,
            startsAt,
            endsAt: new Date(startsAt.getTime() + (4 + (i % 44)) * 3_600_000),
            createdBy: 'U0BENCH0',
          };
        }),
      )
      .returning({ id: scheduleOverrides.id });
    const { secret } = app.services;
    const feeds = [
      { what: 'schedule', token: await calendarToken(database.db, secret, { kind: 'schedule', scheduleId: 'platform' }, 'U0BENCH0') },
      { what: 'person', token: await calendarToken(database.db, secret, { kind: 'person', userId: 'U0BENCH3' }, 'U0BENCH3') },
    ];
    // A schedule's shifts are kept per definition; moving an override's end by a minute before each
    // request makes every one of them work the year out anew, as the first fetch after a change does.
    const changeOverride = async () => {
      await database.db
        .update(scheduleOverrides)
        .set({ endsAt: sql`${scheduleOverrides.endsAt} + interval '1 minute'` })
        .where(eq(scheduleOverrides.id, firstOverride!.id));
    };
    const runs = [
      ...feeds.map((f) => ({ ...f, what: `${f.what} calendar`, before: undefined })),
      { ...feeds[0]!, what: 'schedule calendar, an override changed before each request', before: changeOverride },
    ];
    for (const feed of runs) {
      const { times, events } = await timedFetches(calendarUrl(app.url, feed.token), feed.before);
      rows.push({
        what: `${feed.what} over HTTP: 12 months, 10-person weekly rotation, 50 overrides (${events} events)`,
        n: times.length,
        median: percentile(times, 50),
        p99: percentile(times, 99),
        target: 'p99 < 50 ms',
        ok: percentile(times, 99) < 50,
      });
    }
  } finally {
    await app.stop();
    await emu.close();
  }
}
