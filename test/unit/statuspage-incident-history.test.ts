// The page-wide incident history's pure parts: which month an incident goes under, in what order, which
// three months a page holds and whether there is an older one, and which `?page=` values are pages.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { incidentHistoryPage, MAX_HISTORY_PAGE, parseHistoryPage } from '../../src/statuspage/incident-history.js';
import { pageModel, type Publication } from '../../src/statuspage/model.js';

const PAGE = { title: 'Acme Status', public: true, components: [{ id: 'api', name: 'API' }] };
const NOW = new Date('2026-12-03T08:00:00Z');

let nextId = 1;
/** One incident's publications, the first at `began`, the last (resolved when `resolved`) an hour later. */
function incident(incidentId: number, began: string, resolved = true): Publication[] {
  const at = new Date(began);
  const base = { incidentId, title: `Incident ${incidentId}`, message: 'm', components: [{ id: 'api', state: 'major_outage' as const }] };
  return [
    { ...base, id: nextId++, status: 'investigating', publishedAt: at },
    { ...base, id: nextId++, status: resolved ? 'resolved' : 'monitoring', publishedAt: new Date(at.getTime() + 3_600_000) },
  ];
}
const incidents = (...pubs: Publication[][]) => pageModel(PAGE, pubs.flat()).incidents;
const titles = (page: ReturnType<typeof incidentHistoryPage>) => page.months.map((m) => [m.label, m.incidents.map((i) => i.name)]);

describe('incidentHistoryPage', () => {
  it('puts each incident under the UTC month it began in, newest first, three months a page', () => {
    const all = incidents(
      incident(1, '2026-12-01T00:00:00Z'),
      incident(2, '2026-11-30T23:30:00Z'), // resolved in December, began in November
      incident(3, '2026-11-02T10:00:00Z', false),
      incident(4, '2026-09-30T23:59:59Z'),
      incident(5, '2026-03-15T12:00:00Z'),
    );
    const first = incidentHistoryPage(all, NOW, 1);
    expect(titles(first)).toEqual([
      ['December 2026', ['Incident 1']],
      ['November 2026', ['Incident 2', 'Incident 3']],
      ['October 2026', []],
    ]);
    expect(first.months.map((m) => m.key)).toEqual(['2026-12', '2026-11', '2026-10']);
    expect(first.older).toBe(true);
    const second = incidentHistoryPage(all, NOW, 2);
    expect(titles(second)).toEqual([
      ['September 2026', ['Incident 4']],
      ['August 2026', []],
      ['July 2026', []],
    ]);
    expect(second.older).toBe(true);
    const third = incidentHistoryPage(all, NOW, 3);
    expect(titles(third)).toEqual([
      ['June 2026', []],
      ['May 2026', []],
      ['April 2026', []],
    ]);
    const last = incidentHistoryPage(all, NOW, 4);
    expect(titles(last)).toEqual([
      ['March 2026', ['Incident 5']],
      ['February 2026', []],
      ['January 2026', []],
    ]);
    expect(last.older).toBe(false);
  });

  it('crosses the year, and keeps an incident stamped ahead of the clock on the first page', () => {
    const all = incidents(incident(1, '2027-01-01T00:00:01Z'), incident(2, '2025-11-20T00:00:00Z'));
    const jan = new Date('2026-01-31T23:59:59Z');
    expect(titles(incidentHistoryPage(all, jan, 1))).toEqual([
      ['January 2026', ['Incident 1']],
      ['December 2025', []],
      ['November 2025', ['Incident 2']],
    ]);
    expect(incidentHistoryPage(all, jan, 1).older).toBe(false);
  });

  it('shows every incident exactly once over the pages, and says older exactly while some remain', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 * 31 }), { maxLength: 20 }), (daysAgo) => {
        const all = incidents(...daysAgo.map((d, k) => incident(k + 1, new Date(NOW.getTime() - d * 86_400_000).toISOString())));
        const seen: string[] = [];
        for (let page = 1; ; page++) {
          const p = incidentHistoryPage(all, NOW, page);
          seen.push(...p.months.flatMap((m) => m.incidents.map((i) => i.id)));
          if (!p.older) break;
        }
        expect(seen.sort()).toEqual(all.map((i) => i.id).sort());
      }),
    );
  });
});

describe('parseHistoryPage', () => {
  it('takes no value as the first page and a whole number from 1 to the last page as itself', () => {
    expect(parseHistoryPage(null)).toBe(1);
    expect(parseHistoryPage('1')).toBe(1);
    expect(parseHistoryPage('12')).toBe(12);
    expect(parseHistoryPage(String(MAX_HISTORY_PAGE))).toBe(MAX_HISTORY_PAGE);
  });

  it('refuses anything else', () => {
    for (const bad of ['', '0', '-1', '01', '1.5', '2e3', ' 2', 'two', String(MAX_HISTORY_PAGE + 1), '99999999999999999999']) {
      expect(parseHistoryPage(bad), bad).toBeUndefined();
    }
  });
});
