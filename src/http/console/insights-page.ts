// GET /insights: the charts of the last weeks, drawn on the server as SVG, over the incidents the person
// may see (src/postmortems/weekly-insights.ts says which count).
import { z } from 'zod';
import { weeklyInsightsFor, type WeeklyInsights } from '../../postmortems/weekly-insights.js';
import type { Config } from '../../config/load.js';
import { escapeHtml } from '../html.js';
import type { Route } from '../server.js';
import { barChart, groupedBarChart, lineChart, stackedBarChart } from './charts.js';
import { signedIn, viewerOf, type ConsoleContext } from './context.js';
import { sendConsolePage } from './layout.js';
import { parseQuery, sendBadQuery } from './query.js';

const WEEKS = 'weeks must be a whole number from 4 to 52';
export const InsightsQuery = z.object({
  weeks: z.coerce.number({ error: WEEKS }).int(WEEKS).min(4, WEEKS).max(52, WEEKS).default(12),
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * One unit for a whole chart, chosen by its largest value, so the axis reads in the same unit as the
 * points and its gridlines fall on round numbers of that unit.
 */
export function durationUnit(maxMs: number): { size: number; format: (value: number) => string } {
  const [unit, size] = maxMs < 3 * HOUR ? ['min', MINUTE] : maxMs < 3 * DAY ? ['h', HOUR] : ['d', DAY];
  return { size, format: (value) => `${Math.round(value * 100) / 100} ${unit}` };
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const shortDay = (d: Date) => d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

export function insightsBody(data: WeeklyInsights, config: Pick<Config, 'severities'>, weekCount: number): string {
  const labels = data.weeks.map(isoDay);
  const axisLabels = data.weeks.map(shortDay);
  const total = data.bySeverity.reduce((sum, s) => sum + s.counts.reduce((a, b) => a + b, 0), 0);
  const severityLabel = new Map(config.severities.map((s) => [s.id, `${s.id} ${s.label}`]));
  const none = 'No incidents in these weeks';
  const durations = (name: string, id: string, series: WeeklyInsights['timeToAcknowledge']) => {
    const unit = durationUnit(Math.max(0, ...series.flatMap((w) => [w.p50 ?? 0, w.p90 ?? 0])));
    const inUnit = (ms: number | null) => (ms === null ? null : ms / unit.size);
    return lineChart(
      {
        id,
        title: name,
        desc: `${name} of the incidents declared each week: the median (p50, solid) and the 90th percentile (p90, dashed).`,
      },
      {
        labels,
        axisLabels,
        empty: `No incident in these weeks has a ${id === 'mtta' ? 'first acknowledgement' : 'resolution'} yet`,
        format: unit.format,
        series: [
          { name: 'p50', values: series.map((w) => inUnit(w.p50)) },
          { name: 'p90', values: series.map((w) => inUnit(w.p90)) },
        ],
      },
    );
  };
  const charts = [
    stackedBarChart(
      {
        id: 'per-week',
        title: 'Incidents per week by severity',
        desc: `Incidents declared each week (weeks start on Monday, UTC), stacked by severity; ${total} in all.`,
      },
      {
        labels,
        axisLabels,
        empty: none,
        series: data.bySeverity.map((s) => ({ name: severityLabel.get(s.severity) ?? s.severity, values: s.counts })),
      },
    ),
    durations('Time to acknowledge (MTTA)', 'mtta', data.timeToAcknowledge),
    durations('Time to resolve (MTTR)', 'mttr', data.timeToResolve),
    barChart(
      { id: 'by-type', title: 'Incidents by type', desc: 'Incidents declared in these weeks, by type, most first.' },
      { rows: data.byType.map((t) => ({ label: t.type, value: t.count })), empty: none, unit: 'Incidents' },
    ),
    barChart(
      { id: 'by-service', title: 'Incidents by service', desc: 'Incidents in these weeks that affected each service, most first.' },
      {
        rows: data.byService.map((s) => ({ label: s.service, value: s.current })),
        empty: 'No service was marked affected in these weeks',
        unit: 'Incidents',
      },
    ),
    barChart(
      {
        id: 'dependencies-affected',
        title: 'Services whose dependencies were affected',
        desc: 'Incidents in these weeks where something a service depends on was affected but the service itself was not marked.',
      },
      {
        rows: data.dependenciesAffected.map((d) => ({ label: `${d.service} (via ${d.via.join(', ')})`, value: d.count })),
        empty: 'No dependency of a service was affected in these weeks',
        unit: 'Incidents',
      },
    ),
    barChart(
      { id: 'alert-groups', title: 'Recurring alert groups', desc: 'The ten alert groups that opened the most incidents in these weeks.' },
      {
        rows: data.recurringAlertGroups.map((g) => ({ label: `${g.integration}: ${g.group}`, value: g.incidents })),
        empty: 'No alert opened an incident in these weeks',
        unit: 'Incidents opened',
      },
    ),
    groupedBarChart(
      { id: 'followups', title: 'Follow-ups opened and done', desc: 'Follow-ups opened each week beside those marked done that week.' },
      {
        labels,
        axisLabels,
        empty: 'No follow-up was opened or done in these weeks',
        series: [
          { name: 'Opened', values: data.followupsOpened },
          { name: 'Done', values: data.followupsDone },
        ],
      },
    ),
  ];
  const form =
    `<form class="filters" method="get" action="/insights"><label>Weeks (4 to 52)` +
    `<input type="number" name="weeks" min="4" max="52" value="${weekCount}"></label><button type="submit">Show</button></form>`;
  return (
    `<h1>Insights</h1>\n${form}\n<p>${total} incident${total === 1 ? '' : 's'} over the last ${weekCount} weeks, from the week of ${escapeHtml(labels[0] ?? '')}. ` +
    `Private incidents you are not a member of, drills and declined declarations are not counted.</p>\n` +
    `<div class="grid chart-grid">\n${charts.join('\n')}\n</div>`
  );
}

export function insightsPage(ctx: ConsoleContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/insights',
      handler: signedIn(ctx.auth, async (req, res, session) => {
        const query = parseQuery(req, InsightsQuery);
        if (!query.ok) return sendBadQuery(res, session, 'insights', '/insights', query.message);
        const weekCount = query.value.weeks;
        const data = await ctx.db.transaction((tx) =>
          weeklyInsightsFor(tx, viewerOf(session), {
            weekCount,
            now: new Date(),
            severities: ctx.config.severities.map((s) => s.id),
            services: ctx.config.services,
          }),
        );
        sendConsolePage(res, 200, session, { title: 'Insights', section: 'insights', body: insightsBody(data, ctx.config, weekCount) });
      }),
    },
  ];
}
