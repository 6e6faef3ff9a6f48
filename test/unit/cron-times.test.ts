import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { catchUp, latestDueAt, nextDueAfter } from '../../src/digests/cron-times.js';
import { nextUpdateDelay } from '../../src/incidents/cadence.js';

// cron-parser reads the process's local time zone. Nothing here sets one: the instants are built with the
// local Date constructor, and the expressions (every 5 seconds, every hour on the hour) are due at the
// same local wall-clock times in any zone (a DST jump moves whole hours, and the dates avoid them anyway).
const EVERY_5S = '*/5 * * * * *';
const HOURLY = '0 * * * *';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** A local wall-clock time on a day without a DST change (10 March 2026 in neither hemisphere's switch). */
const local = (h: number, mi: number, s = 0, ms = 0) => new Date(2026, 2, 10, h, mi, s, ms);
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);
const times = (dates: Date[]) => dates.map((d) => d.getTime());

describe('latestDueAt', () => {
  it('is now itself when now is exactly a due time', () => {
    expect(latestDueAt(EVERY_5S, local(12, 0, 5)).getTime()).toBe(local(12, 0, 5).getTime());
    expect(latestDueAt(HOURLY, local(12, 0)).getTime()).toBe(local(12, 0).getTime());
  });

  it('is the previous due time otherwise', () => {
    expect(latestDueAt(EVERY_5S, local(12, 0, 5, 1)).getTime()).toBe(local(12, 0, 5).getTime());
    expect(latestDueAt(EVERY_5S, local(12, 0, 7, 500)).getTime()).toBe(local(12, 0, 5).getTime());
    expect(latestDueAt(EVERY_5S, local(12, 0, 9, 999)).getTime()).toBe(local(12, 0, 5).getTime());
    // A millisecond before a due time belongs to the one before.
    expect(latestDueAt(EVERY_5S, plus(local(12, 0, 5), -1)).getTime()).toBe(local(12, 0, 0).getTime());
    expect(latestDueAt(HOURLY, local(12, 30)).getTime()).toBe(local(12, 0).getTime());
    expect(latestDueAt(HOURLY, plus(local(13, 0), -1)).getTime()).toBe(local(12, 0).getTime());
  });

  it('is never after now', () => {
    const start = local(12, 0);
    for (let ms = 0; ms < 12 * SECOND; ms += 250) {
      const now = plus(start, ms);
      const due = latestDueAt(EVERY_5S, now);
      expect(due.getTime()).toBeLessThanOrEqual(now.getTime());
      expect(now.getTime() - due.getTime()).toBeLessThan(5 * SECOND);
    }
  });
});

describe('nextDueAfter', () => {
  it('is strictly after the time given, even when that is a due time', () => {
    expect(nextDueAfter(EVERY_5S, local(12, 0, 5)).getTime()).toBe(local(12, 0, 10).getTime());
    expect(nextDueAfter(HOURLY, local(12, 0)).getTime()).toBe(local(13, 0).getTime());
  });

  it('is the next due time from between two', () => {
    expect(nextDueAfter(EVERY_5S, plus(local(12, 0, 5), -1)).getTime()).toBe(local(12, 0, 5).getTime());
    expect(nextDueAfter(EVERY_5S, local(12, 0, 6, 200)).getTime()).toBe(local(12, 0, 10).getTime());
    expect(nextDueAfter(HOURLY, local(12, 59, 59, 999)).getTime()).toBe(local(13, 0).getTime());
  });

  it('and latestDueAt agree: the next after the latest is after now', () => {
    const start = local(12, 0);
    for (let ms = 0; ms < 12 * SECOND; ms += 250) {
      const now = plus(start, ms);
      const next = nextDueAfter(EVERY_5S, latestDueAt(EVERY_5S, now));
      expect(next.getTime()).toBeGreaterThan(now.getTime());
      expect(nextDueAfter(EVERY_5S, now).getTime()).toBe(next.getTime());
    }
  });
});

