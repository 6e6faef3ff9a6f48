// Reading and answering the alert senders' requests, shared by every alert route.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLarge, readBody } from '../http/body.js';
import { cleanDeep } from '../http/sanitize.js';

const BODY_LIMIT = 1024 * 1024;

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  // A 413 is sent while the client may still be sending: end the connection after it.
  const close: Record<string, string> = status === 413 ? { connection: 'close' } : {};
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...close, ...headers });
  res.end(JSON.stringify(body));
}

export type Parsed = { ok: true; value: unknown } | { ok: false; status: 400 | 413; message: string };

export async function readJson(req: IncomingMessage): Promise<Parsed> {
  let raw: Buffer;
  try {
    raw = await readBody(req, BODY_LIMIT);
  } catch (err) {
    if (err instanceof BodyTooLarge) return { ok: false, status: 413, message: 'body over 1 MiB' };
    return { ok: false, status: 400, message: 'could not read the body' };
  }
  try {
    return { ok: true, value: cleanDeep(JSON.parse(raw.toString('utf8'))) };
  } catch {
    return { ok: false, status: 400, message: 'body is not valid JSON' };
  }
}

export function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
}

/** The `token` query parameter, for senders that cannot set headers (Sentry's webhooks). */
export function queryToken(req: IncomingMessage): string | undefined {
  return new URL(req.url ?? '/', 'http://firewatch.invalid').searchParams.get('token') ?? undefined;
}
