// The insights charts as inline SVG drawn on the server: no library, no script, every label escaped.
// Each is a pure function from plain numbers to HTML (see chart-frame.ts for what they share).
import { escapeHtml } from '../html.js';
import {
  PLOT,
  PLOT_HEIGHT,
  PLOT_WIDTH,
  WIDTH,
  chartFigure,
  colour,
  emptyPlot,
  legend,
  n,
  axisTop,
  xLabels,
  yAxis,
  type ChartFrame,
} from './chart-frame.js';

export type { ChartFrame } from './chart-frame.js';

export interface Series<T = number> {
  name: string;
  values: readonly T[];
}

export interface CategoryChart<T = number> {
  /** One label per category (a week), as the table shows it. */
  labels: readonly string[];
  /** The same, shorter, for the x axis; the labels themselves when absent. */
  axisLabels?: readonly string[];
  series: ReadonlyArray<Series<T>>;
  /** What the chart says when there is nothing to draw. */
  empty: string;
}

const count = (value: number): string => String(Math.round(value));
const slot = (categories: number) => PLOT_WIDTH / Math.max(1, categories);
const centre = (categories: number) => (i: number) => PLOT.left + slot(categories) * (i + 0.5);
const yOf = (value: number, top: number) => PLOT.top + PLOT_HEIGHT - (PLOT_HEIGHT * value) / top;

