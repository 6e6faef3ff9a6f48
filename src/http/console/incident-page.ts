// GET /incidents/INC-<n>: one incident for a person who may see it, its live timeline, and the forms that
// post an update or move its status through the same domain call as Slack's /incident update (here without
// JavaScript; with it, the page's script sends them to the JSON API, which makes the same call).
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { ConsoleSession } from '../../db/schema.js';
import { STATUSES } from '../../incidents/status.js';
import { incidentKey } from '../../incidents/queries.js';
import type { Message, Refusal } from '../../outcome.js';
import { postStatusUpdate } from '../../workflow/changes.js';
import { messageHtml, peopleIn } from '../html.js';
import type { Route } from '../server.js';
import { signedIn, signedInPost, slackChannelUrl, viewerOf, type ConsoleContext } from './context.js';
import { alertsHtml } from './incident/alerts-html.js';
import { webhooksHtml } from './incident/webhooks-html.js';
import { incidentView, visibleIncident } from './incident/data.js';
import { liveTimelineRoute } from './incident/live.js';
import {
  followupsHtml,
  formsHtml,
  incidentHref,
  pagesHtml,
  peopleOnPage,
  postmortemHtml,
  rolesHtml,
  summaryHtml,
  timelineHtml,
} from './incident/page-html.js';
import { timelineItems } from './incident/timeline-html.js';
import { sendConsolePage } from './layout.js';

/** INC-<n>, in any case; any other INC-… is answered as a missing incident. */
const INCIDENT_KEY = /^INC-(\d{1,9})$/i;

const versionQuery = z.coerce.number().int().min(1).max(1_000_000).optional().catch(undefined);

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional());
const status = z.enum(STATUSES);
const UpdateForm = z.object({
  message: z.string(),
  status: optional(status),
  severity: optional(z.string().max(50)),
  expected: optional(status),
});
const StatusForm = z.object({ message: z.string(), status, expected: optional(status) });

/** The same answer for a private incident the person is not in, a missing one, and a malformed key. */
export function sendIncidentMissing(res: ServerResponse, session: ConsoleSession): void {
  sendConsolePage(res, 404, session, {
    title: 'Not found',
    section: 'incidents',
    body: '<h1>No such incident</h1>\n<p>There is no incident with that number, or it is not yours to see. <a href="/incidents">All incidents</a></p>',
  });
}

interface Problem {
  status: number;
  message: Message;
}

async function sendIncident(
  ctx: ConsoleContext,
  res: ServerResponse,
  session: ConsoleSession,
  id: number,
  options: { version?: number | undefined; problem?: Problem } = {},
): Promise<void> {
  const incident = await visibleIncident(ctx.db, id, viewerOf(session));
  if (!incident) return sendIncidentMissing(res, session);
  const view = await incidentView(ctx.db, incident, options.version);
  if (options.version !== undefined && view.postmortem?.version !== options.version) return sendIncidentMissing(res, session);
  const problem = options.problem?.message ?? [];
  const items = await timelineItems(view.timeline, ctx.names);
  const names = await ctx.names([...new Set([...peopleOnPage(view), ...peopleIn(problem)])]);
  const error = options.problem ? `<p class="error" role="alert">${messageHtml(problem, names)}</p>` : '';
  const lastId = Math.max(0, ...view.timeline.map((e) => e.id));
  const body = [
    summaryHtml(incident, names, incident.channelId ? slackChannelUrl(ctx, incident.channelId) : undefined),
    error,
    formsHtml(incident, ctx.config, session),
    rolesHtml(incident, view.roles, names),
    timelineHtml(items, lastId),
    alertsHtml(view.alerts),
    pagesHtml(view.pages, names),
    followupsHtml(view.followups, names),
    webhooksHtml(view.webhooks),
    postmortemHtml(view, names),
  ].join('\n');
  sendConsolePage(res, options.problem?.status ?? 200, session, {
    title: `${incidentKey(incident.id)}: ${incident.title}`,
    section: 'incidents',
    body,
    scripts: ['incident-live.js', 'incident-update.js'],
  });
}

const refusalStatus = (refusal: Refusal) => (refusal.code === 'invalid' ? 400 : refusal.code === 'not_found' ? 404 : 409);

const invalidForm: Problem = { status: 400, message: ['That form is not one of this page’s: reload the page and try again.'] };

function formRoute(ctx: ConsoleContext, action: 'update' | 'status'): Route {
  return {
    method: 'POST',
    path: new RegExp(`^/incidents/INC-(\\d{1,9})/${action}$`, 'i'),
    handler: signedInPost(ctx.auth, async (_req, res, { session, form }, [n]) => {
      const id = Number(n);
      const incident = await visibleIncident(ctx.db, id, viewerOf(session));
      if (!incident) return sendIncidentMissing(res, session);
      const fields = Object.fromEntries(form);
      const parsed = action === 'update' ? UpdateForm.safeParse(fields) : StatusForm.safeParse(fields);
      if (!parsed.success) return sendIncident(ctx, res, session, id, { problem: invalidForm });
      const { message, status: to, expected } = parsed.data;
      const severity = 'severity' in parsed.data ? parsed.data.severity : undefined;
      const result = await postStatusUpdate(ctx.db, ctx.config, {
        incidentId: incident.id,
        actor: session.userId,
        message,
        ...(to ? { status: to } : {}),
        ...(expected ? { expectedFrom: expected } : {}),
        ...(severity ? { severity } : {}),
      });
      if (!result.ok) return sendIncident(ctx, res, session, id, { problem: { status: refusalStatus(result), message: result.message } });
      ctx.delivered();
      res.writeHead(303, { location: `${incidentHref(incident.id)}#timeline-heading`, 'cache-control': 'no-store' });
      res.end();
    }),
  };
}

export function incidentPage(ctx: ConsoleContext): Route[] {
  return [
    {
      method: 'GET',
      path: /^\/incidents\/(INC-[^/]*)$/i,
      handler: signedIn(ctx.auth, async (req, res, session, [key]) => {
        const match = INCIDENT_KEY.exec(key ?? '');
        if (!match) return sendIncidentMissing(res, session);
        const version = versionQuery.parse(new URL(req.url ?? '/', 'http://x').searchParams.get('version') ?? undefined);
        await sendIncident(ctx, res, session, Number(match[1]), { version });
      }),
    },
    formRoute(ctx, 'update'),
    formRoute(ctx, 'status'),
    liveTimelineRoute(ctx),
  ];
}
