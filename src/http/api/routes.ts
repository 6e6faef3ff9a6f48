import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from '../server.js';
import { ENDPOINTS, type ApiContext, type Endpoint } from './endpoints.js';
import { openApiDocument } from './openapi.js';
import { ApiFailure, sendFailure } from './respond.js';

/** `/api/v1/incidents/{id}` as the pattern the router matches; `{id}` takes one path segment. */
const pattern = (path: string): RegExp => new RegExp(`^${path.replace(/\{id\}/g, '([^/]+)')}$`);

function answer(ctx: ApiContext, endpoint: Endpoint) {
  return async (req: IncomingMessage, res: ServerResponse, params: string[]) => {
    try {
      await endpoint.handle(ctx, req, res, { id: params[0] });
    } catch (err) {
      if (err instanceof ApiFailure) {
        sendFailure(res, err);
        return;
      }
      ctx.logger.error({ err, path: endpoint.path }, 'API request failed');
      if (!res.headersSent) sendFailure(res, new ApiFailure(500, 'internal', 'internal error; the log says more'));
    }
  };
}

/** The JSON API under /api/v1 and its OpenAPI document, generated once from the same endpoints. */
export function apiRoutes(ctx: ApiContext): Route[] {
  const document = JSON.stringify(openApiDocument(ENDPOINTS));
  return [
    {
      method: 'GET',
      path: '/api/v1/openapi.json',
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300' });
        res.end(document);
      },
    },
    ...ENDPOINTS.map((endpoint): Route => ({ method: endpoint.method, path: pattern(endpoint.path), handler: answer(ctx, endpoint) })),
  ];
}
