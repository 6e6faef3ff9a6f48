import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { describeInstant, parseWindow } from '../../src/paging/schedule-times.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const HOUR = 3_600_000;
const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe'] as const;

const ok = (from: string, to: string, zone: string, now = NOW) => {
  const parsed = parseWindow(from, to, zone, now);
  if (!parsed.ok) throw new Error(`expected ${from} ${to} in ${zone} to parse: ${parsed.message}`);
  return parsed;
};
const refused = (from: string, to: string, zone: string, now = NOW) => {
  const parsed = parseWindow(from, to, zone, now);
  if (parsed.ok) throw new Error(`expected ${from} ${to} in ${zone} to be refused, read ${parsed.understood}`);
  return parsed;
};

describe('parseWindow: wall-clock times on the schedule’s clock', () => {
  it('reads YYYY-MM-DDTHH:MM in the schedule’s zone, winter and summer', () => {
    expect(ok('2026-02-03T09:00', '2026-02-03T17:00', 'Europe/Berlin')).toMatchObject({
      from: new Date('2026-02-03T08:00:00Z'),
      to: new Date('2026-02-03T16:00:00Z'),
      understood: '2026-02-03 09:00 CET to 2026-02-03 17:00 CET',
    });
    expect(ok('2026-07-01T09:00', '2026-07-01T17:00', 'America/New_York').from).toEqual(new Date('2026-07-01T13:00:00Z'));
    expect(ok('2026-07-01T09:00', '+1h', 'Australia/Lord_Howe').understood).toBe(
      '2026-07-01 09:00 UTC+10:30 to 2026-07-01 10:00 UTC+10:30',
    );
  });

  it('refuses a time the spring-forward gap skips, naming the jump and the times either side of it', () => {
    expect(refused('2026-03-29T02:30', '+1h', 'Europe/Berlin')).toEqual({
      ok: false,
      field: 'from',
      message:
        '2026-03-29T02:30 (the start) does not exist in Europe/Berlin: on 2026-03-29 the clocks jump from 02:00 to 03:00. Use 2026-03-29T03:00 or 2026-03-29T01:59.',
    });
    expect(refused('2026-03-08T02:00', '+1h', 'America/New_York').message).toContain(
      'the clocks jump from 02:00 to 03:00. Use 2026-03-08T03:00 or 2026-03-08T01:59.',
    );
    // Lord Howe Island moves its clocks by half an hour.
    expect(refused('2026-10-03T09:00', '2026-10-04T02:15', 'Australia/Lord_Howe')).toMatchObject({
      field: 'to',
      message: expect.stringContaining('the clocks jump from 02:00 to 02:30. Use 2026-10-04T02:30 or 2026-10-04T01:59.'),
    });
  });

  it('takes the earlier of a fall-back night’s two times and says which it took', () => {
    expect(ok('2026-10-25T02:30', '+1h', 'Europe/Berlin')).toEqual({
      ok: true,
      from: new Date('2026-10-25T00:30:00Z'),
      to: new Date('2026-10-25T01:30:00Z'),
      understood: '2026-10-25 02:30 CEST (the first of the two 02:30s that night) to 2026-10-25 02:30 CET',
    });
    expect(ok('2026-11-01T01:30', '+1h', 'America/New_York').from).toEqual(new Date('2026-11-01T05:30:00Z'));
    const lordHowe = ok('2026-04-05T01:45', '2026-04-05T03:00', 'Australia/Lord_Howe');
    expect(lordHowe.from).toEqual(new Date('2026-04-04T14:45:00Z'));
    expect(lordHowe.understood).toBe('2026-04-05 01:45 UTC+11:00 (the first of the two 01:45s that night) to 2026-04-05 03:00 UTC+10:30');
  });

  it('refuses text that is not a time, and a date no calendar has, with the format', () => {
    const garbage = refused('tomorrow', '+1h', 'Europe/Berlin');
    expect(garbage).toMatchObject({ field: 'from' });
    expect(garbage.message).toBe(
      '"tomorrow" is not a time I can read for the start. Use YYYY-MM-DDTHH:MM on the schedule\'s clock (Europe/Berlin), now, or +<duration> such as +30m, +8h, +2d, +1w (an end with + counts from the start).',
    );
    expect(refused('2026-02-30T10:00', '+1h', 'Europe/Berlin').message).toMatch(
      /^2026-02-30T10:00 \(the start\) is not a date and time on any calendar/,
    );
    expect(refused('2026-02-03T24:00', '+1h', 'Europe/Berlin').message).toContain('is not a date and time on any calendar');
    expect(refused('2026-02-03 09:00', '+1h', 'Europe/Berlin').message).toContain('"2026-02-03 09:00" is not a time');
    expect(refused('now', '+0h', 'Europe/Berlin')).toMatchObject({
      field: 'to',
      message: expect.stringContaining('"+0h" is not a duration'),
    });
    expect(refused('now', '+8 hours', 'Europe/Berlin')).toMatchObject({ field: 'to' });
  });

  it('refuses an end at or before the start, and a window already over, saying what it read', () => {
    expect(refused('2026-02-03T10:00', '2026-02-03T09:00', 'Europe/Berlin')).toEqual({
      ok: false,
      field: 'to',
      message: 'The end must come after the start; I read 2026-02-03 10:00 CET to 2026-02-03 09:00 CET.',
    });
    expect(refused('2026-02-03T10:00', '2026-02-03T10:00', 'Europe/Berlin').field).toBe('to');
    expect(refused('2025-06-01T10:00', '+1h', 'Europe/Berlin').message).toBe(
      'That window is already over: I read 2025-06-01 10:00 CEST to 2025-06-01 11:00 CEST, and it is 2026-01-01 01:00 CET now.',
    );
  });
});

