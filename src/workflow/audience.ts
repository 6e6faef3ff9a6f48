import { endsOrReopens, isStatus } from '../incidents/lifecycle.js';
import type { Effect } from '../outbox/effects.js';

/**
 * Who hears of a timeline event besides the timeline itself. Recorders consult this one table instead of
 * building their effect lists by hand, so "who is told of X" has one answer. It is pure and imports only
 * the lifecycle, so the domain sweeps below workflow/ (escalations, reminders) may read it too.
 */
export interface Audience {
  /** Whoever the event names (the person given a role) is invited to the channel. */
  invite: boolean;
  /** A line in the incident channel. */
  channel: boolean;
  /** A reply in the announcement thread, where stakeholders follow; `broadcast` also shows it in the channel. */
  thread: 'none' | 'reply' | 'broadcast';
  /** The person the event names is told by DM what their role asks of them. */
  roleDm: boolean;
  /** The reminder with Post update, Snooze and Stop, in the channel. */
  reminder: boolean;
  /** The pinned summary is rendered again. */
  summary: boolean;
  /** The channel topic (status, severity, lead) is set again. */
  topic: boolean;
  /** Each subscriber of the incident gets a DM. */
  subscribers: boolean;
}

/** What the recorder knows beyond the event: a status update that also moved the status or severity. */
export interface AudienceContext {
  movedStatusOrSeverity?: boolean;
}

const NOBODY: Audience = {
  invite: false,
  channel: false,
  thread: 'none',
  roleDm: false,
  reminder: false,
  summary: false,
  topic: false,
  subscribers: false,
};
const line = { ...NOBODY, channel: true };

const str = (value: unknown) => (typeof value === 'string' ? value : '');

type Rule = (data: Record<string, unknown>, context: AudienceContext) => Audience;

/** The kinds with an audience; a kind not listed is recorded on the timeline and told to nobody. */
const AUDIENCES: Readonly<Record<string, Rule>> = {
  status_changed: (data) => {
    const from = str(data.from);
    const to = str(data.to);
    // Stakeholders hear of endings (resolved, declined) and reopenings; a resolution shows in their channel.
    const told = isStatus(from) && isStatus(to) && endsOrReopens(from, to);
    const thread = told ? (to === 'resolved' ? 'broadcast' : 'reply') : 'none';
    return { ...line, thread, summary: true, topic: true, subscribers: true };
  },
  status_update: (_data, context) => ({
    ...line,
    thread: 'reply',
    summary: true,
    topic: context.movedStatusOrSeverity ?? false,
    subscribers: true,
  }),
  severity_changed: () => ({ ...line, summary: true, topic: true }),
  type_changed: () => ({ ...line, summary: true }),
  impact_set: () => ({ ...line, summary: true }),
  role_assigned: (data) => ({ ...line, invite: true, roleDm: true, summary: true, topic: data.role === 'lead' }),
  postmortem_published: () => ({ ...NOBODY, summary: true }),
  update_reminder: () => ({ ...NOBODY, reminder: true }),
  lead_nudge: () => line,
  page_notified: () => line,
  page_target_skipped: () => line,
  page_escalated: () => line,
  page_exhausted: () => line,
  page_acknowledged: () => line,
  alert_firing: () => line,
  alert_resolved: () => line,
  alert_group_resolved: () => line,
  alert_acknowledged: () => line,
};

export function audienceOf(event: { kind: string; data: Record<string, unknown> }, context: AudienceContext = {}): Audience {
  return AUDIENCES[event.kind]?.(event.data, context) ?? NOBODY;
}

/** The effects an audience asks for, in the order Slack should see them. */
export function effectsFor(
  event: { id: number; incidentId: number; data: Record<string, unknown> },
  audience: Audience,
  subscribers: readonly string[] = [],
): Effect[] {
  const { incidentId } = event;
  const eventId = event.id;
  const effects: Effect[] = [];
  const user = str(event.data.user);
  if (audience.invite && user) effects.push({ kind: 'channel.invite', payload: { incidentId, users: [user] } });
  if (audience.channel) effects.push({ kind: 'timeline.post', payload: { incidentId, eventId, where: 'channel', broadcast: false } });
  if (audience.thread !== 'none') {
    const broadcast = audience.thread === 'broadcast';
    effects.push({ kind: 'timeline.post', payload: { incidentId, eventId, where: 'announcement_thread', broadcast } });
  }
  if (audience.roleDm) effects.push({ kind: 'role.dm', payload: { incidentId, eventId } });
  if (audience.reminder) effects.push({ kind: 'reminder.post', payload: { incidentId, eventId } });
  if (audience.summary) effects.push({ kind: 'summary.update', payload: { incidentId } });
  if (audience.topic) effects.push({ kind: 'channel.topic', payload: { incidentId } });
  if (audience.subscribers) {
    // One row per subscriber, so one failed DM repeats nobody else's.
    for (const userId of subscribers) effects.push({ kind: 'subscriber.dm', payload: { incidentId, eventId, userId } });
  }
  return effects;
}

/** The effects for an event whose audience needs no look-up (no subscribers): what the sweeps below workflow/ use. */
export function announce(event: { id: number; incidentId: number; kind: string; data: Record<string, unknown> }): Effect[] {
  return effectsFor(event, audienceOf(event));
}
