// What every chart shares: the <figure> with its heading, an <svg role="img"> named by its own <title> and
// <desc>, the axis scale, and the numbers again as a table in <details> for anyone the picture does not reach.
import { escapeHtml } from '../html.js';

export interface ChartFrame {
  /** Unique on the page; the ids of the heading, title and desc derive from it. */
  id: string;
  title: string;
  /** One sentence saying what the chart shows, read out with the title. */
  desc: string;
}

export interface DataTable {
  /** The header of the first column (the row labels). */
  corner: string;
  columns: readonly string[];
  rows: ReadonlyArray<{ label: string; cells: readonly string[] }>;
}

export const WIDTH = 640;
export const HEIGHT = 280;
export const PLOT = { left: 56, right: 16, top: 40, bottom: 44 } as const;
export const PLOT_WIDTH = WIDTH - PLOT.left - PLOT.right;
export const PLOT_HEIGHT = HEIGHT - PLOT.top - PLOT.bottom;

/** Distinct on white and against each other (each at least 3:1 on white, WCAG's bar for graphics). */
export const PALETTE = ['#a4161a', '#b35c00', '#005e46', '#1f5fa8', '#6b3fa0', '#545454', '#8a6d00', '#b0306a'] as const;
export const colour = (i: number): string => PALETTE[i % PALETTE.length]!;

const INK = '#1d1c1d';
const GRID = '#d6d6d6';

/** Numbers as SVG writes them: at most two decimals, never NaN or exponent notation. */
export const n = (value: number): string => (Number.isFinite(value) ? String(Math.round(value * 100) / 100) : '0');

/**
 * The top of the y axis at or above `max`: four gridline steps, each 1, 2, 2.5 or 5 times a power of ten,
 * so every gridline label is a round number (a whole one for counts).
 */
export function axisTop(max: number, whole: boolean): number {
  // Below a millionth nothing is drawn apart from zero, and 10 ** log10 of a subnormal would underflow.
  const wanted = max > 1e-6 && Number.isFinite(max) ? max / 4 : 0.25;
  const power = 10 ** Math.floor(Math.log10(wanted));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= wanted && (!whole || Number.isInteger(s))) ?? 10 * power;
  return 4 * (whole ? Math.max(1, Math.ceil(step)) : step);
}

/** The y gridlines and their labels, from 0 to `top` in quarters. */
export function yAxis(top: number, label: (value: number) => string): string {
  const lines: string[] = [];
  for (let i = 0; i <= 4; i += 1) {
    const value = (top * i) / 4;
    const y = PLOT.top + PLOT_HEIGHT - (PLOT_HEIGHT * i) / 4;
    lines.push(
      `<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${n(y)}" y2="${n(y)}" stroke="${GRID}"/>` +
        `<text x="${PLOT.left - 6}" y="${n(y + 4)}" text-anchor="end" font-size="11" fill="${INK}">${escapeHtml(label(value))}</text>`,
    );
  }
  return lines.join('');
}

/** Category labels under the plot, thinned so they do not overlap (every label stays in the table). */
export function xLabels(labels: readonly string[], centreOf: (i: number) => number): string {
  const every = Math.max(1, Math.ceil(labels.length / 12));
  return labels
    .map((label, i) =>
      i % every === 0
        ? `<text x="${n(centreOf(i))}" y="${HEIGHT - PLOT.bottom + 16}" text-anchor="middle" font-size="11" fill="${INK}">${escapeHtml(label)}</text>`
        : '',
    )
    .join('');
}

/** The legend along the top: a swatch and a name per series. */
export function legend(names: readonly string[]): string {
  let x = PLOT.left;
  return names
    .map((name, i) => {
      const item =
        `<rect x="${n(x)}" y="12" width="12" height="12" fill="${colour(i)}"/>` +
        `<text x="${n(x + 16)}" y="22" font-size="12" fill="${INK}">${escapeHtml(name)}</text>`;
      x += 28 + name.length * 7;
      return item;
    })
    .join('');
}

/** The chart when there is nothing to draw: it says so rather than drawing empty axes (or NaN). */
export function emptyPlot(message: string): string {
  return (
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT_WIDTH}" height="${PLOT_HEIGHT}" fill="#f6f6f4" stroke="${GRID}"/>` +
    `<text x="${WIDTH / 2}" y="${PLOT.top + PLOT_HEIGHT / 2}" text-anchor="middle" font-size="15" fill="${INK}">${escapeHtml(message)}</text>`
  );
}

function tableHtml(table: DataTable): string {
  const head = `<tr><th scope="col">${escapeHtml(table.corner)}</th>${table.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr>`;
  const rows = table.rows
    .map((r) => `<tr><th scope="row">${escapeHtml(r.label)}</th>${r.cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('');
  return `<table><thead>${head}</thead><tbody>${rows}</tbody></table>`;
}

/** The whole chart: `plot` is already escaped SVG drawn in the WIDTH × HEIGHT box. */
export function chartFigure(frame: ChartFrame, plot: string, table: DataTable): string {
  const id = escapeHtml(frame.id);
  return (
    `<figure class="card chart-card" aria-labelledby="${id}-heading">\n<h2 id="${id}-heading">${escapeHtml(frame.title)}</h2>\n` +
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-labelledby="${id}-title ${id}-desc">` +
    `<title id="${id}-title">${escapeHtml(frame.title)}</title><desc id="${id}-desc">${escapeHtml(frame.desc)}</desc>${plot}</svg>\n` +
    `<details><summary>The numbers</summary>${tableHtml(table)}</details>\n</figure>`
  );
}
