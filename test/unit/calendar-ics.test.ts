// The iCalendar text primitives: escaping, folding at 75 octets, date-times, offsets and VTIMEZONE.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  dateTimeProperty,
  escapeText,
  foldLine,
  localDateTime,
  offsetChanges,
  paramValue,
  serialize,
  utcDateTime,
  utcOffset,
  vtimezone,
} from '../../src/paging/calendar-ics.js';

const octets = (s: string) => Buffer.byteLength(s, 'utf8');
const unfold = (s: string) => s.replace(/\r\n /g, '');
const DAY = 86_400_000;
const withoutNames = (lines: string[]) => lines.filter((l) => !l.startsWith('TZNAME:'));

describe('escapeText', () => {
  it('escapes backslash, semicolon, comma and newlines, backslash first', () => {
    expect(escapeText('a,b;c\\d\ne\r\nf')).toBe('a\\,b\\;c\\\\d\\ne\\nf');
    expect(escapeText('On call: platform')).toBe('On call: platform');
  });

  it('leaves no unescaped separator or line break, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const escaped = escapeText(text);
        expect(escaped).not.toMatch(/[\r\n]/);
        // Reading the escapes back gives the text (CRLF and CR read back as LF).
        const back = escaped.replace(/\\([\\;,n])/g, (_m, c: string) => (c === 'n' ? '\n' : c));
        expect(back).toBe(text.replace(/\r\n|\r/g, '\n'));
        expect(escaped.replace(/\\[\\;,n]/g, '')).not.toMatch(/[;,\\]/);
      }),
    );
  });
});

describe('paramValue', () => {
  it('quotes a value with : ; or , and drops what cannot appear in one', () => {
    expect(paramValue('Europe/Berlin')).toBe('Europe/Berlin');
    expect(paramValue('a:b')).toBe('"a:b"');
    expect(paramValue('a"b\nc')).toBe('abc');
  });
});

describe('foldLine', () => {
  it('leaves a line of 75 octets alone and folds one of 76', () => {
    expect(foldLine('x'.repeat(75))).toBe('x'.repeat(75));
    expect(foldLine('x'.repeat(76))).toBe(`${'x'.repeat(75)}\r\n x`);
  });

  it('never cuts a multi-byte character: each piece is at most 75 octets and valid UTF-8', () => {
    // 74 ASCII then a 4-octet emoji: the emoji moves to the next line whole.
    expect(foldLine(`${'x'.repeat(74)}🔥`)).toBe(`${'x'.repeat(74)}\r\n 🔥`);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (text) => {
        const line = `SUMMARY:${text.replace(/[\r\n]/g, '')}`;
        const folded = foldLine(line);
        const pieces = folded.split('\r\n');
        for (const [i, piece] of pieces.entries()) {
          expect(octets(piece)).toBeLessThanOrEqual(75);
          if (i > 0) expect(piece.startsWith(' ')).toBe(true);
          expect(Buffer.from(piece, 'utf8').toString('utf8')).toBe(piece);
          expect(piece).not.toMatch(/[\uD800-\uDBFF]$|^ ?[\uDC00-\uDFFF]/);
        }
        expect(unfold(folded)).toBe(line);
      }),
    );
  });

  it('ends every line with CRLF and leaves no bare LF', () => {
    const text = serialize(['BEGIN:VCALENDAR', `X:${'é'.repeat(100)}`, 'END:VCALENDAR']);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });
});

describe('date-times and offsets', () => {
  it('writes UTC and local date-times', () => {
    expect(utcDateTime(new Date('2026-01-05T08:00:00Z'))).toBe('20260105T080000Z');
    expect(localDateTime(new Date('2026-01-05T08:00:00Z'), 'Europe/Berlin')).toBe('20260105T090000');
    expect(localDateTime(new Date('2026-07-05T08:00:00Z'), 'Europe/Berlin')).toBe('20260705T100000');
    expect(localDateTime(new Date('2026-01-05T08:00:00Z'), 'Australia/Lord_Howe')).toBe('20260105T190000');
  });

  it('gives the same local time as luxon at any instant in any of the DST zones', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'),
        fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2029, 0, 1) }),
        (zone, ms) => {
          const expected = DateTime.fromMillis(Math.floor(ms / 1000) * 1000, { zone }).toFormat("yyyyMMdd'T'HHmmss");
          expect(localDateTime(new Date(Math.floor(ms / 1000) * 1000), zone)).toBe(expected);
        },
      ),
    );
  });

  it('writes offsets as ±hhmm', () => {
    expect(utcOffset(60)).toBe('+0100');
    expect(utcOffset(-300)).toBe('-0500');
    expect(utcOffset(630)).toBe('+1030');
    expect(utcOffset(0)).toBe('+0000');
    expect(utcOffset(-570)).toBe('-0930');
  });

  it('names a zone’s local time with TZID, and an instant in a repeated hour in UTC', () => {
    expect(dateTimeProperty('DTSTART', new Date('2026-01-05T08:00:00Z'), 'Europe/Berlin')).toBe(
      'DTSTART;TZID=Europe/Berlin:20260105T090000',
    );
    // 02:30 happens twice in Berlin on 2026-10-25: both instants are written in UTC.
    expect(dateTimeProperty('DTSTART', new Date('2026-10-25T00:30:00Z'), 'Europe/Berlin')).toBe('DTSTART:20261025T003000Z');
    expect(dateTimeProperty('DTEND', new Date('2026-10-25T01:30:00Z'), 'Europe/Berlin')).toBe('DTEND:20261025T013000Z');
    // Lord Howe repeats 01:30–02:00 on 2026-04-05 (its half-hour shift).
    expect(dateTimeProperty('DTSTART', new Date('2026-04-04T14:45:00Z'), 'Australia/Lord_Howe')).toBe('DTSTART:20260404T144500Z');
    expect(dateTimeProperty('DTSTART', new Date('2026-04-04T14:25:00Z'), 'Australia/Lord_Howe')).toBe(
      'DTSTART;TZID=Australia/Lord_Howe:20260405T012500',
    );
  });
});

