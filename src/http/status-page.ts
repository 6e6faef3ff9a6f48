import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config, StatusPageConfig } from '../config/load.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { atomFeed } from '../statuspage/atom.js';
import { componentHistory, publicIntervals } from '../statuspage/history.js';
import { incidentHistoryPage, parseHistoryPage } from '../statuspage/incident-history.js';
import { pageModel, type PageModel, type Publication } from '../statuspage/model.js';
import { statuspageDocuments } from '../statuspage/statuspage-json.js';
import { publicationsVersion, publicPublications } from '../statuspage/store.js';
import type { ConsoleAuth } from './console/auth.js';
import { RenderedCache, type Rendered } from './status-cache.js';
import { componentPageHtml, unknownComponentHtml } from './status-component-html.js';
import { badHistoryPageHtml, historyPageHtml } from './status-history-html.js';
import { statusPageHtml } from './status-html.js';
import type { Route } from './server.js';

export interface StatusPageRouteOptions {
  db: Db;
  config: Config;
  publicUrl: string;
  /** The console's sign-in, which guards a page that is not public; without it such a page is not served. */
  auth?: ConsoleAuth | undefined;
  logger?: Logger;
}

/** Short enough that a published update shows within a minute; the ETag makes the re-checks cheap. */
const PUBLIC_CACHE = 'public, max-age=30';
/** An internal page is for signed-in people only: no shared cache may keep it. */
const PRIVATE_CACHE = 'private, no-store';
const CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const HTML = 'text/html; charset=utf-8';

const notFound = (res: ServerResponse): undefined => {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('not found');
  return undefined;
};

/** Sends a rendered document; a request that already holds its ETag gets 304 and no body. */
function sendCached(req: IncomingMessage, res: ServerResponse, type: string, doc: Rendered, headers: Record<string, string>): void {
  const all = { etag: doc.etag, 'x-content-type-options': 'nosniff', ...headers };
  const held = (req.headers['if-none-match'] ?? '').split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (held.includes(doc.etag) || held.includes('*')) {
    res.writeHead(304, all);
    res.end();
    return;
  }
  res.writeHead(200, { ...all, 'content-type': type, 'content-length': String(doc.body.length) });
  res.end(doc.body);
}

const API_DOCUMENTS = ['summary.json', 'status.json', 'components.json', 'incidents.json', 'incidents/unresolved.json'];

/** What a request for the page may see: the page and how it may be cached, or the answer already sent. */
type Access = { page: StatusPageConfig; cacheControl: string } | undefined;

/**
 * `GET /status` (and `?component=<id>`, one component's history), the page-wide incident history
 * (`/status/history`), its Atom feed and the Statuspage-shaped `/api/v2/*.json`. The config is read per
 * request, since it can be reloaded: with no `status_page` each answers the very 404 an unknown path gets. A page that is not `public` is served to people signed in to
 * the console, never to a shared cache; without the console configured there is no one to sign in, so it
 * stays a 404 (said once in the log).
 */
