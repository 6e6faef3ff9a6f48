import { and, eq, sql } from 'drizzle-orm';
import { findSeverity, type Config } from '../config/load.js';
import type { Db, Tx } from '../db/client.js';
import { alertGroups, incidents, type Incident, type TimelineEvent } from '../db/schema.js';
import { enqueue } from '../outbox/enqueue.js';
import { refreshHomesOfIncident } from '../outbox/home.js';
import type { TimelineData, TimelineKind } from '../timeline/events.js';
import { recordEvent } from '../timeline/record.js';
import {
  decideStatusChange,
  explainRefusal,
  isFinal,
  isOpen,
  isOver,
  refuseCloseWithoutPostmortem,
  refuseDeclineWithoutReason,
  startsWork,
  takesUpdates,
} from '../incidents/lifecycle.js';
import { clearReminders, scheduleNextUpdate } from '../incidents/cadence.js';
import { postmortemWritten } from '../postmortems/store.js';
import { refreshLifecycleTimes } from '../incidents/times.js';
import { currentSchedules } from '../paging/current-schedules.js';
import { freezePolicy } from '../paging/policy.js';
import { freezeRules } from '../paging/rules.js';
import { resolvePagesOf } from '../paging/acknowledge.js';
import { runningPage, triggerPage } from '../paging/pages.js';
import { incidentKey, lockIncident, noSuchIncident } from '../incidents/queries.js';
import type { Status } from '../incidents/status.js';
import { msg, refuse, type Outcome, type Refusal } from '../outcome.js';
import { effectsOfEvent, tell } from './tell.js';

export type ChangeOutcome = Outcome<{ incident: Incident }>;

async function record<K extends TimelineKind>(tx: Tx, incident: Incident, kind: K, actor: string, data: TimelineData<K>) {
  const event = await recordEvent(tx, { incidentId: incident.id, kind, actor, data });
  if (!event) throw new Error(`timeline event ${kind} was not recorded`);
  return event;
}

const unknownSeverity = (config: Config, severity: string) =>
  refuse('invalid', msg`Unknown severity "${severity}". Choose one of: ${config.severities.map((s) => s.id).join(', ')}.`, 'severity');

type StatusStep = { ok: true; incident: Incident; event: TimelineEvent } | Refusal;

/**
 * Moves the status inside the caller's transaction: decided by the lifecycle, written as a compare-and-set
 * on the status that was seen, with the lifecycle times derived again from the timeline.
 */
async function applyStatus(
  tx: Tx,
  config: Config,
  incident: Incident,
  to: Status,
  actor: string,
  message: string | undefined,
  expectedFrom?: Status,
): Promise<StatusStep> {
  const key = incidentKey(incident.id);
  const from = incident.status;
  const decision = decideStatusChange(from, to, message, expectedFrom);
  if (!decision.ok) return explainRefusal(decision, key);
  const [moved] = await tx
    .update(incidents)
    .set({ status: to, updatedAt: sql`now()` })
    .where(and(eq(incidents.id, incident.id), eq(incidents.status, from)))
    .returning();
  if (!moved) {
    const [now] = await tx.select().from(incidents).where(eq(incidents.id, incident.id));
    return refuse('conflict', msg`${key} is now ${now?.status ?? 'gone'}: someone changed it at the same moment.`);
  }
  const event = await record(tx, moved, 'status_changed', actor, {
    from,
    to,
    ...(message ? { message } : {}),
    ...(decision.reopen ? { reopen: true } : {}),
  });
  await refreshHomesOfIncident(tx, moved.id);
  // An incident that is over stops paging anyone and owes nobody updates; a reopened one does again.
  if (isOver(to)) {
    await resolvePagesOf(tx, moved.id, actor);
    await clearReminders(tx, moved.id);
    // The next firing of its alert groups is a new incident.
    await tx.update(alertGroups).set({ open: false }).where(eq(alertGroups.incidentId, moved.id));
  } else if (startsWork(from, to)) {
    await scheduleNextUpdate(tx, config, moved);
  }
  return { ok: true, incident: await refreshLifecycleTimes(tx, moved), event };
}

export interface StatusRequest {
  incidentId: number;
  actor: string;
  to: Status;
  /** The update text, the resolution summary, the reason to reopen or to decline. */
  message?: string;
  /** The status the person saw (a form or button): the change applies only if it is still that. */
  expectedFrom?: Status;
}

export async function changeStatus(db: Db, config: Config, request: StatusRequest): Promise<ChangeOutcome> {
  const refused = refuseDeclineWithoutReason(request.to, request.message);
  if (refused) return refused;
  return db.transaction((tx) => changeStatusIn(tx, config, request));
}

