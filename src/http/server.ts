import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, params: string[]) => Promise<void> | void;

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** An exact path, or a pattern whose capture groups are passed to the handler. */
  path: string | RegExp;
  handler: RouteHandler;
}

function match(route: Route, path: string): string[] | null {
  if (typeof route.path === 'string') return route.path === path ? [] : null;
  const found = route.path.exec(path);
  return found ? found.slice(1).map((g) => g ?? '') : null;
}

/** A plain node:http server for Firewatch's few routes; anything else is 404, a wrong method 405. */
export function createHttpServer(routes: Route[], logger: Logger): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const matching = routes.flatMap((r) => {
      const params = match(r, path);
      return params ? [{ route: r, params }] : [];
    });
    const found = matching.find((m) => m.route.method === req.method);
    if (!found) {
      res.writeHead(matching.length ? 405 : 404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(matching.length ? 'method not allowed' : 'not found');
      return;
    }
    Promise.resolve(found.route.handler(req, res, found.params)).catch((err: unknown) => {
      logger.error({ err, path }, 'request handler failed');
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('internal error');
      }
    });
  });
}