describe('offsetChanges', () => {
  it('finds Berlin’s two changes of 2026 to the millisecond', () => {
    const changes = offsetChanges('Europe/Berlin', Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1));
    expect(changes.map((c) => ({ at: new Date(c.atMs).toISOString(), from: c.fromOffset, to: c.toOffset, daylight: c.daylight }))).toEqual([
      { at: '2026-03-29T01:00:00.000Z', from: 60, to: 120, daylight: true },
      { at: '2026-10-25T01:00:00.000Z', from: 120, to: 60, daylight: false },
    ]);
  });

  it('finds Lord Howe’s half-hour changes', () => {
    const changes = offsetChanges('Australia/Lord_Howe', Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1));
    expect(changes.map((c) => ({ at: new Date(c.atMs).toISOString(), from: c.fromOffset, to: c.toOffset }))).toEqual([
      { at: '2026-04-04T15:00:00.000Z', from: 660, to: 630 },
      { at: '2026-10-03T15:30:00.000Z', from: 630, to: 660 },
    ]);
  });

  it('finds none in a zone without DST, and the same changes over any split of the range', () => {
    expect(offsetChanges('Asia/Tokyo', Date.UTC(2025, 0, 1), Date.UTC(2028, 0, 1))).toEqual([]);
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2028, 0, 1) }), fc.integer({ min: 1, max: 900 }), (from, days) => {
        const to = from + days * DAY;
        const mid = Math.floor((from + to) / 2);
        const whole = offsetChanges('America/New_York', from, to);
        expect([...offsetChanges('America/New_York', from, mid), ...offsetChanges('America/New_York', mid, to)]).toEqual(whole);
        for (const c of whole) expect(c.atMs >= from && c.atMs < to).toBe(true);
      }),
    );
  });
});

describe('vtimezone', () => {
  it('opens with the observance in force and lists each change, onsets in the local time before it', () => {
    const lines = vtimezone('Europe/Berlin', Date.UTC(2026, 0, 10), Date.UTC(2027, 0, 10));
    // Abbreviations come from the machine's ICU data (CET here, GMT+1 there): each observance has one.
    expect(lines.filter((l) => l.startsWith('TZNAME:'))).toHaveLength(3);
    expect(withoutNames(lines)).toEqual([
      'BEGIN:VTIMEZONE',
      'TZID:Europe/Berlin',
      'BEGIN:STANDARD',
      'DTSTART:20251026T030000',
      'TZOFFSETFROM:+0200',
      'TZOFFSETTO:+0100',
      'END:STANDARD',
      'BEGIN:DAYLIGHT',
      'DTSTART:20260329T020000',
      'TZOFFSETFROM:+0100',
      'TZOFFSETTO:+0200',
      'END:DAYLIGHT',
      'BEGIN:STANDARD',
      'DTSTART:20261025T030000',
      'TZOFFSETFROM:+0200',
      'TZOFFSETTO:+0100',
      'END:STANDARD',
      'END:VTIMEZONE',
    ]);
  });

  it('writes Lord Howe’s +1030 and +1100', () => {
    const text = vtimezone('Australia/Lord_Howe', Date.UTC(2026, 5, 1), Date.UTC(2027, 5, 1)).join('\n');
    expect(text).toContain('BEGIN:STANDARD\nDTSTART:20260405T020000\nTZOFFSETFROM:+1100\nTZOFFSETTO:+1030');
    expect(text).toContain('BEGIN:DAYLIGHT\nDTSTART:20261004T020000\nTZOFFSETFROM:+1030\nTZOFFSETTO:+1100');
  });

  it('gives a zone that has not changed in over a year one observance', () => {
    expect(withoutNames(vtimezone('Asia/Tokyo', Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1)))).toEqual([
      'BEGIN:VTIMEZONE',
      'TZID:Asia/Tokyo',
      'BEGIN:STANDARD',
      'DTSTART:19700101T090000',
      'TZOFFSETFROM:+0900',
      'TZOFFSETTO:+0900',
      'END:STANDARD',
      'END:VTIMEZONE',
    ]);
  });
});
