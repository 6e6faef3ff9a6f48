import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { localDay, localTime } from '../../src/http/console/local-time.js';
import { describeInstant } from '../../src/paging/schedule-times.js';

const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC', 'Pacific/Chatham'];

describe('localTime', () => {
  it('reads as describeInstant does, with the weekday in front', () => {
    expect(localTime(new Date('2027-03-28T01:00:00Z'), 'Europe/Berlin')).toBe('Sun 2027-03-28 03:00 CEST');
    expect(localTime(new Date('2027-03-28T00:59:00Z'), 'Europe/Berlin')).toBe('Sun 2027-03-28 01:59 CET');
    expect(localDay(new Date('2027-03-27T23:30:00Z'), 'Europe/Berlin')).toBe('Sun 2027-03-28');
  });

  it('for any instant and zone: the same text as describeInstant and the same weekday as luxon', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom(...ZONES),
        (at, zone) => {
          const weekday = DateTime.fromJSDate(at, { zone }).setLocale('en-US').toFormat('ccc');
          expect(localTime(at, zone)).toBe(`${weekday} ${describeInstant(at, zone)}`);
        },
      ),
      { numRuns: 500 },
    );
  });
});