export function statusPageRoutes({ db, config, publicUrl, auth, logger }: StatusPageRouteOptions): Route[] {
  const pageUrl = `${publicUrl}/status`;
  const feedUrl = `${pageUrl}/feed.atom`;
  const cache = new RenderedCache(() => publicationsVersion(db));
  if (config.statusPage && !config.statusPage.public && !auth)
    logger?.warn(
      'status_page.public is false but the console (SLACK_CLIENT_ID/SLACK_CLIENT_SECRET) is not configured: /status is not served',
    );

  const access = async (req: IncomingMessage, res: ServerResponse, kind: 'page' | 'data'): Promise<Access> => {
    const page = config.statusPage;
    if (!page) return notFound(res);
    if (page.public) return { page, cacheControl: PUBLIC_CACHE };
    if (!auth) return notFound(res);
    if (await auth.session(req)) return { page, cacheControl: PRIVATE_CACHE };
    if (kind === 'page') res.writeHead(302, { location: '/login', 'cache-control': 'no-store' }).end();
    else
      res
        .writeHead(401, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
        .end('{"error":"sign in to the console first"}');
    return undefined;
  };

  /** A document of the current publications; `key` names it among them (the page's config is part of it). */
  const documentOf = async (page: StatusPageConfig, key: string, render: (loaded: Loaded) => string): Promise<Rendered> => {
    const now = new Date();
    // The history bars change with the UTC day, and a reload can change the page's title or components.
    const fullKey = `${key}|${now.toISOString().slice(0, 10)}|${JSON.stringify(page)}`;
    return cache.get(await cache.current(), fullKey, async () => {
      const publications = await publicPublications(db);
      return render({ publications, model: pageModel(page, publications), now });
    });
  };

  const statusPage = async (req: IncomingMessage, res: ServerResponse) => {
    const allowed = await access(req, res, 'page');
    if (!allowed) return;
    const { page, cacheControl } = allowed;
    const asked = new URL(req.url ?? '/', 'http://status').searchParams.get('component');
    const headers = { 'cache-control': cacheControl, 'content-security-policy': CSP };
    if (asked !== null && !page.components.some((c) => c.id === asked)) {
      res.writeHead(404, { ...headers, 'content-type': HTML });
      res.end(unknownComponentHtml(page, asked, feedUrl));
      return;
    }
    const doc = await documentOf(page, `page:${asked ?? ''}`, ({ publications, model, now }) => {
      const intervals = publicIntervals(publications, now);
      const component = model.components.find((c) => c.id === asked);
      if (component) return componentPageHtml(model, component, componentHistory(intervals, component.id, now), feedUrl);
      const history = new Map(model.components.map((c) => [c.id, componentHistory(intervals, c.id, now)]));
      return statusPageHtml(model, feedUrl, history);
    });
    sendCached(req, res, HTML, doc, headers);
  };

  /** `GET /status/history?page=N`: three months a page; a page that is not a number is a 400 saying which are. */
  const historyPage = async (req: IncomingMessage, res: ServerResponse) => {
    const allowed = await access(req, res, 'page');
    if (!allowed) return;
    const { page, cacheControl } = allowed;
    const raw = new URL(req.url ?? '/', 'http://status').searchParams.get('page');
    const number = parseHistoryPage(raw);
    const headers = { 'cache-control': cacheControl, 'content-security-policy': CSP };
    if (number === undefined) {
      res.writeHead(400, { ...headers, 'content-type': HTML });
      res.end(badHistoryPageHtml(page.title, raw ?? '', feedUrl));
      return;
    }
    const doc = await documentOf(page, `history:${number}`, ({ model, now }) =>
      historyPageHtml(model, incidentHistoryPage(model.incidents, now, number), feedUrl),
    );
    sendCached(req, res, HTML, doc, headers);
  };

  const data =
    (type: string, key: string, render: (loaded: Loaded) => string, extra: Record<string, string> = {}) =>
    async (req: IncomingMessage, res: ServerResponse) => {
      const allowed = await access(req, res, 'data');
      if (!allowed) return;
      const doc = await documentOf(allowed.page, key, render);
      // Headers for other origins go only with a public page.
      sendCached(req, res, type, doc, { 'cache-control': allowed.cacheControl, ...(allowed.cacheControl === PUBLIC_CACHE ? extra : {}) });
    };

  return [
    { method: 'GET', path: '/status', handler: statusPage },
    { method: 'GET', path: '/status/history', handler: historyPage },
    {
      method: 'GET',
      path: '/status/feed.atom',
      handler: data('application/atom+xml; charset=utf-8', 'feed', ({ model }) => atomFeed(model, pageUrl)),
    },
    ...API_DOCUMENTS.map((name): Route => ({
      method: 'GET',
      path: `/api/v2/${name}`,
      handler: data(
        'application/json; charset=utf-8',
        `api:${name}`,
        ({ model }) => JSON.stringify(statuspageDocuments(model, pageUrl)[name]),
        // Statuspage's public API is read from other origins' pages (widgets).
        { 'access-control-allow-origin': '*' },
      ),
    })),
  ];
}

interface Loaded {
  publications: Publication[];
  model: PageModel;
  now: Date;
}