describe('catchUp', () => {
  it('owes nothing when there was never a run', () => {
    expect(catchUp(EVERY_5S, null, local(12, 0, 7))).toEqual({ run: null, skipped: [] });
    expect(catchUp(HOURLY, null, local(12, 30))).toEqual({ run: null, skipped: [] });
  });

  it('owes nothing when the last run was the latest due time', () => {
    expect(catchUp(EVERY_5S, local(12, 0, 5), local(12, 0, 7))).toEqual({ run: null, skipped: [] });
    // Also at the due instant itself.
    expect(catchUp(EVERY_5S, local(12, 0, 5), local(12, 0, 5))).toEqual({ run: null, skipped: [] });
    expect(catchUp(HOURLY, local(12, 0), local(12, 59))).toEqual({ run: null, skipped: [] });
  });

  it('runs the one missed due time and skips nothing', () => {
    const result = catchUp(EVERY_5S, local(12, 0, 0), local(12, 0, 7));
    expect(result.run?.getTime()).toBe(local(12, 0, 5).getTime());
    expect(result.skipped).toEqual([]);

    const hourly = catchUp(HOURLY, local(11, 0), local(12, 0));
    expect(hourly.run?.getTime()).toBe(local(12, 0).getTime());
    expect(hourly.skipped).toEqual([]);
  });

  it('runs only the latest of several missed due times and lists the older ones as skipped, oldest first', () => {
    const result = catchUp(EVERY_5S, local(12, 0, 0), local(12, 0, 22));
    expect(result.run?.getTime()).toBe(local(12, 0, 20).getTime());
    expect(times(result.skipped)).toEqual([local(12, 0, 5), local(12, 0, 10), local(12, 0, 15)].map((d) => d.getTime()));
    for (const d of result.skipped) expect(d.getTime()).not.toBe(result.run?.getTime());

    const hourly = catchUp(HOURLY, local(8, 0), local(12, 15));
    expect(hourly.run?.getTime()).toBe(local(12, 0).getTime());
    expect(times(hourly.skipped)).toEqual([local(9, 0), local(10, 0), local(11, 0)].map((d) => d.getTime()));
    expect(times(hourly.skipped)).not.toContain(hourly.run?.getTime());
  });

  it('never lists the last run itself as skipped, even when it was not a due time', () => {
    const result = catchUp(EVERY_5S, local(12, 0, 2), local(12, 0, 16));
    expect(result.run?.getTime()).toBe(local(12, 0, 15).getTime());
    expect(times(result.skipped)).toEqual([local(12, 0, 5), local(12, 0, 10)].map((d) => d.getTime()));
  });

  it('caps skipped at the limit after a long outage, oldest first', () => {
    const last = local(0, 0, 0);
    const now = local(6, 0, 2); // six hours of 5-second due times: 4,320 missed
    const result = catchUp(EVERY_5S, last, now, 10);
    expect(result.run?.getTime()).toBe(local(6, 0, 0).getTime());
    expect(result.skipped).toHaveLength(10);
    expect(times(result.skipped)).toEqual(Array.from({ length: 10 }, (_, i) => last.getTime() + (i + 1) * 5 * SECOND));
    expect(times(result.skipped)).not.toContain(result.run?.getTime());

    // The default limit (1,000) still caps it.
    const capped = catchUp(EVERY_5S, last, now);
    expect(capped.skipped).toHaveLength(1_000);
    expect(capped.run?.getTime()).toBe(local(6, 0, 0).getTime());

    // A limit above the number missed lists them all.
    const hourly = catchUp(HOURLY, local(0, 0), local(6, 30), 100);
    expect(hourly.skipped).toHaveLength(5);
    expect(hourly.run?.getTime()).toBe(local(6, 0).getTime());
    expect(times(hourly.skipped)).toEqual([1, 2, 3, 4, 5].map((h) => local(0, 0).getTime() + h * HOUR));
  });
});

describe('nextUpdateDelay', () => {
  const config = parseConfig(
    {
      severities: [
        { id: 'sev1', label: 'Critical', update_every: '30m' },
        { id: 'sev2', label: 'Major', update_every: '2h' },
        { id: 'sev3', label: 'Minor' },
      ],
    },
    'test',
    {},
  );

  it('uses the chosen delay when one was chosen', () => {
    expect(nextUpdateDelay(config, 'sev1', 15 * MINUTE)).toBe(15 * MINUTE);
    expect(nextUpdateDelay(config, 'sev3', 4 * HOUR)).toBe(4 * HOUR);
    expect(nextUpdateDelay(config, 'nope', 5 * MINUTE)).toBe(5 * MINUTE);
  });

  it('uses a chosen "none" (null) even when the severity has a cadence', () => {
    expect(nextUpdateDelay(config, 'sev1', null)).toBeNull();
  });

  it("falls back to the severity's update_every when nothing was chosen", () => {
    expect(nextUpdateDelay(config, 'sev1', undefined)).toBe(30 * MINUTE);
    expect(nextUpdateDelay(config, 'sev2', undefined)).toBe(2 * HOUR);
    // Severity ids are matched case-insensitively.
    expect(nextUpdateDelay(config, 'SEV2', undefined)).toBe(2 * HOUR);
  });

  it('is null for a severity without update_every, and for an unknown severity', () => {
    expect(nextUpdateDelay(config, 'sev3', undefined)).toBeNull();
    expect(nextUpdateDelay(config, 'sev9', undefined)).toBeNull();
  });

  it('uses the default severities when the config names none', () => {
    const defaults = parseConfig({}, undefined, {});
    expect(nextUpdateDelay(defaults, 'sev1', undefined)).toBe(30 * MINUTE);
    expect(nextUpdateDelay(defaults, 'sev4', undefined)).toBe(24 * HOUR);
  });
});
