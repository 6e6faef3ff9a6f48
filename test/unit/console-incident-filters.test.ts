// The console list's filters: what the GET form sends parses into findIncidents' filter, every bad value
// is named, and the links the page builds carry exactly the filters back (so paging never drops one).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listQueryString, parseListQuery } from '../../src/http/console/incident-filters.js';
import { STATUSES } from '../../src/incidents/status.js';

const known = { severities: ['sev1', 'sev2', 'sev3'], types: ['availability', 'security'] };
const parse = (query: string) => parseListQuery(new URLSearchParams(query), known);

describe('parseListQuery', () => {
  it('turns the form into a filter: repeated choices, whole UTC days with an inclusive until, text, drills', () => {
    const parsed = parse(
      'status=resolved&status=closed&severity=sev1&type=security&since=2026-02-01&until=2026-02-28&q=db+down&drills=1&after=40',
    );
    expect(parsed).toMatchObject({
      ok: true,
      filter: {
        statuses: ['resolved', 'closed'],
        severities: ['sev1'],
        types: ['security'],
        since: new Date('2026-02-01T00:00:00Z'),
        until: new Date('2026-03-01T00:00:00Z'),
        text: 'db down',
        includeDrills: true,
      },
      form: { after: 40 },
    });
    expect(parse('type=&q=+')).toMatchObject({ ok: true, filter: { types: [], includeDrills: false } });
    expect(parse('')).toMatchObject({ ok: true, filter: { statuses: [], severities: [] } });
  });

  it('names every bad value, and keeps the good ones for the form', () => {
    const parsed = parse('status=bogus&status=resolved&severity=sev9&type=weather&since=2026-02-30&until=soon&after=x');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual([
      expect.stringContaining('Unknown status "bogus"'),
      expect.stringContaining('Unknown severity "sev9"'),
      expect.stringContaining('Unknown type "weather"'),
      expect.stringContaining('"2026-02-30" is not a date'),
      expect.stringContaining('"soon" is not a date'),
      expect.stringContaining('page link is broken'),
    ]);
    expect(parsed.form.statuses).toEqual(['resolved']);
    expect(parse('since=2026-03-02&until=2026-03-01')).toMatchObject({ ok: false, errors: [expect.stringContaining('is before')] });
  });
});

describe('listQueryString', () => {
  it('gives back a query that parses to the same form, for any form the parser accepts', () => {
    const dayText = fc
      .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    const form = fc.record({
      statuses: fc.uniqueArray(fc.constantFrom(...STATUSES)),
      severities: fc.uniqueArray(fc.constantFrom(...known.severities)),
      types: fc.uniqueArray(fc.constantFrom(...known.types)),
      since: fc.option(dayText, { nil: '' }),
      q: fc.string({ maxLength: 40 }).map((s) => s.trim()),
      drills: fc.boolean(),
      after: fc.option(fc.integer({ min: 1, max: 1e9 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(form, (f) => {
        const chosen = { ...f, until: '' };
        const parsed = parse(listQueryString(chosen, chosen.after).slice(1));
        expect(parsed.ok).toBe(true);
        expect(parsed.form).toEqual(chosen);
      }),
      { numRuns: 500 },
    );
  });
});