describe('parseWindow: now and +<duration>', () => {
  it('reads now as the present, + as the start from now and + as the end from the start', () => {
    expect(ok('now', '+8h', 'Europe/Berlin')).toMatchObject({ from: NOW, to: new Date(NOW.getTime() + 8 * HOUR) });
    expect(ok('NOW', '+8h', 'Europe/Berlin').understood).toBe('now (2026-01-01 01:00 CET) to 2026-01-01 09:00 CET');
    expect(ok('+2h', '+8h', 'Europe/Berlin')).toMatchObject({
      from: new Date(NOW.getTime() + 2 * HOUR),
      to: new Date(NOW.getTime() + 10 * HOUR),
    });
    expect(ok('2026-02-03T09:00', '+1d', 'Europe/Berlin').to).toEqual(new Date('2026-02-04T08:00:00Z'));
    // A started window is fine as long as it has not ended.
    expect(ok('2025-12-31T20:00', '+8h', 'Europe/Berlin').from).toEqual(new Date('2025-12-31T19:00:00Z'));
  });

  it('counts a + end in absolute time, so across a spring-forward night +8h ends an hour later on the clock', () => {
    expect(ok('2026-03-28T22:00', '+8h', 'Europe/Berlin').understood).toBe('2026-03-28 22:00 CET to 2026-03-29 07:00 CEST');
  });

  it('refuses now as an end (it is never after the start)', () => {
    expect(refused('now', 'now', 'Europe/Berlin').message).toContain('The end must come after the start');
  });
});

