// Alertmanager's silence API v2, so amtool and scripts written for Alertmanager make, list and
// expire Firewatch's silences: GET/POST /api/v2/silences, DELETE /api/v2/silence/<id>. Answers are
// Alertmanager's shapes; errors are its JSON strings, naming the field.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { eq, gt } from 'drizzle-orm';
import type { Config } from '../config/load.js';
import type { Db } from '../db/client.js';
import { recordAudit } from '../audit/record.js';
import { silences } from '../db/schema.js';
import { BodyTooLarge, readBody } from '../http/body.js';
import { sameSecret } from '../http/secrets.js';
import type { Route } from '../http/server.js';
import { API_ACTOR } from '../incidents/people.js';
import type { Logger } from '../logger.js';
import { silenceCreated } from '../workflow/silences.js';
import { parseMatchers, type Matcher } from './matchers.js';
import { issuePaths } from './payloads.js';
import {
  canUpdateInPlace,
  checkPosted,
  gettableSilence,
  passesFilter,
  postableSilenceSchema,
  sortSilences,
  stateOf,
} from './silence-shapes.js';
import { auditView, createSilence, expireSilence } from './silences.js';

const BODY_LIMIT = 64 * 1024;
/** Alertmanager keeps expired silences for 5 days (--data.retention's default); the list shows as many. */
const RETENTION_MS = 5 * 86_400_000;

interface Deps {
  db: Db;
  config: Config;
  logger: Logger;
  delivered: () => void;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/** The configured api_token (read per request, as a reload may change it), compared in constant time. */
function authorized(req: IncomingMessage, res: ServerResponse, config: Config): boolean {
  const header = req.headers.authorization;
  const token = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
  if (token && config.apiToken && sameSecret(token, config.apiToken)) return true;
  req.resume();
  send(res, 401, 'present the configured api_token as `Authorization: Bearer <api_token>`', { 'www-authenticate': 'Bearer' });
  return false;
}

/** The silence id in a path: Firewatch's are integers, written as strings as Alertmanager's are. */
const silenceId = (text: string): number | undefined => (/^\d{1,9}$/.test(text) ? Number(text) : undefined);

type Query = { ok: true; filter: Matcher[]; states: Set<string> } | { ok: false; error: string };

function readQuery(req: IncomingMessage): Query {
  const params = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const filter: Matcher[] = [];
  for (const text of params.getAll('filter')) {
    const parsed = parseMatchers(text);
    if (!parsed.ok) return { ok: false, error: `filter: ${parsed.error}` };
    filter.push(...parsed.matchers);
  }
  const states = new Set<string>();
  for (const state of ['active', 'pending', 'expired']) {
    const value = params.get(state) ?? 'true';
    if (value !== 'true' && value !== 'false') return { ok: false, error: `${state}: expected true or false` };
    if (value === 'true') states.add(state);
  }
  return { ok: true, filter, states };
}

export function silenceApiRoutes(deps: Deps): Route[] {
  const { db, config, logger } = deps;

  const list: Route = {
    method: 'GET',
    path: '/api/v2/silences',
    handler: async (req, res) => {
      if (!authorized(req, res, config)) return;
      const query = readQuery(req);
      if (!query.ok) return send(res, 400, query.error);
      const now = new Date();
      const rows = await db
        .select()
        .from(silences)
        .where(gt(silences.endsAt, new Date(now.getTime() - RETENTION_MS)));
      const shown = rows.filter((r) => query.states.has(stateOf(r, now)) && passesFilter(r, query.filter));
      send(
        res,
        200,
        sortSilences(shown, now).map((r) => gettableSilence(r, now)),
      );
    },
  };

  const post: Route = {
    method: 'POST',
    path: '/api/v2/silences',
    handler: async (req, res) => {
      if (!authorized(req, res, config)) return;
      let value: unknown;
      try {
        value = JSON.parse((await readBody(req, BODY_LIMIT)).toString('utf8'));
      } catch (err) {
        if (err instanceof BodyTooLarge) return send(res, 413, `the body is over ${BODY_LIMIT} bytes`, { connection: 'close' });
        return send(res, 400, 'the body is not valid JSON');
      }
      const body = postableSilenceSchema.safeParse(value);
      if (!body.success) return send(res, 400, issuePaths(body.error).join('; '));
      const now = new Date();
      const checked = checkPosted(body.data, now);
      if (!checked.ok) return send(res, 400, checked.error);
      const next = checked.silence;
      const prevId = body.data.id === undefined ? undefined : silenceId(body.data.id);
      if (body.data.id !== undefined && prevId === undefined) return send(res, 404, `silence ${body.data.id} not found`);
      const outcome = await db.transaction(async (tx) => {
        const [prev] = prevId === undefined ? [] : await tx.select().from(silences).where(eq(silences.id, prevId)).for('update');
        if (prevId !== undefined && !prev) return undefined;
        // amtool's update posts the silence without stopPages: it keeps what the silence had.
        const fields = {
          createdBy: body.data.createdBy,
          comment: body.data.comment,
          stopPages: body.data.stopPages ?? prev?.stopPages ?? false,
        };
        if (prev && canUpdateInPlace(prev, next, now)) {
          const [updated] = await tx
            .update(silences)
            .set({ ...fields, startsAt: next.startsAt, endsAt: next.endsAt })
            .where(eq(silences.id, prev.id))
            .returning();
          await recordAudit(tx, {
            actor: API_ACTOR,
            action: 'silence.updated',
            subject: `silence ${prev.id}`,
            before: auditView(prev),
            after: auditView(updated!),
          });
          return updated;
        }
        // Not changeable in place: the old one ends (leaving its history) and a new one is made.
        if (prev) await expireSilence(tx, prev.id, API_ACTOR, now);
        const made = await createSilence(tx, {
          ...fields,
          matchers: next.matchers,
          startsAt: next.startsAt < now ? now : next.startsAt,
          endsAt: next.endsAt,
          source: 'api',
        });
        await silenceCreated(tx, config, made, now);
        return made;
      });
      if (!outcome) return send(res, 404, `silence ${body.data.id} not found`);
      logger.info({ silence: outcome.id, replaced: prevId }, 'silence posted through the API');
      deps.delivered();
      send(res, 200, { silenceID: String(outcome.id) });
    },
  };

  const remove: Route = {
    method: 'DELETE',
    path: /^\/api\/v2\/silence\/([^/]+)$/,
    handler: async (req, res, [idText]) => {
      if (!authorized(req, res, config)) return;
      const id = silenceId(idText ?? '');
      // Expiring one already ended changes nothing and is not an error: the caller's wish holds.
      const row = id === undefined ? undefined : await expireSilence(db, id, API_ACTOR, new Date());
      if (!row) return send(res, 404, `silence ${idText} not found`);
      logger.info({ silence: row.id }, 'silence expired through the API');
      res.writeHead(200);
      res.end();
    },
  };

  return [list, post, remove];
}
