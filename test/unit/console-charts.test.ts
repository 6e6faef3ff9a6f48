// The insights charts' SVG: well-formed XML, every label escaped, named by its <title> and <desc>, the
// numbers repeated in a table, and nothing to draw shown as a sentence rather than NaN.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { axisTop } from '../../src/http/console/chart-frame.js';
import { barChart, groupedBarChart, lineChart, stackedBarChart } from '../../src/http/console/charts.js';
import { durationUnit } from '../../src/http/console/insights-page.js';

const ENTITY = /^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;
const OPEN = /^<([a-zA-Z][\w:-]*)((?:\s+[a-zA-Z][\w:-]*="[^"<]*")*)\s*(\/?)>/;
const CLOSE = /^<\/([a-zA-Z][\w:-]*)\s*>/;

/** Whether `text` is well-formed XML as far as charts go: balanced elements, quoted attributes, known entities. */
function wellFormed(text: string): string | true {
  const stack: string[] = [];
  let rest = text;
  while (rest.length > 0) {
    if (rest.startsWith('<')) {
      const close = CLOSE.exec(rest);
      if (close) {
        if (stack.pop() !== close[1]) return `unexpected </${close[1]}> at …${rest.slice(0, 40)}`;
        rest = rest.slice(close[0].length);
        continue;
      }
      const open = OPEN.exec(rest);
      if (!open) return `bad tag at …${rest.slice(0, 40)}`;
      const names = [...open[2]!.matchAll(/([\w:-]+)=/g)].map((m) => m[1]);
      if (new Set(names).size !== names.length) return `repeated attribute in ${open[0]}`;
      if (!open[3]) stack.push(open[1]!);
      rest = rest.slice(open[0].length);
    } else if (rest.startsWith('&')) {
      const entity = ENTITY.exec(rest);
      if (!entity) return `bad entity at …${rest.slice(0, 20)}`;
      rest = rest.slice(entity[0].length);
    } else {
      const text = /^[^<&]+/.exec(rest)![0];
      rest = rest.slice(text.length);
    }
  }
  return stack.length === 0 ? true : `unclosed ${stack.join(', ')}`;
}

const HOSTILE = `<script>alert("x")</script> & 'quoted'`;
const frame = { id: 'c', title: `Title ${HOSTILE}`, desc: `Desc ${HOSTILE}` };
const weeks = ['2025-12-29', '2026-01-05', '2026-01-12'];

describe('insights charts', () => {
  it('escape every label and are well-formed, named by their title and desc', () => {
    const html = stackedBarChart(frame, {
      labels: weeks.map((w) => `${w} ${HOSTILE}`),
      series: [
        { name: HOSTILE, values: [1, 0, 2] },
        { name: 'sev2', values: [0, 3, 1] },
      ],
      empty: 'No incidents',
    });
    expect(wellFormed(html)).toBe(true);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;');
    expect(html).toContain('role="img" aria-labelledby="c-title c-desc"');
    expect(html).toMatch(/<title id="c-title">Title &lt;script&gt;/);
    expect(html).toMatch(/<desc id="c-desc">Desc &lt;script&gt;/);
    // The numbers, with each week's total, in the table.
    expect(html).toContain('<details><summary>The numbers</summary><table>');
    expect(html).toMatch(/<th scope="row">2026-01-05[^<]*<\/th><td>0<\/td><td>3<\/td><td>3<\/td>/);
    expect(html.match(/<rect [^>]*fill="#/g)!.length).toBeGreaterThanOrEqual(4);
  });

  it('say there is nothing to show when every count is zero, without NaN', () => {
    const charts = [
      stackedBarChart(frame, { labels: weeks, series: [{ name: 'sev1', values: [0, 0, 0] }], empty: 'No incidents in these weeks' }),
      stackedBarChart(frame, { labels: weeks, series: [], empty: 'No incidents in these weeks' }),
      groupedBarChart(frame, { labels: weeks, series: [{ name: 'Opened', values: [0, 0, 0] }], empty: 'No incidents in these weeks' }),
      lineChart(frame, {
        labels: weeks,
        series: [{ name: 'p50', values: [null, null, null] }],
        empty: 'No incidents in these weeks',
        format: String,
      }),
      barChart(frame, { rows: [], empty: 'No incidents in these weeks', unit: 'Incidents' }),
    ];
    for (const html of charts) {
      expect(wellFormed(html)).toBe(true);
      expect(html).toContain('No incidents in these weeks');
      expect(html).not.toMatch(/NaN|Infinity|undefined/);
    }
  });

  it('break a line at a week with nothing measured instead of drawing a zero', () => {
    const html = lineChart(frame, {
      labels: ['a', 'b', 'c', 'd', 'e'],
      series: [{ name: 'p50', values: [1, 2, null, 0.5, 1.5] }],
      empty: 'none',
      format: durationUnit(120_000).format,
    });
    expect(wellFormed(html)).toBe(true);
    expect(html.match(/<polyline /g)).toHaveLength(2);
    expect(html.match(/<circle /g)).toHaveLength(4);
    expect(html).toContain('<th scope="row">c</th><td>—</td>');
    expect(html).toContain('<td>2 min</td>');
  });

  it('stay well-formed and free of NaN whatever the numbers and labels (property)', () => {
    const label = fc.string({ maxLength: 30 });
    fc.assert(
      fc.property(
        fc.array(label, { minLength: 1, maxLength: 52 }),
        fc.array(fc.tuple(label, fc.array(fc.nat({ max: 10_000 }), { maxLength: 52 })), { maxLength: 6 }),
        fc.array(fc.option(fc.nat({ max: 40 * 86_400_000 }), { nil: null }), { maxLength: 52 }),
        (labels, rawSeries, durations) => {
          const series = rawSeries.map(([name, values]) => ({ name, values }));
          const unit = durationUnit(Math.max(0, ...durations.map((d) => d ?? 0)));
          const html = [
            stackedBarChart(frame, { labels, series, empty: 'none' }),
            groupedBarChart(frame, { labels, series, empty: 'none' }),
            lineChart(frame, {
              labels,
              series: [{ name: 'p90', values: durations.map((d) => (d === null ? null : d / unit.size)) }],
              empty: 'none',
              format: unit.format,
            }),
            barChart(frame, { rows: series.map((s) => ({ label: s.name, value: s.values[0] ?? 0 })), empty: 'none', unit: 'n' }),
          ].join('');
          expect(wellFormed(html)).toBe(true);
          expect(html).not.toMatch(/NaN|Infinity/);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('tops the axis at four round steps, whole ones for counts', () => {
    expect([0, 1, 3, 5, 7, 12, 25, 51, 999].map((max) => axisTop(max, true))).toEqual([4, 4, 4, 8, 8, 20, 40, 80, 1000]);
    expect([0.5, 1.2, 3, 33].map((max) => axisTop(max, false))).toEqual([0.8, 2, 4, 40]);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e9, noNaN: true }), fc.boolean(), (max, whole) => {
        const top = axisTop(max, whole);
        expect(top).toBeGreaterThanOrEqual(max);
        if (whole) expect(Number.isInteger(top / 4)).toBe(true);
      }),
    );
  });

  it('has a well-formedness check that catches what it should', () => {
    expect(wellFormed('<svg><g></svg>')).not.toBe(true);
    expect(wellFormed('<svg x="1" x="2"/>')).not.toBe(true);
    expect(wellFormed('<text>a & b</text>')).not.toBe(true);
    expect(wellFormed('<text a=1></text>')).not.toBe(true);
  });
});