describe('parseWindow, properties over the zones', () => {
  // Any minute of 2026 to 2027, as the wall-clock text a person would type.
  const wallClock = fc
    .integer({ min: Date.UTC(2026, 0, 2) / 60_000, max: Date.UTC(2027, 11, 31) / 60_000 })
    .map((minute) => DateTime.fromMillis(minute * 60_000, { zone: 'utc' }).toFormat("yyyy-MM-dd'T'HH:mm"));
  const zone = fc.constantFrom(...ZONES);

  it('either reads a wall-clock time as the earliest instant the clocks show it, or refuses it as one they skip', () => {
    fc.assert(
      fc.property(wallClock, zone, (text, z) => {
        const parsed = parseWindow(text, '+1m', z, NOW);
        const instants = DateTime.fromISO(text, { zone: 'utc' })
          .setZone(z, { keepLocalTime: true })
          .getPossibleOffsets()
          .filter((d) => d.toFormat("yyyy-MM-dd'T'HH:mm") === text);
        if (instants.length === 0) {
          expect(parsed.ok).toBe(false);
          if (parsed.ok) return;
          expect(parsed.message).toContain(`${text} (the start) does not exist in ${z}`);
          // Both suggestions are real times that read back.
          const suggestions = [...parsed.message.matchAll(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/g)].map((m) => m[0]).slice(1);
          expect(suggestions).toHaveLength(2);
          for (const s of suggestions) expect(parseWindow(s, '+1m', z, NOW).ok).toBe(true);
          return;
        }
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        expect(parsed.from.getTime()).toBe(Math.min(...instants.map((d) => d.toMillis())));
        expect(DateTime.fromJSDate(parsed.from, { zone: z }).toFormat("yyyy-MM-dd'T'HH:mm")).toBe(text);
        expect(parsed.understood.includes('(the first of the two')).toBe(instants.length > 1);
      }),
      { numRuns: 1000 },
    );
  });

  it('hits every gap and every repeated hour of the three zones: each gap minute refused, each repeated one the earlier', () => {
    for (const z of ZONES) {
      let refusedCount = 0;
      let repeated = 0;
      // Every quarter-hour of each day of 2026 whose offset changes (found from its midnights), as typed.
      for (let day = DateTime.fromISO('2026-01-02', { zone: z }); day.year === 2026; day = day.plus({ days: 1 })) {
        if (day.offset === day.plus({ days: 1 }).offset) continue;
        for (let q = 0; q < 96; q++) {
          const text = day.toFormat('yyyy-MM-dd') + DateTime.fromMillis(q * 15 * 60_000, { zone: 'utc' }).toFormat("'T'HH:mm");
          const parsed = parseWindow(text, '+1m', z, NOW);
          if (!parsed.ok) refusedCount++;
          else if (parsed.understood.includes('(the first of the two')) repeated++;
        }
      }
      // An hour's gap is 4 quarter-hours (Lord Howe: 2), and so is the repeated hour.
      const perTransition = z === 'Australia/Lord_Howe' ? 2 : 4;
      expect({ z, refusedCount, repeated }).toEqual({ z, refusedCount: perTransition, repeated: perTransition });
    }
  });

  it('puts a + end exactly its duration after the start, and every accepted window ends after its start and after now', () => {
    fc.assert(
      fc.property(wallClock, zone, fc.integer({ min: 1, max: 10_000 }), fc.constantFrom('m', 'h'), (text, z, n, unit) => {
        const parsed = parseWindow(text, `+${n}${unit}`, z, NOW);
        if (!parsed.ok) return;
        expect(parsed.to.getTime() - parsed.from.getTime()).toBe(n * (unit === 'm' ? 60_000 : HOUR));
        expect(parsed.to.getTime()).toBeGreaterThan(Math.max(parsed.from.getTime(), NOW.getTime()));
      }),
    );
  });

  it('describes an instant so that its wall-clock part reads back to the same instant (or the later of two)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2026, 0, 2) / 60_000, max: Date.UTC(2027, 11, 31) / 60_000 }), zone, (minute, z) => {
        const at = new Date(minute * 60_000);
        const [date, time] = describeInstant(at, z).split(' ');
        const back = parseWindow(`${date}T${time}`, '+1m', z, NOW);
        expect(back.ok).toBe(true);
        if (back.ok) expect([at.getTime(), at.getTime() - (z === 'Australia/Lord_Howe' ? 0.5 : 1) * HOUR]).toContain(back.from.getTime());
      }),
    );
  });
});
