// The console's stylesheet and island scripts, read once from web/ (next to src/ and dist/, so the same
// relative path works from both) and served with a hash ETag. Nothing is fetched from anywhere else.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { Route } from '../server.js';

const WEB = new URL('../../../web/', import.meta.url);
const TYPES: Record<string, string> = { css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8', svg: 'image/svg+xml' };

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(WEB)) {
    const type = TYPES[name.split('.').pop() ?? ''];
    if (!type) continue;
    const body = readFileSync(new URL(name, WEB));
    assets.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  return assets;
}

export function assetRoutes(): Route[] {
  const assets = loadAssets();
  return [
    {
      method: 'GET',
      path: /^\/assets\/([a-z0-9-]+\.[a-z]+)$/,
      handler: (req, res, [name = '']) => {
        const asset = assets.get(name);
        if (!asset) {
          res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
          res.end('not found');
          return;
        }
        const headers = { etag: asset.etag, 'cache-control': 'public, max-age=300', 'x-content-type-options': 'nosniff' };
        if (req.headers['if-none-match'] === asset.etag) {
          res.writeHead(304, headers);
          res.end();
          return;
        }
        res.writeHead(200, { ...headers, 'content-type': asset.type });
        res.end(asset.body);
      },
    },
  ];
}
