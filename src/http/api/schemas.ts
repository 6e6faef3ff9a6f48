// The JSON API's shapes, once: the routes parse and answer with them and the OpenAPI document is generated
// from them, so the document cannot drift from what the routes do.
import { z } from 'zod';
import { MAX_DESCRIPTION, MAX_TITLE } from '../../incidents/validate.js';
import { STATUSES } from '../../incidents/status.js';
import { MAX_UPDATE } from '../../workflow/changes.js';

export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 25;
export const MAX_QUERY_TEXT = 200;

const slackUser = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'expected a Slack user id such as U012ABCDEF');
const time = z.iso.datetime().nullable();
const status = z.enum(STATUSES);

export const ApiError = z.strictObject({
  error: z.strictObject({
    code: z.enum([
      'bad_request',
      'unauthorized',
      'forbidden',
      'not_found',
      'conflict',
      'payload_too_large',
      'unsupported_media_type',
      'internal',
    ]),
    message: z.string(),
    /** The request field at fault, when there is one. */
    field: z.string().optional(),
  }),
});

export const IncidentSummary = z.strictObject({
  id: z.string().regex(/^INC-\d+$/),
  number: z.number().int(),
  title: z.string(),
  description: z.string(),
  impact: z.string().nullable(),
  status,
  severity: z.string(),
  type: z.string().nullable(),
  private: z.boolean(),
  drill: z.boolean(),
  source: z.string(),
  lead: z.string().nullable(),
  declared_by: z.string(),
  /** The incident channel, once Slack has created it; `url` opens it in Slack. */
  channel: z.strictObject({ id: z.string(), name: z.string().nullable(), url: z.url() }).nullable(),
  created_at: z.iso.datetime(),
  acknowledged_at: time,
  mitigated_at: time,
  resolved_at: time,
  closed_at: time,
  updated_at: z.iso.datetime(),
  next_update_due_at: time,
});

export const Incident = IncidentSummary.extend({
  roles: z.array(z.strictObject({ role: z.string(), user: z.string() })),
});

export const IncidentList = z.strictObject({
  incidents: z.array(IncidentSummary),
  /** Pass as `after` for the next page; null on the last page. */
  next: z.string().nullable(),
});

export const TimelineEvent = z.strictObject({
  id: z.number().int(),
  kind: z.string(),
  actor: z.string().nullable(),
  occurred_at: z.iso.datetime(),
  data: z.record(z.string(), z.unknown()),
});

export const Timeline = z.strictObject({ events: z.array(TimelineEvent), next: z.string().nullable() });

export const DeclareRequest = z
  .strictObject({
    title: z.string().trim().min(1).max(MAX_TITLE),
    /** Defaults to the config's default severity. */
    severity: z.string().min(1).optional(),
    type: z.string().min(1).optional(),
    description: z.string().max(MAX_DESCRIPTION).optional(),
    private: z.boolean().optional(),
    /** Leads the incident and is invited to its channel; without one the incident is nudged to get a lead. */
    lead: slackUser.optional(),
  })
  .refine((body) => !body.private || body.lead !== undefined, {
    message: 'a private incident needs a lead: only its members can see it, and the api_token is a member of nothing',
    path: ['lead'],
  });

export const UpdateRequest = z.strictObject({
  message: z.string().trim().min(1, 'write the update: what is known, what is being done, what is next').max(MAX_UPDATE),
  /** Moves the incident to this status with the update (not to closed or declined: change those on their own). */
  status: status.optional(),
  severity: z.string().min(1).optional(),
  /**
   * The status the caller last saw (a form's): `status` then moves only from it (409 if someone moved it
   * meanwhile), and a `status` equal to it moves nothing.
   */
  expected_status: status.optional(),
});

const words = z.string().transform((text) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const statuses = words.pipe(z.array(status));
const ids = words.pipe(z.array(z.string().min(1)));
const cursor = z
  .string()
  .regex(/^\d{1,15}$/, 'expected the `next` value of the previous page')
  .transform(Number);
const limit = z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT);

/** Query parameters, each on its own so the document can describe each. */
export const ListQuery = {
  status: statuses.optional().describe('Comma-separated statuses'),
  severity: ids.optional().describe('Comma-separated severity ids'),
  type: ids.optional().describe('Comma-separated incident types'),
  since: z.iso.datetime({ offset: true }).optional().describe('Declared at or after this instant'),
  until: z.iso.datetime({ offset: true }).optional().describe('Declared before this instant'),
  q: z.string().max(MAX_QUERY_TEXT).optional().describe('Text in the title or in a status update, case-insensitive'),
  include_drills: z.enum(['true', 'false']).optional().describe('Drills (practice incidents) are left out unless true'),
  limit: limit.describe(`Page size, at most ${MAX_LIMIT}`),
  after: cursor.optional().describe('The `next` value of the previous page'),
};

export const TimelineQuery = {
  limit: limit.describe(`Page size, at most ${MAX_LIMIT}`),
  after: cursor.optional().describe('The `next` value of the previous page'),
};

export type IncidentSummaryJson = z.infer<typeof IncidentSummary>;
export type IncidentJson = z.infer<typeof Incident>;
export type TimelineEventJson = z.infer<typeof TimelineEvent>;
