import type { Config } from '../config/load.js';
import type { Db } from '../db/client.js';
import { feedBody, feedWindow } from '../paging/calendar-feed.js';
import { feedOfToken } from '../paging/calendar-tokens.js';
import { currentSchedules } from '../paging/current-schedules.js';
import type { Route } from './server.js';

export interface CalendarRouteOptions {
  db: Db;
  config: Config;
  secret: string;
}

const FEED_PATH = /^\/calendars\/([^/]+)\.ics$/;

/** Overrides this far before the window are read too: a shift that began before it is followed to its start. */
const OVERRIDES_BEFORE_MS = 100 * 86_400_000;

/**
 * `GET /calendars/<token>.ics`. A token never issued and one reset away get the very answer any unknown
 * path gets, so nothing tells them apart (nor tells a calendar URL from a mistyped route).
 */
export function calendarRoutes({ db, config, secret }: CalendarRouteOptions): Route[] {
  return [
    {
      method: 'GET',
      path: FEED_PATH,
      handler: async (_req, res, [token = '']) => {
        const subject = await feedOfToken(db, secret, token);
        if (!subject) {
          res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
          res.end('not found');
          return;
        }
        const now = new Date();
        const schedules = await currentSchedules(db, config, new Date(feedWindow(now).from.getTime() - OVERRIDES_BEFORE_MS));
        const body = feedBody(subject, schedules, now);
        res.writeHead(200, {
          'content-type': 'text/calendar; charset=utf-8',
          // The URL is a secret: no shared cache keeps it, and calendar apps poll far less often than this.
          'cache-control': 'private, max-age=300',
          'content-disposition': 'inline; filename="oncall.ics"',
          'referrer-policy': 'no-referrer',
          'x-robots-tag': 'noindex',
        });
        res.end(body);
      },
    },
  ];
}