/** A status change inside the caller's transaction (an alert resolving its incident, say). */
export async function changeStatusIn(tx: Tx, config: Config, request: StatusRequest): Promise<ChangeOutcome> {
  const incident = await lockIncident(tx, request.incidentId);
  if (!incident) return noSuchIncident(request.incidentId);
  const required = findSeverity(config, incident.severity)?.postmortemRequired ?? false;
  // Looked up only for a close that may wait on it; whether it does is the lifecycle's call.
  const written = request.to === 'closed' && required && (await postmortemWritten(tx, incident.id));
  const waiting = refuseCloseWithoutPostmortem(incident, request.to, { required, written }, incidentKey(incident.id));
  if (waiting) return waiting;
  const step = await applyStatus(
    tx,
    config,
    incident,
    request.to,
    request.actor,
    request.message?.trim() || undefined,
    request.expectedFrom,
  );
  if (!step.ok) return step;
  const { incident: moved, event } = step;
  const effects = await effectsOfEvent(tx, event);
  if (request.to === 'closed' && config.archiveOnClose) effects.push({ kind: 'channel.archive', payload: { incidentId: moved.id } });
  await enqueue(tx, effects, { incidentId: moved.id });
  return { ok: true, incident: moved, message: msg`${incidentKey(moved.id)} is now ${request.to}.` };
}

export interface UpdateRequest {
  incidentId: number;
  actor: string;
  message: string;
  status?: Status;
  /** The status the person saw on the form: leaving it as shown moves nothing, choosing another moves only from it. */
  expectedFrom?: Status;
  severity?: string;
  /** When the next update is due; null for no reminders. Undefined keeps the severity's cadence. */
  nextUpdateMs?: number | null;
}

export const MAX_UPDATE = 3_000;

/** A status update: posted in the channel and the announcement thread, optionally moving status and severity. */
export async function postStatusUpdate(db: Db, config: Config, request: UpdateRequest): Promise<ChangeOutcome> {
  const message = request.message.trim();
  if (!message) return refuse('invalid', msg`Write the update: what is known, what is being done, what is next.`, 'message');
  if (message.length > MAX_UPDATE)
    return refuse('invalid', msg`The update is ${message.length} characters; keep it to ${MAX_UPDATE} or fewer.`, 'message');
  if (request.severity && !findSeverity(config, request.severity)) return unknownSeverity(config, request.severity);
  // A move to a final status has rules of its own (closing waits for a postmortem): it is made on its own.
  if (request.status && !takesUpdates(request.status)) {
    return refuse(
      'forbidden',
      msg`An update cannot move ${incidentKey(request.incidentId)} to ${request.status}; change the status on its own.`,
      'status',
    );
  }
  return db.transaction(async (tx) => {
    let incident = await lockIncident(tx, request.incidentId);
    if (!incident) return noSuchIncident(request.incidentId);
    if (!takesUpdates(incident.status)) {
      return refuse('final', msg`${incidentKey(incident.id)} is ${incident.status}; it takes no more updates.`);
    }
    let topic = false;
    if (request.status && request.status !== (request.expectedFrom ?? incident.status)) {
      const step = await applyStatus(tx, config, incident, request.status, request.actor, message, request.expectedFrom);
      if (!step.ok) return step;
      incident = step.incident;
      topic = true;
    }
    if (request.severity && request.severity !== incident.severity) {
      incident = (await applySeverity(tx, config, incident, request.severity, request.actor)).incident;
      topic = true;
    }
    const event = await record(tx, incident, 'status_update', request.actor, {
      message,
      status: incident.status,
      severity: incident.severity,
      ...(request.nextUpdateMs !== undefined ? { nextUpdateMs: request.nextUpdateMs } : {}),
    });
    await refreshLifecycleTimes(tx, incident);
    if (isOpen(incident.status)) await scheduleNextUpdate(tx, config, incident, request.nextUpdateMs);
    await tell(tx, event, { movedStatusOrSeverity: topic });
    return { ok: true, incident, message: msg`Update posted to ${incidentKey(incident.id)}.` };
  });
}