/** Each category's series stacked in one bar, in series order from the bottom. */
export function stackedBarChart(frame: ChartFrame, data: CategoryChart): string {
  const totals = data.labels.map((_, i) => data.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = Math.max(0, ...totals);
  let plot: string;
  if (max === 0) plot = emptyPlot(data.empty);
  else {
    const top = axisTop(max, true);
    const width = slot(data.labels.length) * 0.7;
    const bars = data.labels.map((label, i) => {
      let base = 0;
      return data.series
        .map((s, k) => {
          const value = s.values[i] ?? 0;
          if (value <= 0) return '';
          const y = yOf(base + value, top);
          base += value;
          const h = yOf(base - value, top) - y;
          return `<rect x="${n(centre(data.labels.length)(i) - width / 2)}" y="${n(y)}" width="${n(width)}" height="${n(h)}" fill="${colour(k)}"><title>${escapeHtml(`${label}: ${s.name} ${value}`)}</title></rect>`;
        })
        .join('');
    });
    plot = yAxis(top, count) + bars.join('') + xLabels(data.axisLabels ?? data.labels, centre(data.labels.length));
  }
  return chartFigure(frame, legend(data.series.map((s) => s.name)) + plot, {
    corner: 'Week',
    columns: [...data.series.map((s) => s.name), 'Total'],
    rows: data.labels.map((label, i) => ({ label, cells: [...data.series.map((s) => count(s.values[i] ?? 0)), count(totals[i] ?? 0)] })),
  });
}

/** Each category's series side by side. */
export function groupedBarChart(frame: ChartFrame, data: CategoryChart): string {
  const max = Math.max(0, ...data.series.flatMap((s) => s.values));
  let plot: string;
  if (max === 0) plot = emptyPlot(data.empty);
  else {
    const top = axisTop(max, true);
    const width = (slot(data.labels.length) * 0.8) / Math.max(1, data.series.length);
    const bars = data.labels.flatMap((label, i) =>
      data.series.map((s, k) => {
        const value = s.values[i] ?? 0;
        if (value <= 0) return '';
        const x = centre(data.labels.length)(i) - (width * data.series.length) / 2 + width * k;
        const y = yOf(value, top);
        return `<rect x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${n(PLOT.top + PLOT_HEIGHT - y)}" fill="${colour(k)}"><title>${escapeHtml(`${label}: ${s.name} ${value}`)}</title></rect>`;
      }),
    );
    plot = yAxis(top, count) + bars.join('') + xLabels(data.axisLabels ?? data.labels, centre(data.labels.length));
  }
  return chartFigure(frame, legend(data.series.map((s) => s.name)) + plot, {
    corner: 'Week',
    columns: data.series.map((s) => s.name),
    rows: data.labels.map((label, i) => ({ label, cells: data.series.map((s) => count(s.values[i] ?? 0)) })),
  });
}

/** Lines over the categories; a null value (nothing measured that week) breaks the line instead of faking a zero. */
export function lineChart(frame: ChartFrame, data: CategoryChart<number | null> & { format: (value: number) => string }): string {
  const known = data.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  let plot: string;
  if (known.length === 0) plot = emptyPlot(data.empty);
  else {
    const top = axisTop(Math.max(...known), false);
    const x = centre(data.labels.length);
    const lines = data.series.map((s, k) => {
      const runs: string[][] = [[]];
      const dots: string[] = [];
      s.values.forEach((v, i) => {
        if (v === null || !Number.isFinite(v)) {
          runs.push([]);
          return;
        }
        runs.at(-1)!.push(`${n(x(i))},${n(yOf(v, top))}`);
        dots.push(
          `<circle cx="${n(x(i))}" cy="${n(yOf(v, top))}" r="3" fill="${colour(k)}"><title>${escapeHtml(`${data.labels[i] ?? ''}: ${s.name} ${data.format(v)}`)}</title></circle>`,
        );
      });
      const paths = runs
        .filter((r) => r.length > 1)
        .map(
          (r) =>
            `<polyline points="${r.join(' ')}" fill="none" stroke="${colour(k)}" stroke-width="2"${k > 0 ? ' stroke-dasharray="6 3"' : ''}/>`,
        );
      return paths.join('') + dots.join('');
    });
    plot = yAxis(top, data.format) + lines.join('') + xLabels(data.axisLabels ?? data.labels, x);
  }
  return chartFigure(frame, legend(data.series.map((s) => s.name)) + plot, {
    corner: 'Week',
    columns: data.series.map((s) => s.name),
    rows: data.labels.map((label, i) => ({
      label,
      cells: data.series.map((s) => {
        const v = s.values[i];
        return v === null || v === undefined ? '—' : data.format(v);
      }),
    })),
  });
}

const LABEL_WIDTH = 200;

/** One horizontal bar per row, largest as given first; long labels are cut in the picture, whole in the table. */
export function barChart(
  frame: ChartFrame,
  data: { rows: ReadonlyArray<{ label: string; value: number }>; empty: string; unit: string },
): string {
  const max = Math.max(0, ...data.rows.map((r) => r.value));
  let plot: string;
  if (max === 0) plot = emptyPlot(data.empty);
  else {
    const top = axisTop(max, true);
    const band = Math.min(28, PLOT_HEIGHT / data.rows.length);
    const span = WIDTH - PLOT.right - LABEL_WIDTH - 40;
    plot = data.rows
      .map((r, i) => {
        const y = PLOT.top + band * i;
        const w = (span * r.value) / top;
        const shown = r.label.length > 28 ? `${r.label.slice(0, 27)}…` : r.label;
        return (
          `<text x="${LABEL_WIDTH - 8}" y="${n(y + band * 0.65)}" text-anchor="end" font-size="12" fill="#1d1c1d">${escapeHtml(shown)}</text>` +
          `<rect x="${LABEL_WIDTH}" y="${n(y + band * 0.15)}" width="${n(w)}" height="${n(band * 0.7)}" fill="${colour(3)}"><title>${escapeHtml(`${r.label}: ${r.value}`)}</title></rect>` +
          `<text x="${n(LABEL_WIDTH + w + 6)}" y="${n(y + band * 0.65)}" font-size="12" fill="#1d1c1d">${r.value}</text>`
        );
      })
      .join('');
  }
  return chartFigure(frame, plot, {
    corner: frame.title,
    columns: [data.unit],
    rows: data.rows.map((r) => ({ label: r.label, cells: [String(r.value)] })),
  });
}
