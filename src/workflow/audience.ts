import { endsOrReopens, isStatus } from '../incidents/lifecycle.js';
import type { Effect } from '../outbox/effects.js';
import { parseEvent, type TimelineData, type TimelineEntry, type TimelineKind } from '../timeline/events.js';

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
  /** The incident is a drill: only its own channel and the people in it hear of it. */
  drill?: boolean;
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

type Rule<K extends TimelineKind> = (data: TimelineData<K>, context: AudienceContext) => Audience;

const nobody = () => NOBODY;
const aLine = () => line;

/** Every kind and who hears of it: a new kind does not compile until this table says. */
const AUDIENCES: { [K in TimelineKind]: Rule<K> } = {
  declared: nobody, // the declaration's own set-up (channel, summary, announcement) says it
  status_changed: ({ from, to }) => {
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
  service_added: () => ({ ...line, summary: true }),
  note: nobody,
  role_assigned: ({ role }) => ({ ...line, invite: true, roleDm: true, summary: true, topic: role === 'lead' }),
  followup_added: nobody,
  followup_done: nobody,
  message_pinned: nobody,
  message_unpinned: nobody,
  page_triggered: nobody, // its notifications say it, one line per person paged
  page_notified: aLine,
  page_dm_failed: aLine,
  page_target_skipped: aLine,
  page_escalated: aLine,
  page_acknowledged: aLine,
  page_attempt: nobody, // the notification's line in the channel is edited into its receipt instead
  page_exhausted: aLine,
  page_resolved: nobody, // the page's DMs are edited to say it ended
  alert_firing: aLine, // within the alert-line budget, which alerts/ingest.ts applies
  alert_resolved: aLine,
  alert_group_resolved: aLine,
  alert_acknowledged: aLine,
  update_reminder: () => ({ ...NOBODY, reminder: true }),
  lead_nudge: aLine,
  reminders_snoozed: nobody,
  reminders_stopped: nobody,
  postmortem_answers_saved: nobody,
  postmortem_published: () => ({ ...NOBODY, summary: true }),
  statuspage_published: aLine,
  // The checklist's own message shows its steps and ticks; the summary counts them.
  checklist_added: () => ({ ...NOBODY, summary: true }),
  checklist_step_done: () => ({ ...NOBODY, summary: true }),
  checklist_step_undone: () => ({ ...NOBODY, summary: true }),
  workflow_ran: aLine,
};

function ruleFor<K extends TimelineKind>(entry: TimelineEntry<K>, context: AudienceContext): Audience {
  const rule: Rule<K> = AUDIENCES[entry.kind];
  return rule(entry.data, context);
}

/** Stakeholders follow real incidents only: a drill has no announcement thread to reply in and tells no subscriber. */
const withinDrill = (audience: Audience): Audience => ({ ...audience, thread: 'none', subscribers: false });

export function audienceOf(entry: TimelineEntry, context: AudienceContext = {}): Audience {
  const audience = ruleFor(entry, context);
  return context.drill ? withinDrill(audience) : audience;
}

/** Whether a new incident is announced in announcements_channel: a private one is not, nor is a drill. */
export function announcedWhenDeclared(incident: { isPrivate: boolean; drill: boolean }): boolean {
  return !incident.isPrivate && !incident.drill;
}

/** The effects an audience asks for, in the order Slack should see them. */
export function effectsFor(
  event: { id: number; incidentId: number; data: object },
  audience: Audience,
  subscribers: readonly string[] = [],
): Effect[] {
  const { incidentId } = event;
  const eventId = event.id;
  const effects: Effect[] = [];
  const user = 'user' in event.data && typeof event.data.user === 'string' ? event.data.user : '';
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

/** An event just recorded, read by its kind: recorded data that does not read as its kind's is a bug, said loudly. */
export function recorded<E extends { id: number; incidentId: number; kind: string; data: unknown }>(event: E) {
  const known = parseEvent(event);
  if (!known) throw new Error(`timeline event ${event.kind} was recorded with data its kind does not describe`);
  return known;
}

/** The effects for an event whose audience needs no look-up (no subscribers): what the sweeps below workflow/ use. */
export function announce(event: { id: number; incidentId: number; kind: string; data: unknown }): Effect[] {
  const known = recorded(event);
  return effectsFor(known, audienceOf(known));
}
