import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config/load.js';
import type { Db } from '../db/client.js';
import { atomFeed } from '../statuspage/atom.js';
import { componentHistory, publicIntervals } from '../statuspage/history.js';
import { pageModel, type PageModel, type Publication } from '../statuspage/model.js';
import { statuspageDocuments } from '../statuspage/statuspage-json.js';
import { publicPublications } from '../statuspage/store.js';
import { statusPageHtml } from './status-html.js';
import type { Route } from './server.js';

export interface StatusPageRouteOptions {
  db: Db;
  config: Config;
  publicUrl: string;
}

/** Short enough that a published update shows within a minute; the ETag makes the re-checks cheap. */
const CACHE_CONTROL = 'public, max-age=30';
const CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const notFound = (res: ServerResponse) => {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('not found');
};

/** Sends `body` with a strong ETag of its bytes; a request that already holds them gets 304 and no body. */
function sendCached(req: IncomingMessage, res: ServerResponse, type: string, body: string, extra: Record<string, string> = {}): void {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const headers = { etag, 'cache-control': CACHE_CONTROL, 'x-content-type-options': 'nosniff', ...extra };
  const held = (req.headers['if-none-match'] ?? '').split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (held.includes(etag) || held.includes('*')) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'content-type': type });
  res.end(body);
}

const API_DOCUMENTS = ['summary.json', 'status.json', 'components.json', 'incidents.json', 'incidents/unresolved.json'];

/**
 * `GET /status`, its Atom feed and the Statuspage-shaped `/api/v2/*.json`. The config is read per request,
 * since it can be reloaded: with no `status_page`, or one that is not `public`, each answers the very 404
 * an unknown path gets (a non-public page waits for the console's sign-in).
 */
export function statusPageRoutes({ db, config, publicUrl }: StatusPageRouteOptions): Route[] {
  const pageUrl = `${publicUrl}/status`;
  const withModel =
    (send: (req: IncomingMessage, res: ServerResponse, model: PageModel, publications: Publication[]) => void) =>
    async (req: IncomingMessage, res: ServerResponse) => {
      const page = config.statusPage;
      if (!page?.public) return notFound(res);
      const publications = await publicPublications(db);
      send(req, res, pageModel(page, publications), publications);
    };
  return [
    {
      method: 'GET',
      path: '/status',
      handler: withModel((req, res, model, publications) => {
        const now = new Date();
        const intervals = publicIntervals(publications, now);
        const history = new Map(model.components.map((c) => [c.id, componentHistory(intervals, c.id, now)]));
        const html = statusPageHtml(model, `${pageUrl}/feed.atom`, history);
        sendCached(req, res, 'text/html; charset=utf-8', html, { 'content-security-policy': CSP });
      }),
    },
    {
      method: 'GET',
      path: '/status/feed.atom',
      handler: withModel((req, res, model) => sendCached(req, res, 'application/atom+xml; charset=utf-8', atomFeed(model, pageUrl))),
    },
    ...API_DOCUMENTS.map((name): Route => ({
      method: 'GET',
      path: `/api/v2/${name}`,
      handler: withModel((req, res, model) =>
        sendCached(req, res, 'application/json; charset=utf-8', JSON.stringify(statuspageDocuments(model, pageUrl)[name]), {
          // Statuspage's public API is read from other origins' pages (widgets).
          'access-control-allow-origin': '*',
        }),
      ),
    })),
  ];
}
