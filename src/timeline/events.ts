import { z } from 'zod';
import type { TimelineEvent } from '../db/schema.js';

// Statuses stay plain strings here: the lifecycle checks a move before it is recorded, and the timeline
// is history that must still read if a status is ever renamed.
const status = z.string();
const user = z.string();
const page = { pageId: z.number().int(), policy: z.string() };
/** Where on a page's ladder a step happened; counted from zero, as stored. */
const rung = { level: z.number().int(), loop: z.number().int() };

/** The states of a page's notification attempt that the timeline keeps: the ones a reader of the receipt cares about. */
export const ATTEMPT_OUTCOMES = ['sent', 'delivered', 'failed', 'no_answer', 'skipped'] as const;

const ACK_METHODS = { slack: 'in Slack', email: 'by e-mail', sms: 'by SMS', voice: 'on a call', push: 'by push' } as const;
/** How an acknowledgement came, in words every surface uses: " by SMS"; nothing when it is not known. */
export const acknowledgedVia = (via: string | undefined): string =>
  via && Object.hasOwn(ACK_METHODS, via) ? ` ${ACK_METHODS[via as keyof typeof ACK_METHODS]}` : '';
const alertChange = z.object({
  integration: z.string(),
  fingerprint: z.string(),
  title: z.string(),
  labels: z.record(z.string(), z.string()),
  link: z.string().nullable(),
  severity: z.string().nullable(),
  /** Why the pipeline put it there (alerts/reason.ts); rows from before the pipeline have none. */
  reason: z.string().optional(),
});
const alertGroup = z.object({ integration: z.string(), groupKey: z.string() });

/**
 * What each kind of timeline event carries, by kind. A field a kind has not always carried (written only
 * when it applies, or added after the kind was first recorded) is optional, so every stored row still
 * reads; fields a schema does not name are dropped, not refused.
 */
export const timelineEventSchemas = {
  declared: z.object({
    title: z.string(),
    severity: z.string(),
    description: z.string(),
    private: z.boolean(),
    lead: user.nullable(),
    status: status.optional(),
    source: z.string().optional(),
    type: z.string().optional(),
    drill: z.boolean().optional(),
  }),
  /** `message`: the update text, the resolution summary, the reason to reopen or to decline. */
  status_changed: z.object({ from: status, to: status, message: z.string().optional(), reopen: z.boolean().optional() }),
  /** `nextUpdateMs`: null turned reminders off; absent kept the severity's cadence. */
  status_update: z.object({ message: z.string(), status, severity: z.string(), nextUpdateMs: z.number().nullable().optional() }),
  severity_changed: z.object({ from: z.string(), to: z.string() }),
  type_changed: z.object({ from: z.string().nullable(), to: z.string() }),
  /** Services of the catalogue marked affected, by id; only those not already affected. */
  service_added: z.object({ services: z.array(z.string()).min(1) }),
  impact_set: z.object({ text: z.string(), previous: z.string().nullable() }),
  note: z.object({ text: z.string() }),
  role_assigned: z.object({ role: z.string(), user, previous: user.nullable() }),
  followup_added: z.object({ followupId: z.number().int(), text: z.string(), owner: user, due: z.string().optional() }),
  followup_done: z.object({ followupId: z.number().int(), text: z.string() }),
  /** Dated when the message was posted; `pinnedBy` is a person or Slack's own pin. */
  message_pinned: z.object({
    channel: z.string(),
    ts: z.string(),
    author: user.nullable(),
    text: z.string(),
    permalink: z.string().nullable(),
    pinnedBy: z.string(),
  }),
  message_unpinned: z.object({ ts: z.string(), channel: z.string() }),
  page_triggered: z.object({ ...page, message: z.string().optional() }),
  page_notified: z.object({ ...page, user, ...rung }),
  /** Slack would not deliver the page's DM to `user` (`error` is its answer): escalation goes on without them. */
  page_dm_failed: z.object({ ...page, user, ...rung, error: z.string() }),
  page_target_skipped: z.object({ ...page, schedule: z.string(), ...rung }),
  /** `lateMs`: how late the sweep fired; absent for a manual escalation. */
  page_escalated: z.object({ ...page, ...rung, manual: z.boolean(), lateMs: z.number().optional() }),
  /** `via`: how the person acknowledged (the Slack button, an e-mail or push link, an SMS reply, a key on a call). */
  page_acknowledged: z.object({ ...page, user, ...rung, via: z.enum(['slack', 'email', 'sms', 'voice', 'push']).optional() }),
  /**
   * One of a page's notifications outside Slack came to a state worth keeping (its receipt): `address` is
   * masked (`+49…5678`), `error` the provider's word when it failed or was not sent.
   */
  page_attempt: z.object({
    pageId: z.number().int(),
    attemptId: z.number().int(),
    user,
    method: z.enum(['email', 'sms', 'voice', 'push']),
    state: z.enum(ATTEMPT_OUTCOMES),
    address: z.string().nullable(),
    error: z.string().optional(),
  }),
  page_exhausted: z.object({ ...page, passes: z.number().int(), lateMs: z.number().optional() }),
  page_resolved: z.object(page),
  alert_firing: alertChange,
  alert_resolved: alertChange,
  alert_group_resolved: alertGroup,
  alert_acknowledged: alertGroup,
  /** `remind`: who owes the update, or null when nobody leads and a bot declared. */
  update_reminder: z.object({ dueAt: z.string().optional(), remind: user.nullable() }),
  lead_nudge: z.object({}),
  reminders_snoozed: z.object({ forMs: z.number() }),
  reminders_stopped: z.object({}),
  postmortem_answers_saved: z.object({ fields: z.array(z.string()) }),
  postmortem_published: z.object({ version: z.number().int() }),
  /** Published to the public status page: exactly what the public was shown. */
  statuspage_published: z.object({
    publicationId: z.number().int(),
    title: z.string(),
    status: z.string(),
    components: z.array(z.object({ id: z.string(), state: z.string() })),
    message: z.string(),
  }),
  /** A configured checklist given to the incident, with its steps as they were then (ticks name steps by position). */
  checklist_added: z.object({ checklist: z.string(), title: z.string(), steps: z.array(z.string()) }),
  /** `step` counts from zero; `text` is the step's as it was given. */
  checklist_step_done: z.object({ checklist: z.string(), step: z.number().int(), text: z.string() }),
  checklist_step_undone: z.object({ checklist: z.string(), step: z.number().int(), text: z.string() }),
  /** A workflow ran on the incident: each of its actions, whether it worked and what it did or why not. */
  workflow_ran: z.object({
    workflow: z.string(),
    trigger: z.string(),
    actions: z.array(z.object({ action: z.string(), ok: z.boolean(), detail: z.string() })),
  }),
} as const;

