import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { API_TOKEN_VIEWER, personViewer, type Viewer } from '../../incidents/access.js';
import { API_ACTOR } from '../../incidents/people.js';
import { BodyTooLarge, readBody } from '../body.js';
import type { ConsoleAuth } from '../console/auth.js';
import { sameSecret } from '../secrets.js';
import type { ApiError } from './schemas.js';

/** Declare and update bodies are a few kilobytes at most; anything bigger is refused before it is parsed. */
export const MAX_BODY = 64 * 1024;

type ErrorCode = z.infer<typeof ApiError>['error']['code'];

/** A refusal on its way to the client as `{ error: { code, message, field? } }`. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export const notFound = (): ApiFailure => new ApiFailure(404, 'not_found', 'no such incident');

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

export function sendFailure(res: ServerResponse, failure: ApiFailure): void {
  const extra: Record<string, string> = failure.status === 401 ? { 'www-authenticate': 'Bearer' } : {};
  // The client may still be sending a body it was refused for; the answer ends the connection.
  if (failure.status === 413) extra.connection = 'close';
  const field = failure.field === undefined ? {} : { field: failure.field };
  sendJson(res, failure.status, { error: { code: failure.code, message: failure.message, ...field } }, extra);
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/** Who is asking, and who the timeline says did what they ask for. */
export interface ApiCaller {
  viewer: Viewer;
  actor: string;
}

/**
 * Who is asking: the holder of the configured api_token (read per request, as a reload may change it,
 * and compared in constant time), or a person signed in to the console, whose POSTs must carry the
 * session's CSRF token in `x-csrf-token` (a cookie alone could come from another site's form). Throws
 * 401 for anyone else, 403 for a session POST without the token.
 */
export async function apiCaller(
  req: IncomingMessage,
  apiTokenOf: () => string | undefined,
  auth: ConsoleAuth | undefined,
): Promise<ApiCaller> {
  const token = bearer(req);
  const apiToken = apiTokenOf();
  if (apiToken && token && sameSecret(token, apiToken)) return { viewer: API_TOKEN_VIEWER, actor: API_ACTOR };
  const session = token === undefined && auth ? await auth.session(req) : undefined;
  if (session) {
    if (req.method !== 'GET' && !auth?.csrfHeaderOk(req, session))
      throw new ApiFailure(403, 'forbidden', 'a console request that changes something must carry the page’s CSRF token in `x-csrf-token`');
    return { viewer: personViewer(session.userId), actor: session.userId };
  }
  throw new ApiFailure(
    401,
    'unauthorized',
    'present the configured api_token as `Authorization: Bearer <api_token>`, or sign in to the console',
  );
}

/** A zod issue as one line naming its field, and the field for `error.field`. */
function firstIssue(error: z.ZodError, prefix = ''): ApiFailure {
  const issue = error.issues[0];
  const field = issue?.path.length ? `${prefix}${issue.path.join('.')}` : undefined;
  const all = error.issues.map((i) => (i.path.length ? `${prefix}${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
  return new ApiFailure(400, 'bad_request', all || 'invalid request', field);
}

/** The JSON body, parsed by `schema`: 415 unless it says JSON, 413 past MAX_BODY, 400 for bad JSON or fields. */
export async function readJson<T extends z.ZodType>(req: IncomingMessage, schema: T): Promise<z.output<T>> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    req.resume();
    throw new ApiFailure(415, 'unsupported_media_type', 'send the body as JSON with `Content-Type: application/json`');
  }
  let raw: Buffer;
  try {
    raw = await readBody(req, MAX_BODY);
  } catch (err) {
    if (err instanceof BodyTooLarge) throw new ApiFailure(413, 'payload_too_large', `the body is over ${MAX_BODY} bytes`);
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ApiFailure(400, 'bad_request', 'the body is not valid JSON');
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw firstIssue(result.error);
  return result.data;
}

type QueryShape = Record<string, z.ZodType>;

/** Query parameters parsed one by one by their schemas; an unknown parameter is refused, naming the known ones. */
export function readQuery<S extends QueryShape>(req: IncomingMessage, shape: S): { [K in keyof S]: z.output<S[K]> } {
  const params = new URL(req.url ?? '/', 'http://localhost').searchParams;
  for (const name of params.keys()) {
    if (!(name in shape))
      throw new ApiFailure(400, 'bad_request', `unknown query parameter "${name}"; known: ${Object.keys(shape).join(', ')}`, name);
  }
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(shape)) {
    const result = schema.safeParse(params.get(name) ?? undefined);
    if (!result.success) {
      const message = result.error.issues.map((i) => i.message).join('; ');
      throw new ApiFailure(400, 'bad_request', `${name}: ${message}`, name);
    }
    out[name] = result.data;
  }
  return out as { [K in keyof S]: z.output<S[K]> };
}
