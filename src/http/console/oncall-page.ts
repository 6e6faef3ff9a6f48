// GET /oncall: who is on call now on every schedule, the signed-in person's own calendar link, and the
// schedules' shifts over the next weeks (`?weeks=1..8`, `?schedule=<id>`, `?from=YYYY-MM-DD`).
import type { IncomingMessage } from 'node:http';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { calendarToken, calendarUrl } from '../../paging/calendar-tokens.js';
import { currentSchedules, OVERRIDE_HISTORY_MS } from '../../paging/current-schedules.js';
import { onCallNow, scheduleCalendar, todayIn, type ScheduleCalendar, type Uncomputable } from '../../paging/oncall-calendar.js';
import type { ScheduleDef } from '../../paging/schedule.js';
import type { Route } from '../server.js';
import { signedIn, type ConsoleContext } from './context.js';
import { sendConsolePage } from './layout.js';
import { MAX_WEEKS, oncallPageHtml, type OncallPageView } from './oncall-html.js';

const DEFAULT_WEEKS = 4;

const OncallQuery = z.object({
  weeks: z.coerce
    .number({ message: 'weeks must be a number of weeks' })
    .int('weeks must be a whole number of weeks')
    .min(1, `weeks must be from 1 to ${MAX_WEEKS}`)
    .max(MAX_WEEKS, `weeks must be from 1 to ${MAX_WEEKS}`)
    .default(DEFAULT_WEEKS),
  schedule: z.string().max(200).optional(),
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'from must be a date such as 2027-03-20')
    .refine((d) => DateTime.fromISO(d, { zone: 'utc' }).isValid, 'from is not a date on the calendar')
    .optional(),
});

type OncallQuery = z.infer<typeof OncallQuery>;

/** The query as the form sends it: an empty field is a field left unset. */
function readQuery(req: IncomingMessage): { ok: true; query: OncallQuery } | { ok: false; problem: string } {
  const params = new URL(req.url ?? '/', 'http://console').searchParams;
  const given = Object.fromEntries([...params].filter(([, v]) => v !== ''));
  const parsed = OncallQuery.safeParse(given);
  if (parsed.success) return { ok: true, query: parsed.data };
  return { ok: false, problem: parsed.error.issues.map((i) => i.message).join('; ') };
}

/** Overrides are read back far enough for the shifts the window starts in, and for the past it may show. */
function overridesSince(now: Date, from: string | undefined): Date {
  const fromMs = from ? Date.parse(`${from}T00:00:00Z`) : now.getTime();
  return new Date(Math.min(now.getTime(), fromMs) - OVERRIDE_HISTORY_MS);
}

export function oncallPage(ctx: ConsoleContext): Route[] {
  const feedUrl = async (subject: Parameters<typeof calendarToken>[2], createdBy: string) =>
    calendarUrl(ctx.publicUrl, await calendarToken(ctx.db, ctx.secret, subject, createdBy));

  return [
    {
      method: 'GET',
      path: '/oncall',
      handler: signedIn(ctx.auth, async (req, res, session) => {
        const now = new Date();
        const read = readQuery(req);
        const query: OncallQuery = read.ok ? read.query : { weeks: DEFAULT_WEEKS };
        let status = read.ok ? 200 : 400;
        let problem = read.ok ? undefined : read.problem;

        const schedules = await currentSchedules(ctx.db, ctx.config, overridesSince(now, query.from));
        let shown: ScheduleDef[] = schedules;
        if (query.schedule !== undefined) {
          shown = schedules.filter((s) => s.id === query.schedule);
          if (shown.length === 0) {
            status = 404;
            problem = `There is no schedule "${query.schedule}". Schedules: ${schedules.map((s) => s.id).join(', ') || 'none are configured'}.`;
          }
        }

        const calendars: OncallPageView['calendars'] = [];
        for (const def of shown) {
          const calendar: ScheduleCalendar | Uncomputable = scheduleCalendar(def, query.from ?? todayIn(now, def.timeZone), query.weeks);
          // The Slack command hands any member of the workspace a schedule's link; the page does the same.
          calendars.push({ calendar, feedUrl: await feedUrl({ kind: 'schedule', scheduleId: def.id }, session.userId) });
        }
        const current = schedules.map((def) => onCallNow(def, now));

        const people = new Set<string>();
        for (const r of current) if (r.ok && r.user) people.add(r.user);
        for (const { calendar } of calendars)
          if (calendar.ok) for (const w of calendar.weeks) for (const e of w.entries) if (e.kind === 'shift' && e.user) people.add(e.user);

        const view: OncallPageView = {
          now: current,
          calendars,
          personalFeedUrl: await feedUrl({ kind: 'person', userId: session.userId }, session.userId),
          names: await ctx.names([...people]),
          scheduleIds: schedules.map((s) => s.id),
          chosen: { schedule: query.schedule, weeks: query.weeks, from: query.from },
          ...(problem ? { problem } : {}),
        };
        sendConsolePage(res, status, session, { title: 'On-call', section: 'oncall', body: oncallPageHtml(view) });
      }),
    },
  ];
}
