import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { defaultSeverity, type Config } from '../../config/load.js';
import type { Db } from '../../db/client.js';
import type { Logger } from '../../logger.js';
import { canSee, type Viewer } from '../../incidents/access.js';
import { getIncident, incidentKey } from '../../incidents/queries.js';
import { rolesOf } from '../../incidents/roles.js';
import { findIncidents, timelinePage } from '../../incidents/search.js';
import type { Incident as IncidentRow } from '../../db/schema.js';
import type { Message, Refusal } from '../../outcome.js';
import { postStatusUpdate } from '../../workflow/changes.js';
import type { Declarer } from '../../workflow/declare.js';
import type { ConsoleAuth } from '../console/auth.js';
import { eventJson, incidentJson, incidentSummaryJson } from './present.js';
import { ApiFailure, apiCaller, notFound, readJson, readQuery, sendJson } from './respond.js';
import { DeclareRequest, Incident, IncidentList, ListQuery, Timeline, TimelineQuery, UpdateRequest } from './schemas.js';

export interface ApiContext {
  db: Db;
  /** Console sign-in, when configured: a signed-in person may use the API as themselves. */
  auth: ConsoleAuth | undefined;
  /** The running config; a reload rewrites it in place, so the api_token is read from it per request. */
  config: Config;
  declarer: Declarer;
  /** Wakes the outbox after a commit that enqueued Slack effects. */
  delivered: () => void;
  /** Counts a declaration made through the API. */
  declared: () => void;
  logger: Logger;
}

/** One documented operation: how the router finds it, what the OpenAPI document says of it, and what it does. */
export interface Endpoint {
  method: 'GET' | 'POST';
  /** The OpenAPI path template; `{id}` is `INC-<n>`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  query?: Record<string, z.ZodType>;
  body?: z.ZodType;
  /** Status → schema of the answer; every error answer is the ApiError shape. */
  ok: { status: 200 | 201; schema: z.ZodType; description: string };
  errors: readonly number[];
  /** False only for the document itself. */
  authenticated: boolean;
  handle: (ctx: ApiContext, req: IncomingMessage, res: ServerResponse, params: { id?: string }) => Promise<void>;
}

/** INC-<n> as its number; anything else names no incident. */
function incidentNumber(id: string | undefined): number {
  const match = id ? /^INC-(\d{1,9})$/i.exec(id) : null;
  if (!match) throw notFound();
  return Number(match[1]);
}

/** The incident if the caller may see it; a private one it may not see is as missing as one that does not exist. */
async function visibleIncident(ctx: ApiContext, viewer: Viewer, id: string | undefined): Promise<IncidentRow> {
  const incident = await getIncident(ctx.db, incidentNumber(id));
  if (!incident || !(await canSee(ctx.db, incident, viewer))) throw notFound();
  return incident;
}

/** A domain message as this surface renders it for a program: people by user id, commands as typed in Slack. */
const plain = (message: Message): string =>
  message.map((part) => (typeof part === 'string' ? part : 'user' in part ? part.user : ['/incident', part.command].join(' '))).join('');

function refused(refusal: Refusal): ApiFailure {
  if (refusal.code === 'not_found') return notFound();
  if (refusal.code === 'invalid') return new ApiFailure(400, 'bad_request', plain(refusal.message), refusal.field);
  return new ApiFailure(409, 'conflict', plain(refusal.message), refusal.field);
}

const caller = (ctx: ApiContext, req: IncomingMessage) => apiCaller(req, () => ctx.config.apiToken, ctx.auth);