/** Raising the severity to one that names a policy pages it, unless that policy is already paging. */
async function applySeverity(
  tx: Tx,
  config: Config,
  incident: Incident,
  severity: string,
  actor: string,
): Promise<{ incident: Incident; event: TimelineEvent }> {
  const [changed] = await tx
    .update(incidents)
    .set({ severity, updatedAt: sql`now()` })
    .where(eq(incidents.id, incident.id))
    .returning();
  if (!changed) throw new Error('incident vanished while locked');
  const event = await record(tx, changed, 'severity_changed', actor, { from: incident.severity, to: severity });
  const rank = (id: string) => config.severities.findIndex((s) => s.id === id);
  const policyId = findSeverity(config, severity)?.page;
  if (policyId && rank(severity) < rank(incident.severity) && !(await runningPage(tx, changed.id, policyId))) {
    const policy = freezePolicy(config, policyId, await currentSchedules(tx, config));
    const message = `Severity raised to ${severity.toUpperCase()}`;
    if (policy) await triggerPage(tx, { incident: changed, policy, rules: await freezeRules(tx, config), actor, message });
  }
  return { incident: changed, event };
}

export async function changeSeverity(
  db: Db,
  config: Config,
  request: { incidentId: number; actor: string; severity: string },
): Promise<ChangeOutcome> {
  const severity = findSeverity(config, request.severity);
  if (!severity) return unknownSeverity(config, request.severity);
  return db.transaction(async (tx) => {
    const incident = await lockIncident(tx, request.incidentId);
    if (!incident) return noSuchIncident(request.incidentId);
    const key = incidentKey(incident.id);
    if (incident.severity === severity.id) return refuse('unchanged', msg`${key} is already ${severity.id}.`);
    if (isFinal(incident.status)) return refuse('final', msg`${key} is ${incident.status}; its severity is final.`);
    const { incident: changed, event } = await applySeverity(tx, config, incident, severity.id, request.actor);
    await tell(tx, event);
    return { ok: true, incident: changed, message: msg`${key} is now ${severity.id}.` };
  });
}

export async function setType(
  db: Db,
  config: Config,
  request: { incidentId: number; actor: string; type: string },
): Promise<ChangeOutcome> {
  if (!config.incidentTypes.includes(request.type))
    return refuse('invalid', msg`Unknown type "${request.type}". Types: ${config.incidentTypes.join(', ')}.`, 'type');
  return db.transaction(async (tx) => {
    const incident = await lockIncident(tx, request.incidentId);
    if (!incident) return noSuchIncident(request.incidentId);
    const key = incidentKey(incident.id);
    if (incident.type === request.type) return refuse('unchanged', msg`${key} is already of type ${request.type}.`);
    const [changed] = await tx
      .update(incidents)
      .set({ type: request.type, updatedAt: sql`now()` })
      .where(eq(incidents.id, incident.id))
      .returning();
    const event = await record(tx, incident, 'type_changed', request.actor, { from: incident.type, to: request.type });
    await tell(tx, event);
    return { ok: true, incident: changed ?? incident, message: msg`${key} is now of type ${request.type}.` };
  });
}

export const MAX_IMPACT = 2_000;

export async function setImpact(db: Db, request: { incidentId: number; actor: string; text: string }): Promise<ChangeOutcome> {
  const text = request.text.trim();
  if (!text) return refuse('invalid', msg`Say who and what is affected.`, 'text');
  if (text.length > MAX_IMPACT)
    return refuse('invalid', msg`The impact is ${text.length} characters; keep it to ${MAX_IMPACT} or fewer.`, 'text');
  return db.transaction(async (tx) => {
    const incident = await lockIncident(tx, request.incidentId);
    if (!incident) return noSuchIncident(request.incidentId);
    const [changed] = await tx
      .update(incidents)
      .set({ impact: text, updatedAt: sql`now()` })
      .where(eq(incidents.id, incident.id))
      .returning();
    const event = await record(tx, incident, 'impact_set', request.actor, { text, previous: incident.impact });
    await tell(tx, event);
    return { ok: true, incident: changed ?? incident, message: msg`Impact recorded on ${incidentKey(incident.id)}.` };
  });
}

export const MAX_NOTE = 3_000;

export async function addNote(db: Db, request: { incidentId: number; actor: string; text: string }): Promise<ChangeOutcome> {
  const text = request.text.trim();
  if (!text) return refuse('invalid', msg`Say what to note.`, 'text');
  if (text.length > MAX_NOTE)
    return refuse('invalid', msg`The note is ${text.length} characters; keep it to ${MAX_NOTE} or fewer.`, 'text');
  return db.transaction(async (tx) => {
    const incident = await lockIncident(tx, request.incidentId);
    if (!incident) return noSuchIncident(request.incidentId);
    await record(tx, incident, 'note', request.actor, { text });
    return { ok: true, incident, message: msg`Noted on ${incidentKey(incident.id)}'s timeline.` };
  });
}