export type TimelineKind = keyof typeof timelineEventSchemas;
export type TimelineData<K extends TimelineKind> = z.infer<(typeof timelineEventSchemas)[K]>;

export function isTimelineKind(kind: string): kind is TimelineKind {
  return Object.hasOwn(timelineEventSchemas, kind);
}

type DataOf = { [K in TimelineKind]: TimelineData<K> };
/** A kind with its data; for a union of kinds, each kind only with its own data. */
export type TimelineEntry<K extends TimelineKind = TimelineKind> = { [P in K]: { kind: P; data: DataOf[P] } }[K];

/** What a reader needs of a stored event: a row of timeline_events, or the subset a postmortem keeps. */
type StoredEvent = { kind: string; data: unknown };
/** A stored event whose kind is in the catalogue and whose data reads as that kind's. */
export type KnownEvent<E extends StoredEvent = TimelineEvent> = Omit<E, 'kind' | 'data'> & TimelineEntry;

// Seen through this mapping, a kind's schema and its data stay linked while the kind is a type parameter.
const schemaOf: { [K in TimelineKind]: z.ZodType<DataOf[K]> } = timelineEventSchemas;

function read<T>(schema: z.ZodType<T>, data: unknown): T | undefined {
  const parsed = schema.safeParse(data);
  return parsed.success ? parsed.data : undefined;
}

function parseAs<E extends StoredEvent, K extends TimelineKind>(
  row: E,
  kind: K,
): (Omit<E, 'kind' | 'data'> & TimelineEntry<K>) | undefined {
  const data = read(schemaOf[kind], row.data);
  return data === undefined ? undefined : { ...row, kind, data };
}

/** The typed event, or undefined for a kind this code does not know or data that does not read as its kind's. */
export function parseEvent<E extends StoredEvent>(row: E): KnownEvent<E> | undefined {
  return isTimelineKind(row.kind) ? parseAs(row, row.kind) : undefined;
}
