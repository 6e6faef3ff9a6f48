// GET /incidents/INC-<n>/events: the incident's new timeline events as server-sent events, each the <li>
// the page lists. It resumes after Last-Event-ID (or ?after=), from whichever process serves it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { TimelineEvent } from '../../../db/schema.js';
import { timelinePage } from '../../../incidents/search.js';
import type { Route } from '../../server.js';
import { signedIn, viewerOf, type ConsoleContext } from '../context.js';
import { visibleIncident } from './data.js';
import { timelineItems } from './timeline-html.js';

export const HEARTBEAT_MS = 15_000;
/** A resume after a long absence catches up at most this many events a page; the rest follow at once. */
const BACKLOG_PAGE = 500;

const afterId = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).catch(0);

function resumeFrom(req: IncomingMessage): number {
  const header = req.headers['last-event-id'];
  const query = new URL(req.url ?? '/', 'http://x').searchParams.get('after');
  return afterId.parse((typeof header === 'string' && header) || query || 0);
}

type Item = { id: number; html: string };

// The feed hands every watcher of an incident the same array of rows, so each batch is rendered once.
const rendered = new WeakMap<readonly TimelineEvent[], Promise<Item[]>>();

function renderOnce(ctx: ConsoleContext, rows: readonly TimelineEvent[]): Promise<Item[]> {
  let html = rendered.get(rows);
  if (!html) {
    html = timelineItems(rows, ctx.names);
    rendered.set(rows, html);
  }
  return html;
}

const frame = (item: Item) => `id: ${item.id}\nevent: timeline\ndata: ${JSON.stringify({ id: item.id, html: item.html })}\n\n`;

export function liveTimelineRoute(ctx: ConsoleContext): Route {
  return {
    method: 'GET',
    path: /^\/incidents\/INC-(\d{1,9})\/events$/i,
    handler: signedIn(ctx.auth, async (req, res, session, [n]) => {
      const incident = await visibleIncident(ctx.db, Number(n), viewerOf(session));
      if (!incident) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
        res.end('no such incident');
        return;
      }
      await stream(ctx, req, res, incident.id, resumeFrom(req));
    }),
  };
}

async function stream(ctx: ConsoleContext, req: IncomingMessage, res: ServerResponse, incidentId: number, after: number): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
    connection: 'keep-alive',
  });
  res.flushHeaders();
  const sent = new Set<number>();
  let closed = false;
  // Frames go out in the order their batches arrived, however long each takes to render.
  let queue: Promise<void> = Promise.resolve();
  const send = (items: Promise<Item[]>) => {
    queue = queue
      .then(async () => {
        for (const item of await items) {
          if (closed || sent.has(item.id)) continue;
          sent.add(item.id);
          res.write(frame(item));
        }
      })
      .catch((err: unknown) => ctx.logger.warn({ err, incidentId }, 'live timeline: rendering events failed'));
  };
  const end = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unwatch();
    res.end();
  };
  const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  // Watching begins before the backlog is read, so nothing committed in between is missed; `sent` drops the overlap.
  let unwatch: () => void = () => {};
  req.on('close', end);
  res.on('error', end);
  const stopWatching = await ctx.timeline.watch(incidentId, { events: (rows) => send(renderOnce(ctx, rows)), end });
  if (closed) return stopWatching();
  unwatch = stopWatching;
  res.write('retry: 2000\n\n');
  for (let cursor = after; !closed;) {
    const page = await timelinePage(ctx.db, incidentId, { after: cursor, limit: BACKLOG_PAGE });
    send(timelineItems(page.items, ctx.names));
    if (page.next === undefined) break;
    cursor = page.next;
  }
}
