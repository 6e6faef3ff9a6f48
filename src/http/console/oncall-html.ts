// The on-call page as HTML: who is on call now, the signed-in person's calendar link, the choice of
// schedule and weeks, and each schedule's weeks as tables. Pure: the worked-out schedules in, escaped HTML out.
import { clockJump } from '../../paging/clock-changes.js';
import type { CalendarEntry, CalendarWeek, OnCallNow, ScheduleCalendar, Uncomputable } from '../../paging/oncall-calendar.js';
import { escapeHtml } from '../html.js';
import { localDay, localTime } from './local-time.js';

export const MAX_WEEKS = 8;

export interface OncallPageView {
  now: Array<OnCallNow | Uncomputable>;
  calendars: Array<{ calendar: ScheduleCalendar | Uncomputable; feedUrl: string | undefined }>;
  /** The signed-in person's own feed. */
  personalFeedUrl: string;
  names: Record<string, string>;
  scheduleIds: readonly string[];
  /** What the form shows as chosen. */
  chosen: { schedule: string | undefined; weeks: number; from: string | undefined };
  /** A query that could not be read, said plainly above the form. */
  problem?: string;
}

/** "Sun 2027-03-28 03:00 CEST", in a <time> element a machine can read too. */
function when(at: Date, zone: string): string {
  return `<time datetime="${escapeHtml(at.toISOString())}">${escapeHtml(localTime(at, zone))}</time>`;
}

const nameOf = (user: string | null, names: Record<string, string>) =>
  user === null ? '<span class="muted">Nobody</span>' : escapeHtml(names[user] ?? user);

const OVERRIDE = '<span class="badge override">Override</span>';

const cannot = (u: Uncomputable) => `Cannot be worked out: ${escapeHtml(u.problem)}`;

function nowTable(rows: OncallPageView['now'], names: Record<string, string>): string {
  if (rows.length === 0) return '<p class="notice">No schedules are configured (<code>schedules:</code> in the config).</p>';
  const body = rows
    .map((r) => {
      const head = `<th scope="row">${escapeHtml(r.scheduleId)}</th>`;
      if (!r.ok) return `<tr>${head}<td colspan="3" class="error">${cannot(r)}</td></tr>`;
      const until = r.until ? when(r.until, r.timeZone) : '<span class="muted">No change ahead</span>';
      return `<tr>${head}<td>${nameOf(r.user, names)}</td><td>${until}</td><td>${r.override ? OVERRIDE : 'Rotation'}</td></tr>`;
    })
    .join('\n');
  return (
    `<table class="oncall-now"><caption>On call now</caption>\n<thead><tr><th scope="col">Schedule</th><th scope="col">On call</th>` +
    `<th scope="col">Until</th><th scope="col">By</th></tr></thead>\n<tbody>\n${body}\n</tbody></table>`
  );
}

function feedLink(url: string, label: string): string {
  const u = escapeHtml(url);
  return `<p class="feed">${escapeHtml(label)}: <a href="${u}"><code>${u}</code></a></p>`;
}

function chooser(view: OncallPageView): string {
  const { schedule, weeks, from } = view.chosen;
  const schedules = [`<option value=""${schedule ? '' : ' selected'}>All schedules</option>`]
    .concat(
      view.scheduleIds.map((id) => `<option value="${escapeHtml(id)}"${id === schedule ? ' selected' : ''}>${escapeHtml(id)}</option>`),
    )
    .join('');
  const weekOptions = Array.from({ length: MAX_WEEKS }, (_, i) => i + 1)
    .map((n) => `<option value="${n}"${n === weeks ? ' selected' : ''}>${n} week${n === 1 ? '' : 's'}</option>`)
    .join('');
  return (
    `<form method="get" action="/oncall" class="oncall-choose">` +
    `<label>Schedule <select name="schedule">${schedules}</select></label> ` +
    `<label>Show <select name="weeks">${weekOptions}</select></label> ` +
    `<label>From <input type="date" name="from" value="${escapeHtml(from ?? '')}"></label> ` +
    `<button type="submit">Show</button></form>`
  );
}

function entryRow(entry: CalendarEntry, zone: string, names: Record<string, string>): string {
  if (entry.kind === 'clock') {
    const c = entry.change;
    const day = localDay(c.at, zone);
    return (
      `<tr class="clock-change"><td><time datetime="${escapeHtml(c.at.toISOString())}">${escapeHtml(day)}</time></td>` +
      `<td colspan="3"><strong>Daylight saving:</strong> ${escapeHtml(`${c.text}, ${clockJump(c)}`)}</td></tr>`
    );
  }
  return (
    `<tr><td>${entry.startsEarlier ? 'Earlier' : when(entry.start, zone)}</td><td>${entry.endsLater ? 'Later' : when(entry.end, zone)}</td><td>${nameOf(entry.user, names)}</td>` +
    `<td>${entry.override ? OVERRIDE : 'Rotation'}</td></tr>`
  );
}

function weekTable(id: string, week: CalendarWeek, zone: string, names: Record<string, string>): string {
  const first = localDay(week.start, zone);
  const rows = week.entries.map((e) => entryRow(e, zone, names)).join('\n');
  return (
    `<table class="oncall-week"><caption>${escapeHtml(id)}: week from ${escapeHtml(first)}</caption>\n` +
    `<thead><tr><th scope="col">Starts</th><th scope="col">Ends</th><th scope="col">On call</th><th scope="col">By</th></tr></thead>\n` +
    `<tbody>\n${rows}\n</tbody></table>`
  );
}

function calendarSection({ calendar, feedUrl }: OncallPageView['calendars'][number], names: Record<string, string>): string {
  const id = calendar.scheduleId;
  const heading = `<h2 id="schedule-${escapeHtml(id)}">${escapeHtml(id)}</h2>`;
  if (!calendar.ok) return `<section class="card">${heading}<p class="error">${cannot(calendar)}</p></section>`;
  const zone = calendar.timeZone;
  const weeks = calendar.weeks.map((w) => weekTable(id, w, zone, names)).join('\n');
  const feed = feedUrl ? feedLink(feedUrl, `Everyone’s shifts on ${id} as a calendar`) : '';
  return `<section class="card">${heading}<p class="muted">Times on ${escapeHtml(id)}’s clock (${escapeHtml(zone)}).</p>${feed}\n${weeks}</section>`;
}

export function oncallPageHtml(view: OncallPageView): string {
  const problem = view.problem ? `<p class="error" role="alert">${escapeHtml(view.problem)}</p>` : '';
  return [
    '<h1>On-call</h1>',
    nowTable(view.now, view.names),
    '<section class="card"><h2>Your calendar</h2>',
    feedLink(view.personalFeedUrl, 'Your shifts on every schedule'),
    '<p class="muted">Subscribe to it in your calendar app. The link is yours alone: anyone who has it sees your shifts (<code>/incident oncall calendar reset</code> makes a new one).</p></section>',
    '<h2>Calendar</h2>',
    problem,
    chooser(view),
    ...view.calendars.map((c) => calendarSection(c, view.names)),
  ]
    .filter(Boolean)
    .join('\n');
}
