import { command, msg, refuse, type Refusal } from '../outcome.js';
import { STATUSES, type Status } from './status.js';

/**
 * The status lifecycle: every allowed move, and every rule about a move. This module is the only place
 * that decides whether a status may change and what a status means; everything else asks it.
 */
export const ALLOWED_MOVES: Readonly<Record<Status, readonly Status[]>> = {
  triage: ['investigating', 'declined'],
  investigating: ['identified', 'monitoring', 'resolved'],
  identified: ['investigating', 'monitoring', 'resolved'],
  monitoring: ['investigating', 'identified', 'resolved'],
  resolved: ['closed', 'investigating'],
  closed: [],
  declined: [],
};

/** Where an incident starts: declared by a person it is being investigated; opened by an alert it waits in triage. */
export type StartStatus = Extract<Status, 'investigating' | 'triage'>;

/** No move leaves these: the record stays as it ended, so it takes no updates, severity or role changes. */
export const FINAL_STATUSES: readonly Status[] = ['closed', 'declined'];
/** Not over yet: people may be paged for it, and lists, digests and reminders count it as open. */
export const OPEN_STATUSES: readonly Status[] = ['triage', 'investigating', 'identified', 'monitoring'];
/** Open and accepted: someone works on it. Triage waits to be accepted or declined. */
export const WORKING_STATUSES: readonly Status[] = ['investigating', 'identified', 'monitoring'];
/** Over: it pages nobody and owes nobody updates, until a reopen brings a resolved one back. */
export const ENDED_STATUSES: readonly Status[] = ['resolved', 'closed', 'declined'];
/** Resolved and still so: closing keeps the resolution, a reopen undoes it. Its timeline is complete. */
export const RESOLVED_STATUSES: readonly Status[] = ['resolved', 'closed'];

export function isStatus(text: string): text is Status {
  return (STATUSES as readonly string[]).includes(text);
}

export const isFinal = (status: Status): boolean => FINAL_STATUSES.includes(status);
export const isOpen = (status: Status): boolean => OPEN_STATUSES.includes(status);
export const isWorking = (status: Status): boolean => WORKING_STATUSES.includes(status);
export const isOver = (status: Status): boolean => ENDED_STATUSES.includes(status);
export const isResolved = (status: Status): boolean => RESOLVED_STATUSES.includes(status);
/** A resolved incident still takes updates (a correction, what happens next); a final one does not. */
export const takesUpdates = (status: Status): boolean => !isFinal(status);

export function allowedMoves(from: Status): readonly Status[] {
  return ALLOWED_MOVES[from];
}

/** A move out of `resolved` back to work: it needs a reason. */
export function isReopen(from: Status, to: Status): boolean {
  return from === 'resolved' && to === 'investigating';
}

/** Accepting a triaged incident or reopening a resolved one: from here on it owes stakeholders updates. */
export function startsWork(from: Status, to: Status): boolean {
  return !isWorking(from) && isWorking(to);
}

/** Resolving or declining an open incident, or reopening it: the moves stakeholders hear of. Closing is bookkeeping. */
export function endsOrReopens(from: Status, to: Status): boolean {
  return isOver(from) !== isOver(to);
}

export type StatusDecision =
  | { ok: true; from: Status; to: Status; reopen: boolean }
  | { ok: false; reason: 'stale' | 'unchanged' | 'forbidden' | 'reason_required'; from: Status; to: Status; allowed: readonly Status[] };

/**
 * Decides a requested status move. `reason` is the text given with the request (needed to reopen).
 * `expectedFrom` is the status the person saw on a form or button: a move they chose for a status that
 * is no longer current is refused rather than applied to one they never saw.
 */
export function decideStatusChange(from: Status, to: Status, reason: string | undefined, expectedFrom?: Status): StatusDecision {
  const allowed = allowedMoves(from);
  if (expectedFrom && expectedFrom !== from) return { ok: false, reason: 'stale', from, to, allowed };
  if (from === to) return { ok: false, reason: 'unchanged', from, to, allowed };
  if (!allowed.includes(to)) return { ok: false, reason: 'forbidden', from, to, allowed };
  const reopen = isReopen(from, to);
  if (reopen && !reason?.trim()) return { ok: false, reason: 'reason_required', from, to, allowed };
  return { ok: true, from, to, reopen };
}

