import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface Route {
  method: 'GET' | 'POST';
  /** An exact path. */
  path: string;
  handler: RouteHandler;
}

/** A plain node:http server for Firewatch's few routes; anything else is 404, a wrong method 405. */
export function createHttpServer(routes: Route[], logger: Logger): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const matching = routes.filter((r) => r.path === path);
    const route = matching.find((r) => r.method === req.method);
    if (!route) {
      res.writeHead(matching.length ? 405 : 404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(matching.length ? 'method not allowed' : 'not found');
      return;
    }
    Promise.resolve(route.handler(req, res)).catch((err: unknown) => {
      logger.error({ err, path }, 'request handler failed');
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('internal error');
      }
    });
  });
}