export const ENDPOINTS: readonly Endpoint[] = [
  {
    method: 'GET',
    path: '/api/v1/incidents',
    operationId: 'listIncidents',
    summary: 'List incidents, newest first',
    description:
      'Private incidents the caller is not a member of are absent (an api_token is a member of nothing). Drills are left out unless `include_drills=true`. Paged by key: pass `next` as `after`.',
    query: ListQuery,
    ok: { status: 200, schema: IncidentList, description: 'A page of incidents' },
    errors: [400, 401],
    authenticated: true,
    async handle(ctx, req, res) {
      const { viewer } = await caller(ctx, req);
      const q = readQuery(req, ListQuery);
      const page = await findIncidents(
        ctx.db,
        viewer,
        {
          statuses: q.status,
          severities: q.severity,
          types: q.type,
          since: q.since ? new Date(q.since) : undefined,
          until: q.until ? new Date(q.until) : undefined,
          text: q.q,
          includeDrills: q.include_drills === 'true',
        },
        { after: q.after, limit: q.limit },
      );
      sendJson(res, 200, { incidents: page.items.map(incidentSummaryJson), next: page.next === undefined ? null : String(page.next) });
    },
  },
  {
    method: 'POST',
    path: '/api/v1/incidents',
    operationId: 'declareIncident',
    summary: 'Declare an incident',
    description:
      'Declared as Slack declares: the channel, its summary and the pages follow through the outbox, so `channel` is null until Slack has created it. Declared by `api:API` for the api_token, or by the signed-in person for a console session (whose POSTs carry `x-csrf-token`); only `lead` is invited.',
    body: DeclareRequest,
    ok: { status: 201, schema: Incident, description: 'The incident declared' },
    errors: [400, 401, 403, 413, 415],
    authenticated: true,
    async handle(ctx, req, res) {
      const { actor } = await caller(ctx, req);
      const body = await readJson(req, DeclareRequest);
      const result = await ctx.declarer.declare({
        title: body.title,
        severity: body.severity ?? defaultSeverity(ctx.config).id,
        description: body.description ?? '',
        isPrivate: body.private ?? false,
        declaredBy: actor,
        leadId: body.lead ?? null,
        source: 'api',
        ...(body.type === undefined ? {} : { type: body.type }),
      });
      if (!result.ok) throw refused(result);
      ctx.declared();
      ctx.delivered();
      sendJson(res, 201, incidentJson(result.incident, []), { location: `/api/v1/incidents/${incidentKey(result.incident.id)}` });
    },
  },
  {
    method: 'GET',
    path: '/api/v1/incidents/{id}',
    operationId: 'getIncident',
    summary: 'One incident, with its roles',
    description: 'A private incident the caller is not a member of answers 404, exactly as a missing one.',
    ok: { status: 200, schema: Incident, description: 'The incident' },
    errors: [401, 404],
    authenticated: true,
    async handle(ctx, req, res, { id }) {
      const incident = await visibleIncident(ctx, (await caller(ctx, req)).viewer, id);
      sendJson(res, 200, incidentJson(incident, await rolesOf(ctx.db, incident.id)));
    },
  },
  {
    method: 'GET',
    path: '/api/v1/incidents/{id}/timeline',
    operationId: 'getTimeline',
    summary: 'The incident’s timeline, in the order it was recorded',
    query: TimelineQuery,
    ok: { status: 200, schema: Timeline, description: 'A page of timeline events' },
    errors: [400, 401, 404],
    authenticated: true,
    async handle(ctx, req, res, { id }) {
      const incident = await visibleIncident(ctx, (await caller(ctx, req)).viewer, id);
      const q = readQuery(req, TimelineQuery);
      const page = await timelinePage(ctx.db, incident.id, { after: q.after, limit: q.limit });
      sendJson(res, 200, { events: page.items.map(eventJson), next: page.next === undefined ? null : String(page.next) });
    },
  },
  {
    method: 'POST',
    path: '/api/v1/incidents/{id}/updates',
    operationId: 'postUpdate',
    summary: 'Post a status update',
    description:
      'As the /incident update command does: posted in the incident channel and the announcement thread, optionally moving status or severity. 409 when the incident takes no update (closed, declined), the move is not allowed, or the status is no longer `expected_status`. The console’s incident page posts its update and status forms here.',
    body: UpdateRequest,
    ok: { status: 201, schema: Incident, description: 'The incident after the update' },
    errors: [400, 401, 403, 404, 409, 413, 415],
    authenticated: true,
    async handle(ctx, req, res, { id }) {
      const { viewer, actor } = await caller(ctx, req);
      const incident = await visibleIncident(ctx, viewer, id);
      const body = await readJson(req, UpdateRequest);
      const result = await postStatusUpdate(ctx.db, ctx.config, {
        incidentId: incident.id,
        actor,
        message: body.message,
        ...(body.status === undefined ? {} : { status: body.status }),
        ...(body.severity === undefined ? {} : { severity: body.severity }),
        ...(body.expected_status === undefined ? {} : { expectedFrom: body.expected_status }),
      });
      if (!result.ok) throw refused(result);
      ctx.delivered();
      sendJson(res, 201, incidentJson(result.incident, await rolesOf(ctx.db, incident.id)));
    },
  },
];
