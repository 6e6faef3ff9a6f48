import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daytimeMs, isNight, nightMs, weekendMs } from '../../src/paging/local-hours.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe'] as const;

/** The 2026 daylight-saving changes of the zones under test, as instants. */
const TRANSITIONS: Record<(typeof ZONES)[number], string[]> = {
  'Europe/Berlin': ['2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z'],
  'America/New_York': ['2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z'],
  // Lord Howe moves its clocks by half an hour: 02:00 → 01:30 in April, 02:00 → 02:30 in October.
  'Australia/Lord_Howe': ['2026-04-04T15:00:00Z', '2026-10-03T15:30:00Z'],
};

const d = (iso: string) => new Date(iso);

/**
 * The reference: walks the window in 5-minute steps and asks Intl (not luxon) for each step's local hour
 * and weekday. Every offset change of these zones falls on a 5-minute mark, so the walk is exact for
 * windows that start on one.
 */
function walk(startMs: number, endMs: number, zone: string): { night: number; weekend: number } {
  const format = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23', weekday: 'short' });
  const STEP = 5 * MINUTE;
  let night = 0;
  let weekend = 0;
  for (let t = startMs; t < endMs; t += STEP) {
    const parts = format.formatToParts(new Date(t));
    const hour = Number(parts.find((p) => p.type === 'hour')?.value);
    const weekday = parts.find((p) => p.type === 'weekday')?.value;
    const step = Math.min(STEP, endMs - t);
    if (hour >= 22 || hour < 8) night += step;
    if (weekday === 'Sat' || weekday === 'Sun') weekend += step;
  }
  return { night, weekend };
}

/** A zone and a window that starts on a 5-minute mark within four days of one of its DST changes (or anywhere in 2026). */
const windowNearDst = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    which: fc.integer({ min: 0, max: 2 }),
    steps: fc.integer({ min: -4 * 288, max: 4 * 288 }),
    anywhere: fc.integer({ min: 0, max: 365 * 288 }),
    lengthSteps: fc.integer({ min: 0, max: 3 * 288 }),
  })
  .map(({ zone, which, steps, anywhere, lengthSteps }) => {
    const STEP = 5 * MINUTE;
    const anchor = which < 2 ? Date.parse(TRANSITIONS[zone][which]!) + steps * STEP : Date.parse('2026-01-01T00:00:00Z') + anywhere * STEP;
    return { zone, startMs: anchor, endMs: anchor + lengthSteps * STEP };
  });

describe('night and weekend hours on a time zone’s clocks', () => {
  it('lasts 9 hours on the night clocks spring forward and 11 on the night they fall back (Europe/Berlin)', () => {
    expect(nightMs(d('2026-03-28T21:00:00Z'), d('2026-03-29T06:00:00Z'), 'Europe/Berlin')).toBe(9 * HOUR);
    expect(nightMs(d('2026-03-28T12:00:00Z'), d('2026-03-29T12:00:00Z'), 'Europe/Berlin')).toBe(9 * HOUR);
    expect(nightMs(d('2026-10-24T12:00:00Z'), d('2026-10-25T12:00:00Z'), 'Europe/Berlin')).toBe(11 * HOUR);
    expect(nightMs(d('2026-06-01T12:00:00Z'), d('2026-06-02T12:00:00Z'), 'Europe/Berlin')).toBe(10 * HOUR);
  });

  it('does the same in America/New_York, and by half an hour on Lord Howe Island', () => {
    expect(nightMs(d('2026-03-07T17:00:00Z'), d('2026-03-08T17:00:00Z'), 'America/New_York')).toBe(9 * HOUR);
    expect(nightMs(d('2026-10-31T17:00:00Z'), d('2026-11-01T17:00:00Z'), 'America/New_York')).toBe(11 * HOUR);
    // 22:00 LHDT (+11) on 4 April is 11:00Z; clocks go 02:00 → 01:30, so the night is 10½ hours.
    expect(nightMs(d('2026-04-04T00:00:00Z'), d('2026-04-05T00:00:00Z'), 'Australia/Lord_Howe')).toBe(10.5 * HOUR);
    // 3 October: 02:00 → 02:30, a 9½-hour night.
    expect(nightMs(d('2026-10-03T00:00:00Z'), d('2026-10-04T00:00:00Z'), 'Australia/Lord_Howe')).toBe(9.5 * HOUR);
  });

  it('counts a weekend of 47 or 49 hours when it has a DST change, and only Saturday and Sunday local', () => {
    // Saturday 2026-03-28 00:00 CET to Monday 00:00 CEST.
    expect(weekendMs(d('2026-03-27T00:00:00Z'), d('2026-03-31T00:00:00Z'), 'Europe/Berlin')).toBe(47 * HOUR);
    expect(weekendMs(d('2026-10-23T00:00:00Z'), d('2026-10-27T00:00:00Z'), 'Europe/Berlin')).toBe(49 * HOUR);
    // Friday 23:00 UTC is already Saturday in Berlin.
    expect(weekendMs(d('2026-06-05T22:00:00Z'), d('2026-06-05T23:00:00Z'), 'Europe/Berlin')).toBe(HOUR);
    expect(weekendMs(d('2026-06-01T00:00:00Z'), d('2026-06-05T21:00:00Z'), 'Europe/Berlin')).toBe(0);
  });

  it('answers 0 for an empty or backwards window', () => {
    expect(nightMs(d('2026-01-01T23:00:00Z'), d('2026-01-01T23:00:00Z'), 'Europe/Berlin')).toBe(0);
    expect(nightMs(d('2026-01-02T23:00:00Z'), d('2026-01-01T23:00:00Z'), 'Europe/Berlin')).toBe(0);
  });

  it('splits every window into night and day exactly, across DST changes', () => {
    fc.assert(
      fc.property(windowNearDst, ({ zone, startMs, endMs }) => {
        const [start, end] = [new Date(startMs), new Date(endMs)];
        expect(nightMs(start, end, zone) + daytimeMs(start, end, zone)).toBe(endMs - startMs);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with a walk of the local clock in 5-minute steps, for night and weekend', () => {
    fc.assert(
      fc.property(windowNearDst, ({ zone, startMs, endMs }) => {
        const [start, end] = [new Date(startMs), new Date(endMs)];
        expect({ night: nightMs(start, end, zone), weekend: weekendMs(start, end, zone) }).toEqual(walk(startMs, endMs, zone));
      }),
      { numRuns: 150 },
    );
  });

  it('agrees with the walk for an instant, as isNight', () => {
    fc.assert(
      fc.property(windowNearDst, ({ zone, startMs }) => {
        expect(isNight(new Date(startMs), zone)).toBe(walk(startMs, startMs + 1, zone).night === 1);
      }),
    );
  });

  it('adds up over consecutive pieces of a window', () => {
    fc.assert(
      fc.property(windowNearDst, fc.double({ min: 0, max: 1, noNaN: true }), ({ zone, startMs, endMs }, f) => {
        const mid = Math.round(startMs + (endMs - startMs) * f);
        const [a, m, b] = [new Date(startMs), new Date(mid), new Date(endMs)];
        expect(nightMs(a, m, zone) + nightMs(m, b, zone)).toBe(nightMs(a, b, zone));
        expect(weekendMs(a, m, zone) + weekendMs(m, b, zone)).toBe(weekendMs(a, b, zone));
      }),
    );
  });
});
