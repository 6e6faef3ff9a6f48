import fc from 'fast-check';
import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { clockChanges, clockJump } from '../../src/paging/clock-changes.js';

const at = (iso: string) => new Date(iso);

describe('clockChanges', () => {
  it('finds Berlin springing forward on the last Sunday of March, at 02:00 CET', () => {
    const changes = clockChanges('Europe/Berlin', at('2027-03-20T00:00:00Z'), at('2027-04-17T00:00:00Z'));
    expect(changes).toHaveLength(1);
    const [c] = changes;
    expect(c!.at.toISOString()).toBe('2027-03-28T01:00:00.000Z');
    expect(c).toMatchObject({ offsetBefore: 60, offsetAfter: 120, nameBefore: 'CET', nameAfter: 'CEST' });
    expect(c!.text).toBe('Clocks go forward 1 h (CET→CEST)');
    expect(clockJump(c!)).toBe('02:00 → 03:00');
  });

  it('finds Berlin falling back on the last Sunday of October, at 03:00 CEST', () => {
    const [c, ...more] = clockChanges('Europe/Berlin', at('2026-10-01T00:00:00Z'), at('2026-11-01T00:00:00Z'));
    expect(more).toEqual([]);
    expect(c!.at.toISOString()).toBe('2026-10-25T01:00:00.000Z');
    expect(c!.text).toBe('Clocks go back 1 h (CEST→CET)');
    expect(clockJump(c!)).toBe('03:00 → 02:00');
  });

  it('finds both of New York’s changes in a year, on their own days', () => {
    const changes = clockChanges('America/New_York', at('2027-01-01T00:00:00Z'), at('2028-01-01T00:00:00Z'));
    expect(changes.map((c) => [c.at.toISOString(), c.text])).toEqual([
      ['2027-03-14T07:00:00.000Z', 'Clocks go forward 1 h (EST→EDT)'],
      ['2027-11-07T06:00:00.000Z', 'Clocks go back 1 h (EDT→EST)'],
    ]);
  });

  it('finds none in Tokyo, which keeps one offset all year', () => {
    expect(clockChanges('Asia/Tokyo', at('2027-01-01T00:00:00Z'), at('2028-01-01T00:00:00Z'))).toEqual([]);
  });

  it('finds none in a window with no change, and none in an empty window', () => {
    expect(clockChanges('Europe/Berlin', at('2027-05-01T00:00:00Z'), at('2027-06-26T00:00:00Z'))).toEqual([]);
    expect(clockChanges('Europe/Berlin', at('2027-03-28T01:00:00Z'), at('2027-03-28T01:00:00Z'))).toEqual([]);
  });

  it('says half an hour where Lord Howe Island moves by half an hour', () => {
    const [c] = clockChanges('Australia/Lord_Howe', at('2027-03-01T00:00:00Z'), at('2027-05-01T00:00:00Z'));
    expect(c!.text).toMatch(/^Clocks go back 30 min/);
    expect(clockJump(c!)).toBe('02:00 → 01:30');
  });

  it('keeps a change at the window’s very start and leaves out one at its end', () => {
    const change = at('2027-03-28T01:00:00Z');
    expect(clockChanges('Europe/Berlin', change, at('2027-03-29T00:00:00Z'))).toHaveLength(0);
    expect(clockChanges('Europe/Berlin', at('2027-03-27T00:00:00Z'), change)).toHaveLength(0);
    expect(clockChanges('Europe/Berlin', at('2027-03-27T00:00:00Z'), new Date(change.getTime() + 60_000))).toHaveLength(1);
  });

  it('refuses a zone that does not exist', () => {
    expect(() => clockChanges('Mars/Olympus', at('2027-01-01T00:00:00Z'), at('2027-02-01T00:00:00Z'))).toThrow(RangeError);
  });

  const ZONES = [
    'Europe/Berlin',
    'America/New_York',
    'Asia/Tokyo',
    'Australia/Lord_Howe',
    'Africa/Casablanca',
    'America/Sao_Paulo',
    'Pacific/Chatham',
    'Asia/Kolkata',
    'UTC',
  ];
  const windows = fc
    .tuple(
      fc.constantFrom(...ZONES),
      fc.date({ min: at('2000-01-01T00:00:00Z'), max: at('2040-01-01T00:00:00Z'), noInvalidDate: true }),
      fc.integer({ min: 0, max: 120 * 86_400_000 }),
    )
    .map(([zone, from, length]) => ({ zone, from, to: new Date(from.getTime() + length) }));

  it('reports only real changes, inside the window, in order, each where the offset actually turns', () => {
    fc.assert(
      fc.property(windows, ({ zone, from, to }) => {
        const tz = IANAZone.create(zone);
        const changes = clockChanges(zone, from, to);
        let last = -Infinity;
        for (const c of changes) {
          expect(c.offsetBefore).not.toBe(c.offsetAfter);
          expect(c.at.getTime()).toBeGreaterThanOrEqual(from.getTime());
          expect(c.at.getTime()).toBeLessThan(to.getTime());
          expect(c.at.getTime()).toBeGreaterThan(last);
          expect(tz.offset(c.at.getTime())).toBe(c.offsetAfter);
          expect(tz.offset(c.at.getTime() - 60_000)).toBe(c.offsetBefore);
          last = c.at.getTime();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('misses no change: where the offset differs across the window, something is reported', () => {
    fc.assert(
      fc.property(windows, ({ zone, from, to }) => {
        const tz = IANAZone.create(zone);
        const start = Math.ceil(from.getTime() / 60_000) * 60_000;
        const end = Math.ceil(to.getTime() / 60_000) * 60_000 - 60_000;
        if (end > start && tz.offset(start) !== tz.offset(end)) expect(clockChanges(zone, from, to).length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