/** Declining says why this is not an incident; it is refused before the incident is even looked up. */
export function refuseDeclineWithoutReason(to: Status, reason: string | undefined): Refusal | undefined {
  if (to !== 'declined' || reason?.trim()) return undefined;
  return refuse('reason_required', msg`Declining needs a reason: say why this is not an incident.`, 'reason');
}

/** Whether the incident's severity requires a postmortem (configured per severity), and whether one is written. */
export interface PostmortemState {
  required: boolean;
  written: boolean;
}

/**
 * A closed incident is final, so a severity that requires a postmortem keeps it resolved until one is
 * written. Other moves are left to `decideStatusChange`.
 */
export function refuseCloseWithoutPostmortem(
  incident: { status: Status; severity: string },
  to: Status,
  postmortem: PostmortemState,
  key: string,
): Refusal | undefined {
  if (to !== 'closed' || incident.status !== 'resolved' || !postmortem.required || postmortem.written) return undefined;
  return refuse(
    'postmortem_required',
    msg`${key} is ${incident.severity.toUpperCase()}, which needs a postmortem before it can close. Write what only people know with the button, then run ${command('postmortem')}.`,
  );
}

export interface LifecycleTimes {
  acknowledgedAt: Date | null;
  mitigatedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
}

/** The parts of timeline events the lifecycle times are derived from. */
export interface LifecycleEvent {
  kind: string;
  occurredAt: Date;
  data: Record<string, unknown>;
}

/**
 * Lifecycle timestamps derived from the timeline, so a reopen keeps the history: acknowledged at the
 * first page ack (or the alert source's), move off triage or status update; mitigated at the first move to monitoring; resolved
 * at the last move to resolved (none while reopened); closed at the close.
 */
export function lifecycleTimes(events: readonly LifecycleEvent[], status: Status): LifecycleTimes {
  const sorted = [...events].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  let acknowledgedAt: Date | null = null;
  let mitigatedAt: Date | null = null;
  let resolvedAt: Date | null = null;
  let closedAt: Date | null = null;
  for (const event of sorted) {
    const to = event.data.to;
    const from = event.data.from;
    const acknowledges =
      event.kind === 'page_acknowledged' ||
      event.kind === 'alert_acknowledged' ||
      event.kind === 'status_update' ||
      (event.kind === 'status_changed' && from === 'triage');
    if (acknowledges) acknowledgedAt ??= event.occurredAt;
    if (event.kind !== 'status_changed') continue;
    if (to === 'monitoring') mitigatedAt ??= event.occurredAt;
    if (to === 'resolved') resolvedAt = event.occurredAt;
    if (to === 'closed') closedAt = event.occurredAt;
  }
  return {
    acknowledgedAt,
    mitigatedAt,
    resolvedAt: isResolved(status) ? resolvedAt : null,
    closedAt: status === 'closed' ? closedAt : null,
  };
}

/** How a refused move is explained: the current status and where it can go from there. */
export function explainRefusal(decision: Extract<StatusDecision, { ok: false }>, key: string): Refusal {
  const moves = decision.allowed.length ? decision.allowed.map((s) => `\`${s}\``).join(', ') : 'none: it is final';
  const { from, to } = decision;
  switch (decision.reason) {
    case 'stale':
      return refuse(
        'conflict',
        msg`${key} is now ${from}: someone changed it meanwhile. Moves allowed from ${from}: ${decision.allowed.join(', ') || 'none: it is final'}.`,
      );
    case 'unchanged':
      return refuse('unchanged', msg`${key} is already ${from}. Moves allowed from ${from}: ${moves}.`);
    case 'reason_required':
      return refuse(
        'reason_required',
        msg`Reopening ${key} needs a reason: ${command('status investigating <why it is back>')}.`,
        'reason',
      );
    case 'forbidden':
      return refuse('forbidden', msg`${key} is ${from} and cannot move to ${to}. Moves allowed from ${from}: ${moves}.`, 'status');
  }
}
